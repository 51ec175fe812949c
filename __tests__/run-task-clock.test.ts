import { readFileSync } from 'fs';
import { join } from 'path';
import { FakeHcpTerraform, postTask, startFakeHcpTerraform } from './fakes/hcp-terraform';
import { fakeServerOptions } from './fakes/run-task-options';
import type { Finding, Report } from '../cli/src/core';
import { LogEntry, RunTaskOptions, RunTaskServer, startRunTaskServer } from '../cli/src/run-task';
import { resultFromReport } from '../cli/src/run-task/task-result';

/**
 * HCP Terraform's clock (issue 27): a task errors without a progress update within 10 minutes of the request
 * (docs/field-facts.md 3.7 and 7), so the server's deadline and first `running` update count from the answer to
 * the POST, whether the task is judging or waiting for a slot. Times are scaled to milliseconds; waits between
 * retries go through an injected sleep that records what was asked and waits 5 ms.
 */

const KEY = 'run-task-clock-hmac-key-0123456789';
const WEAKENED = readFileSync(join(__dirname, 'fixtures', 'weakened-plan.json'), 'utf8');

let fake: FakeHcpTerraform;
let server: RunTaskServer | undefined;
let logs: LogEntry[];
let sleeps: number[];

beforeAll(async () => {
  fake = await startFakeHcpTerraform();
});
afterAll(() => fake.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(overrides: Partial<RunTaskOptions> = {}): Promise<RunTaskServer> {
  logs = [];
  sleeps = [];
  server = await startRunTaskServer(
    fakeServerOptions(fake, KEY, (e) => logs.push(e), {
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise((r) => setTimeout(r, 5));
      },
      ...overrides,
    }),
  );
  return server;
}

/** Posts the tasks at once; resolves with when each POST was answered (performance.now()). */
async function postAll(ids: string[], planId: string): Promise<Map<string, number>> {
  const answered = new Map<string, number>();
  await Promise.all(
    ids.map(async (taskResultId) => {
      const { body } = fake.task({ taskResultId, planId });
      const { status } = await postTask(server!.url, body, KEY);
      expect(status).toBe(200);
      answered.set(taskResultId, performance.now());
    }),
  );
  return answered;
}

const attrs = (cb: { body: any }) => cb.body.data.attributes;
const firstCallback = (id: string) => fake.callbacks.find((c) => c.taskResultId === id)!;

describe('run task: the clock starts with the answer to the request', () => {
  test('one slot, three tasks: every task, queued or not, sends its first update within progressAfterMs of its answer', async () => {
    fake.addPlan('plan-clock-slow', { json: WEAKENED, delayMs: 500 });
    await start({ maxConcurrentTasks: 1, progressAfterMs: 100, taskTimeoutMs: 10_000 });
    const ids = ['clk-1', 'clk-2', 'clk-3'];
    const before = fake.finalCallbacks().length;
    const answered = await postAll(ids, 'plan-clock-slow');
    await fake.waitForFinal(before + ids.length);
    for (const id of ids) {
      const first = firstCallback(id);
      expect(attrs(first).status).toBe('running');
      // Counted from the answer: the last task waits over 1 s for its slot (counted from its start, its first
      // update would come after 1.1 s) and still reports after 100 ms; 500 ms of slack for a loaded machine.
      expect(first.at - answered.get(id)!).toBeLessThan(100 + 500);
      expect(attrs(fake.finalCallbacks(id)[0]).status).toBe('failed');
    }
    // The queued ones say so; the judging one says it is judging.
    const messages = ids.map((id) => attrs(firstCallback(id)).message);
    expect(messages.filter((m) => m.startsWith('Waiting for a free slot'))).toHaveLength(2);
    expect(messages.filter((m) => m.startsWith('Judging the plan'))).toHaveLength(1);
  });

  test('a task still queued at its deadline is reported failed then, not when a slot frees; it never fetches the plan', async () => {
    fake.addPlan('plan-clock-stuck', { json: WEAKENED, delayMs: 900 });
    // The first task holds the one slot past every deadline: its result is answered 429 with Retry-After: 1,
    // waited out for real here.
    fake.failCallbacks('clk-dl-1', 429, 1, '1');
    await start({
      maxConcurrentTasks: 1,
      progressAfterMs: 5000,
      taskTimeoutMs: 300,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    const ids = ['clk-dl-1', 'clk-dl-2', 'clk-dl-3'];
    const before = fake.finalCallbacks().length;
    const answered = await postAll(ids, 'plan-clock-stuck');
    await fake.waitForFinal(before + ids.length);
    // The judging task: its result went out at its deadline (answered 429, delivered after the wait).
    const [judging] = fake.callbacks.filter((c) => c.taskResultId === 'clk-dl-1');
    expect(judging.answered).toBe(429);
    expect(judging.at - answered.get('clk-dl-1')!).toBeLessThan(300 + 500);
    expect(attrs(fake.finalCallbacks('clk-dl-1')[0]).message).toContain('did not finish in time');
    // The queued ones: failed at their own deadline, while the slot was still held, with the reason.
    for (const id of ['clk-dl-2', 'clk-dl-3']) {
      const cb = fake.finalCallbacks(id)[0];
      expect(attrs(cb).status).toBe('failed');
      expect(attrs(cb).message).toBe(
        'Azure OpenAI hardening checklist could not judge this plan: the server was busy and could not start the task within 0.3 s of the request. Run it again, or raise --max-concurrent.',
      );
      expect(cb.at - answered.get(id)!).toBeLessThan(300 + 500);
    }
    expect(fake.planRequests.filter((r) => r.planId === 'plan-clock-stuck')).toHaveLength(1);
    expect(logs.filter((l) => l.msg === 'task not started before its deadline')).toHaveLength(2);
  });
});

describe('run task: a plan that is not ready, and servers that ask to wait', () => {
  test('204 is retried past planAttempts, after each Retry-After, until the plan is served', async () => {
    fake.addPlan('plan-204-window', { json: WEAKENED, notReadyFirst: { times: 6, retryAfter: '2' } });
    await start({ planAttempts: 2, taskTimeoutMs: 5000 });
    const before = fake.finalCallbacks().length;
    await postAll(['clk-204'], 'plan-204-window');
    await fake.waitForFinal(before + 1);
    const cb = fake.finalCallbacks('clk-204')[0];
    expect(attrs(cb).status).toBe('failed');
    expect(attrs(cb).message).toMatch(/^Azure OpenAI hardening checklist failed: /);
    expect(fake.planRequests.filter((r) => r.planId === 'plan-204-window')).toHaveLength(7);
    expect(sleeps).toEqual([2000, 2000, 2000, 2000, 2000, 2000]);
  });

  test('204 without Retry-After is retried with backoff until the task deadline, then fails saying why', async () => {
    fake.addPlan('plan-204-forever', { json: '', always: 204 });
    await start({ planAttempts: 2, taskTimeoutMs: 300, progressAfterMs: 5000 });
    const before = fake.finalCallbacks().length;
    await postAll(['clk-204-forever'], 'plan-204-forever');
    await fake.waitForFinal(before + 1);
    const message = attrs(fake.finalCallbacks('clk-204-forever')[0]).message;
    expect(message).toContain('did not finish in time');
    expect(fake.planRequests.filter((r) => r.planId === 'plan-204-forever').length).toBeGreaterThan(2);
    expect(sleeps.every((ms) => ms >= 0 && ms <= 5)).toBe(true);
  });

  test('429 on the plan and on the callback: retried after the Retry-After the server sent', async () => {
    fake.addPlan('plan-429', { json: WEAKENED, failFirst: { status: 429, times: 2 }, retryAfter: '3' });
    fake.failCallbacks('clk-429', 429, 1, '7');
    await start();
    const before = fake.finalCallbacks().length;
    await postAll(['clk-429'], 'plan-429');
    await fake.waitForFinal(before + 1);
    expect(attrs(fake.finalCallbacks('clk-429')[0]).status).toBe('failed');
    expect(sleeps).toEqual([3000, 3000, 7000]);
    expect(fake.callbacks.filter((c) => c.taskResultId === 'clk-429').map((c) => c.answered)).toEqual([
      429, 200,
    ]);
  });
});

describe('run task: links and outcome IDs', () => {
  test('--rules-url: the result links to it and every outcome to its rule anchor there; none: no links', async () => {
    fake.addPlan('plan-links', { json: WEAKENED });
    await start({ rulesUrl: 'https://git.contoso.example/aoai/docs/rules.md' });
    const before = fake.finalCallbacks().length;
    await postAll(['clk-links'], 'plan-links');
    await fake.waitForFinal(before + 1);
    const cb = fake.finalCallbacks('clk-links')[0];
    expect(attrs(cb).url).toBe('https://git.contoso.example/aoai/docs/rules.md');
    const outcomes: any[] = cb.body.data.relationships.outcomes.data;
    expect(outcomes.length).toBeGreaterThan(3);
    for (const o of outcomes) {
      const rule: string = o.attributes['outcome-id'].split(':')[0];
      const link = `https://git.contoso.example/aoai/docs/rules.md#${rule.toLowerCase()}`;
      expect(o.attributes.url).toBe(link);
      expect(o.attributes.body).toContain(`Rule reference: [${rule}](${link})`);
    }
    await server!.close();
    await start({ rulesUrl: 'none' });
    await postAll(['clk-no-links'], 'plan-links');
    await fake.waitForFinal(before + 2);
    const bare = fake.finalCallbacks('clk-no-links')[0];
    expect(attrs(bare)).not.toHaveProperty('url');
    for (const o of bare.body.data.relationships.outcomes.data) {
      expect(o.attributes).not.toHaveProperty('url');
      expect(o.attributes.body).not.toContain('Rule reference');
    }
  });

  test('a rules URL that is not https is refused at start', async () => {
    await expect(start({ rulesUrl: 'javascript:alert(1)' })).rejects.toThrow(
      'rules URL "javascript:alert(1)" is not an https URL',
    );
  });

  test('outcome IDs are unique per finding: rule and address, a repeat of both numbered', () => {
    const finding = (ruleId: string, address?: string): Finding =>
      ({ ruleId, severity: 'error', status: 'non-compliant', address, message: 'm' }) as Finding;
    const report = {
      format: 'plan-json',
      rules: [],
      exemptions: [],
      checklist: [],
      accessSummary: [],
      findings: [
        finding('AOAI-NET-001', 'azurerm_cognitive_account.a'),
        finding('AOAI-NET-001', 'azurerm_cognitive_account.b'),
        finding('AOAI-NET-001', 'azurerm_cognitive_account.b'),
        finding('AOAI-CHK-001'),
      ],
      summary: { errors: 4, warnings: 0, suppressed: 0, compliant: 0, notApplicable: 0 },
    } as unknown as Report;
    const body = resultFromReport(report, { failOnWarnings: false, outcomes: true });
    expect(body.data.relationships!.outcomes.data.map((o) => o.attributes['outcome-id'])).toEqual([
      'AOAI-NET-001:azurerm_cognitive_account.a',
      'AOAI-NET-001:azurerm_cognitive_account.b',
      'AOAI-NET-001:azurerm_cognitive_account.b#2',
      'AOAI-CHK-001:configuration',
    ]);
    expect(body.data.attributes).not.toHaveProperty('url');
  });
});
