import { readFileSync } from 'fs';
import { join } from 'path';
import { FakeHcpTerraform, postTask, sign, startFakeHcpTerraform } from './fakes/hcp-terraform';
import { fakeServerOptions } from './fakes/run-task-options';
import { committedPlanText } from './terraform-plans';
import {
  LogEntry,
  RULES_DOC_URL,
  RunTaskOptions,
  RunTaskServer,
  startRunTaskServer,
} from '../cli/src/run-task';
import { Logger } from '../cli/src/run-task/logger';
import { runChecks } from '../lib/checklist/engine';
import { loadModel } from '../lib/checklist/model';

const KEY = 'run-task-hmac-key-for-tests-0123456789';
const WEAKENED = readFileSync(join(__dirname, 'fixtures', 'weakened-plan.json'), 'utf8');

let fake: FakeHcpTerraform;
let compliantPlan: string;
let server: RunTaskServer | undefined;
let logs: LogEntry[];

beforeAll(async () => {
  fake = await startFakeHcpTerraform();
  // The reference stack's first plan as Terraform wrote it (__tests__/fixtures/terraform, `npm run tf:fixtures`).
  compliantPlan = committedPlanText('reference-first-plan.json');
  fake.addPlan('plan-compliant', { json: compliantPlan });
  fake.addPlan('plan-weakened', { json: WEAKENED });
  fake.addPlan('plan-weakened-terraform', { json: committedPlanText('weakened-first-plan.json') });
});
afterAll(() => fake.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The real server on loopback with millisecond timeouts and backoffs, logging into `logs`. */
async function start(overrides: Partial<RunTaskOptions> = {}): Promise<RunTaskServer> {
  logs = [];
  server = await startRunTaskServer(fakeServerOptions(fake, KEY, (e) => logs.push(e), overrides));
  return server;
}

async function runOne(
  taskResultId: string,
  planId: string,
  extra: Partial<Parameters<FakeHcpTerraform['task']>[0]> = {},
) {
  const { body } = fake.task({ taskResultId, planId, ...extra });
  const before = fake.finalCallbacks().length;
  const answer = await postTask(server!.url, body, KEY);
  expect(answer.status).toBe(200);
  await fake.waitForFinal(before + 1);
  const finals = fake.finalCallbacks(taskResultId);
  expect(finals).toHaveLength(1);
  return finals[0];
}

const statusOf = (cb: { body: any }) => cb.body.data.attributes.status;
/** The rule ID part of an outcome-id (`<rule>:<address>`). */
const ruleOf = (o: any): string => o.attributes['outcome-id'].split(':')[0];
const outcomesOf = (cb: { body: any }): any[] => cb.body.data.relationships?.outcomes.data ?? [];

describe('run task: verdicts', () => {
  test('a compliant plan passes; the plan is fetched through the 307 with the run token; the callback is a JSON:API PATCH', async () => {
    await start();
    const cb = await runOne('t-compliant', 'plan-compliant');
    expect(statusOf(cb)).toBe('passed');
    expect(cb.body.data.type).toBe('task-results');
    expect(cb.body.data.attributes.message).toMatch(/^Azure OpenAI hardening checklist passed: 0 error\(s\)/);
    // Without --rules-url: the published rules page of this package.
    expect(cb.body.data.attributes.url).toBe(RULES_DOC_URL);
    expect(RULES_DOC_URL).toMatch(/^https:\/\/github\.com\/[\w-]+\/[\w-]+\/blob\/main\/docs\/rules\.md$/);
    expect(outcomesOf(cb).filter((o) => o.attributes.tags.Status[0].label === 'Failed')).toEqual([]);
    // docs/field-facts.md 3.5: Bearer <access_token>, Content-Type application/vnd.api+json.
    expect(cb.authorization).toBe('Bearer fake-run-token.atlasv1.t-compliant');
    expect(cb.contentType).toBe('application/vnd.api+json');
    expect(fake.planRequests.filter((r) => r.planId === 'plan-compliant').at(-1)?.authorization).toBe(
      'Bearer fake-run-token.atlasv1.t-compliant',
    );
    // The 307 leads to the object store, another host:port: followed, without the token.
    const redirected = fake.redirectedRequests.filter((r) => r.planId === 'plan-compliant');
    expect(redirected.length).toBeGreaterThan(0);
    expect(redirected.map((r) => r.authorization)).toEqual(redirected.map(() => undefined));
  });

  test('a weakened plan fails with one outcome per error-level finding, rule and address as outcome-id, a fix and status/severity tags', async () => {
    await start();
    const cb = await runOne('t-weakened', 'plan-weakened');
    expect(statusOf(cb)).toBe('failed');
    const failing = outcomesOf(cb).filter((o) => o.attributes.tags.Status[0].label === 'Failed');
    // The fixture's known errors (see checklist-inputs.test.ts): public access on, key auth on, no RAI policy.
    const ids = failing.map(ruleOf);
    expect(ids).toEqual(expect.arrayContaining(['AOAI-NET-001', 'AOAI-IAM-001', 'AOAI-CFP-001']));
    const report = runChecks(loadModel(JSON.parse(WEAKENED)));
    const errors = report.findings.filter((f) => f.status === 'non-compliant' && f.severity === 'error');
    expect(failing).toHaveLength(errors.length);
    expect(ids.sort()).toEqual(errors.map((f) => f.ruleId).sort());
    const all = outcomesOf(cb).map((o) => o.attributes['outcome-id']);
    expect(new Set(all).size).toBe(all.length);
    const net001 = failing.find(
      (o) => o.attributes['outcome-id'] === 'AOAI-NET-001:azurerm_cognitive_account.aoai',
    ).attributes;
    // Each outcome links to its rule's anchor (docs/rules.md has <a id="aoai-net-001">).
    expect(net001.url).toBe(`${RULES_DOC_URL}#aoai-net-001`);
    expect(net001.body).toContain(`Rule reference: [AOAI-NET-001](${RULES_DOC_URL}#aoai-net-001)`);
    expect(readFileSync(join(__dirname, '..', 'docs', 'rules.md'), 'utf8')).toContain(
      '<a id="aoai-net-001"></a>',
    );
    expect(net001.description).toBe(
      'azurerm_cognitive_account.aoai: Public network access is disabled on the account',
    );
    expect(net001.body).toContain('### Fix');
    expect(net001.body).toContain('`azurerm_cognitive_account.aoai`');
    expect(net001.tags).toEqual({
      Status: [{ label: 'Failed', level: 'error' }],
      Severity: [{ label: 'Error', level: 'error' }],
    });
    // Warnings are listed, advisory, and do not make the task fail on their own.
    for (const o of outcomesOf(cb).filter((x) => x.attributes.tags.Status[0].label !== 'Failed')) {
      expect(o.attributes.tags.Status).toEqual([{ label: 'Advisory', level: 'warning' }]);
    }
    expect(cb.body.data.attributes.message).toContain('AOAI-NET-001');
    expect(cb.body.data.attributes.message).not.toContain('\n');
  });

  test("Terraform's own plan of a weakened reference stack fails the task on the three flipped settings", async () => {
    await start();
    const cb = await runOne('t-weakened-terraform', 'plan-weakened-terraform');
    expect(statusOf(cb)).toBe('failed');
    const failing = outcomesOf(cb)
      .filter((o) => o.attributes.tags.Status[0].label === 'Failed')
      .map(ruleOf);
    expect(new Set(failing)).toEqual(new Set(['AOAI-NET-001', 'AOAI-IAM-001', 'AOAI-CFP-001']));
  });

  test('failOnWarnings makes warning findings fail the task too', async () => {
    // The weakened fixture has warning-level findings (e.g. AOAI-IAM-005); compliant plan + warnings only would pass.
    const report = runChecks(loadModel(JSON.parse(WEAKENED)));
    expect(report.summary.warnings).toBeGreaterThan(0);
    await start({ failOnWarnings: true });
    const cb = await runOne('t-warnings', 'plan-weakened');
    const failing = outcomesOf(cb).filter((o) => o.attributes.tags.Status[0].label === 'Failed');
    expect(failing).toHaveLength(report.summary.errors + report.summary.warnings);
  });

  test('without capabilities.outcomes the result carries no outcomes', async () => {
    await start();
    const cb = await runOne('t-no-outcomes', 'plan-weakened', { outcomes: false });
    expect(statusOf(cb)).toBe('failed');
    expect(cb.body.data.relationships).toBeUndefined();
  });

  test.each(['pre_plan', 'post_apply'])(
    'stage %s passes with a message saying it is not judged, without fetching the plan',
    async (stage) => {
      await start();
      const before = fake.planRequests.length;
      const cb = await runOne(`t-stage-${stage}`, 'plan-weakened', { stage });
      expect(statusOf(cb)).toBe('passed');
      expect(cb.body.data.attributes.message).toBe(
        `Stage ${stage} is not judged: the Azure OpenAI hardening checklist judges the plan at post_plan and pre_apply.`,
      );
      expect(fake.planRequests.length).toBe(before);
    },
  );

  test('pre_apply judges the plan like post_plan', async () => {
    await start();
    expect(statusOf(await runOne('t-pre-apply', 'plan-weakened', { stage: 'pre_apply' }))).toBe('failed');
  });
});

describe('run task: signatures and requests', () => {
  test('missing or malformed signature -> 401, wrong signature -> 403, wrong key -> 403; no plan fetched, no callback', async () => {
    await start();
    const plansBefore = fake.planRequests.length;
    const unsigned = fake.task({ taskResultId: 't-unsigned', planId: 'plan-weakened' }).body;
    expect((await postTask(server!.url, unsigned, KEY, '')).status).toBe(401);
    const forged = fake.task({ taskResultId: 't-forged', planId: 'plan-weakened' }).body;
    expect((await postTask(server!.url, forged, KEY, sign(forged + ' ', KEY))).status).toBe(403);
    expect((await postTask(server!.url, forged, KEY, sign(forged, 'another-key'))).status).toBe(403);
    expect((await postTask(server!.url, forged, KEY, 'not-hex')).status).toBe(401);
    // A signed task after them is judged, so the server was working all along.
    await runOne('t-after-refused', 'plan-weakened');
    expect(fake.callbacks.filter((c) => ['t-unsigned', 't-forged'].includes(c.taskResultId))).toEqual([]);
    expect(fake.planRequests.length).toBe(plansBefore + 1);
    expect(logs.filter((l) => l.msg === 'request refused: signature').map((l) => l.signature)).toEqual([
      'missing',
      'invalid',
      'invalid',
      'malformed',
    ]);
  });

  test('the verification request (access_token "test-token") gets 200 and no callback, but only when signed', async () => {
    await start();
    // docs/field-facts.md 3.3: the body beyond the token is undocumented; this one even lacks a callback URL.
    const body = JSON.stringify({ payload_version: 1, stage: 'test', access_token: 'test-token' });
    expect((await postTask(server!.url, body, KEY, '')).status).toBe(401);
    const answer = await postTask(server!.url, body, KEY);
    expect(answer.status).toBe(200);
    const withCallback = fake.task({
      taskResultId: 't-verify',
      planId: 'plan-weakened',
      token: 'test-token',
    }).body;
    expect((await postTask(server!.url, withCallback, KEY)).status).toBe(200);
    await runOne('t-after-verify', 'plan-weakened');
    expect(fake.callbacks.filter((c) => c.taskResultId === 't-verify')).toEqual([]);
  });

  test('an oversized body gets 413 and no callback', async () => {
    await start({ maxBodyBytes: 4096 });
    const { body } = fake.task({
      taskResultId: 't-oversized',
      planId: 'plan-weakened',
      overrides: { run_message: 'x'.repeat(5000) },
    });
    expect((await postTask(server!.url, body, KEY)).status).toBe(413);
    await runOne('t-after-oversized', 'plan-weakened');
    expect(fake.callbacks.filter((c) => c.taskResultId === 't-oversized')).toEqual([]);
  });

  test('invalid payloads get 400; a callback URL outside the allowlist gets 422 and is never called', async () => {
    await start();
    expect((await postTask(server!.url, 'not json', KEY)).status).toBe(400);
    const noVersion = fake.task({
      taskResultId: 't-v2',
      planId: 'p',
      overrides: { payload_version: 2 },
    }).body;
    expect((await postTask(server!.url, noVersion, KEY)).status).toBe(400);
    const elsewhere = fake.task({
      taskResultId: 't-elsewhere',
      planId: 'plan-weakened',
      overrides: { task_result_callback_url: 'https://attacker.example/api/v2/task-results/x/callback' },
    }).body;
    const answer = await postTask(server!.url, elsewhere, KEY);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain('attacker.example:443 is not in AOAI_RUN_TASK_ALLOWED_HOSTS');
  });

  test('a plan URL outside the allowlist is reported failed without sending the token there', async () => {
    await start();
    const cb = await runOne('t-plan-elsewhere', 'plan-weakened', {
      overrides: { plan_json_api_url: 'https://attacker.example/api/v2/plans/p/json-output' },
    });
    expect(statusOf(cb)).toBe('failed');
    expect(cb.body.data.attributes.message).toContain('plan_json_api_url refused');
  });

  test('/healthz answers 200 with the queue state; other paths 404', async () => {
    await start();
    const res = await fetch(`${server!.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', active: 0, queued: 0 });
    expect((await fetch(`${server!.url}/nope`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${server!.url}/`)).status).toBe(405);
  });
});

describe('run task: faults', () => {
  test('plan download 500 twice, then served: retried, judged', async () => {
    fake.addPlan('plan-flaky', { json: WEAKENED, failFirst: { status: 500, times: 2 } });
    await start();
    const cb = await runOne('t-flaky-plan', 'plan-flaky');
    expect(statusOf(cb)).toBe('failed');
    expect(outcomesOf(cb).map(ruleOf)).toContain('AOAI-NET-001');
    expect(fake.planRequests.filter((r) => r.planId === 'plan-flaky')).toHaveLength(3);
    expect(logs.filter((l) => l.msg === 'plan download retry')).toHaveLength(2);
  });

  test('a plan never available (always 500) is reported failed with the reason, after every attempt', async () => {
    fake.addPlan('plan-never-500', { json: '', always: 500 });
    await start({ planAttempts: 3 });
    const cb = await runOne('t-never-500', 'plan-never-500');
    expect(statusOf(cb)).toBe('failed');
    expect(cb.body.data.attributes.message).toBe(
      'Azure OpenAI hardening checklist could not judge this plan: could not download the plan JSON after 3 attempt(s): HTTP 500',
    );
    expect(fake.planRequests.filter((r) => r.planId === 'plan-never-500')).toHaveLength(3);
  });

  test('a 401 on the plan (expired token) is not retried and fails the task', async () => {
    fake.addPlan('plan-401', { json: WEAKENED, always: 401 });
    await start({ planAttempts: 5 });
    const cb = await runOne('t-401', 'plan-401');
    expect(cb.body.data.attributes.message).toContain('after 1 attempt(s): HTTP 401');
  });

  test('a plan that is not JSON, or not a plan, or too large, fails the task with the reason', async () => {
    fake.addPlan('plan-garbage', { json: '<html>maintenance</html>' });
    fake.addPlan('plan-not-terraform', { json: '{"hello": "world"}' });
    fake.addPlan('plan-large', { json: WEAKENED });
    await start({ maxPlanBytes: 2000 });
    expect((await runOne('t-garbage', 'plan-garbage')).body.data.attributes.message).toContain(
      'the plan JSON is not valid JSON',
    );
    // The checklist's InputError, naming the input as the run task's plan JSON (judge.ts).
    expect((await runOne('t-not-terraform', 'plan-not-terraform')).body.data.attributes.message).toContain(
      'could not judge this plan: plan JSON: not Terraform JSON',
    );
    expect((await runOne('t-large', 'plan-large')).body.data.attributes.message).toContain(
      'larger than the 2000-byte limit',
    );
  });

  test('callback 500, then 200: retried, delivered exactly once', async () => {
    fake.failCallbacks('t-flaky-callback', 500, 2);
    await start();
    const cb = await runOne('t-flaky-callback', 'plan-compliant');
    expect(statusOf(cb)).toBe('passed');
    expect(
      fake.callbacks.filter((c) => c.taskResultId === 't-flaky-callback').map((c) => c.answered),
    ).toEqual([500, 500, 200]);
  });

  test('a callback answered 422 is not retried (the payload will not get better)', async () => {
    fake.failCallbacks('t-422', 422, 5);
    await start();
    const { body } = fake.task({ taskResultId: 't-422', planId: 'plan-weakened' });
    const done = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (logs.some((l) => l.msg === 'task result not delivered')) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    expect((await postTask(server!.url, body, KEY)).status).toBe(200);
    await done;
    expect(fake.callbacks.filter((c) => c.taskResultId === 't-422')).toHaveLength(1);
    expect(logs.find((l) => l.msg === 'task result not delivered')?.reason).toContain(
      'after 1 attempt(s): HTTP 422',
    );
  });

  test('a task past its deadline is reported failed; a slow one sends `running` first', async () => {
    fake.addPlan('plan-slow', { json: WEAKENED, delayMs: 400 });
    await start({ taskTimeoutMs: 150, progressAfterMs: 20 });
    const cb = await runOne('t-slow', 'plan-slow');
    expect(statusOf(cb)).toBe('failed');
    expect(cb.body.data.attributes.message).toContain('did not finish in time');
    expect(fake.callbacks.filter((c) => c.taskResultId === 't-slow').map(statusOf)).toEqual([
      'running',
      'failed',
    ]);
  });

  test('logs are JSON entries that never contain the run token or the HMAC key', async () => {
    fake.failCallbacks('t-logs', 500, 1);
    await start();
    await runOne('t-logs', 'plan-weakened');
    const text = logs.map((l) => JSON.stringify(l)).join('\n');
    expect(text).toContain('"task_result_id":"t-logs"');
    expect(text).toContain('callback retry');
    expect(text).not.toContain('fake-run-token');
    expect(text).not.toContain(KEY);
  });
});

test('the logger redacts secrets inside nested strings and drops credential-named fields, whatever the secret', () => {
  const out: LogEntry[] = [];
  const log = new Logger(
    (e) => out.push(e),
    () => 0,
  ).child({ task_result_id: 't' });
  log.addSecret('"}'); // a key made of JSON syntax must not break the entry
  log.addSecret('"}'); // registered by two tasks: still redacted after one of them removes it
  log.removeSecret('"}');
  log.info('x', { nested: { url: 'a"}b' }, access_token: 'zzz', Authorization: 'Bearer zzz', list: ['"}'] });
  expect(out).toEqual([
    {
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'x',
      task_result_id: 't',
      nested: { url: 'a[redacted]b' },
      list: ['[redacted]'],
    },
  ]);
});

describe('run task: load and shutdown', () => {
  // 60 tasks on 8 slots prove exactly-once under queueing; `npm run bench` (scripts/bench-run-task.js) posts 200.
  test('60 concurrent tasks: every callback delivered exactly once, with the right verdict', async () => {
    await start({ maxConcurrentTasks: 8 });
    const tasks = Array.from({ length: 60 }, (_, i) => ({
      taskResultId: `t-load-${i}`,
      planId: i % 10 === 0 ? 'plan-compliant' : 'plan-weakened',
    }));
    const before = fake.finalCallbacks().length;
    const answers = await Promise.all(
      tasks.map((t) => postTask(server!.url, fake.task(t).body, KEY).then((a) => a.status)),
    );
    expect(answers.every((s) => s === 200)).toBe(true);
    await fake.waitForFinal(before + tasks.length, 30_000);
    for (const t of tasks) {
      const finals = fake.finalCallbacks(t.taskResultId);
      expect(finals).toHaveLength(1);
      expect(statusOf(finals[0])).toBe(t.planId === 'plan-compliant' ? 'passed' : 'failed');
    }
    expect(fake.callbacks.filter((c) => c.taskResultId.startsWith('t-load-'))).toHaveLength(tasks.length);
  }, 40_000);

  test('a full queue answers 503 with Retry-After, so HCP Terraform retries', async () => {
    fake.addPlan('plan-busy', { json: WEAKENED, delayMs: 150 });
    await start({ maxConcurrentTasks: 1, maxQueuedTasks: 1 });
    const statuses = [];
    for (const i of [1, 2, 3]) {
      statuses.push(
        (
          await postTask(
            server!.url,
            fake.task({ taskResultId: `t-busy-${i}`, planId: 'plan-busy' }).body,
            KEY,
          )
        ).status,
      );
    }
    expect(statuses).toEqual([200, 200, 503]);
    await fake.waitForFinal(fake.finalCallbacks().length + 2);
  });

  test('a retried POST of a task still in flight is answered 200 and judged once', async () => {
    fake.addPlan('plan-retried', { json: WEAKENED, delayMs: 150 });
    await start();
    const { body } = fake.task({ taskResultId: 't-retried', planId: 'plan-retried' });
    expect((await postTask(server!.url, body, KEY)).status).toBe(200);
    expect(await postTask(server!.url, body, KEY)).toEqual({
      status: 200,
      body: { message: 'already accepted' },
    });
    await fake.waitForFinal(fake.finalCallbacks().length + 1);
    await server!.close();
    server = undefined;
    expect(fake.callbacks.filter((c) => c.taskResultId === 't-retried')).toHaveLength(1);
    expect(fake.planRequests.filter((r) => r.planId === 'plan-retried')).toHaveLength(1);
  });

  test('graceful shutdown finishes accepted tasks, then stops listening', async () => {
    fake.addPlan('plan-drain', { json: WEAKENED, delayMs: 200 });
    const s = await start({ maxConcurrentTasks: 1 });
    for (const i of [1, 2]) {
      const { body } = fake.task({ taskResultId: `t-drain-${i}`, planId: 'plan-drain' });
      expect((await postTask(s.url, body, KEY)).status).toBe(200);
    }
    await s.close();
    server = undefined;
    expect(fake.finalCallbacks('t-drain-1')).toHaveLength(1);
    expect(fake.finalCallbacks('t-drain-2')).toHaveLength(1);
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
  });
});
