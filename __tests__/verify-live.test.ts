/**
 * `aoai-harden verify` true to the live services (issue 27): what the service filters and how it says so, who the
 * tokens belong to, what a default run sends, and which answers decide nothing. Every case runs against the fakes
 * of fake-azure.ts in virtual time; each fake behaviour names its public source there (docs/field-facts.md §7).
 */
import {
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { BLOCKLIST_TERM, fakeToken, INVOKE_ONLY_CLIENT_ID, NIC_ADDRESS } from './fake-azure';
import { verify } from './verify-harness';
import { inCidr } from '../cli/src/verify/addresses';
import { ALLOWED_CASES, JAILBREAK_PROMPT } from '../cli/src/verify/content-safety-checks';
import { readFilterOutcome } from '../cli/src/verify/filter-result';
import { retryAfterMs } from '../cli/src/verify/http';
import { BENIGN_PROMPT, blocklistPrompt } from '../cli/src/verify/probes';
import { credentialFor } from '../cli/src/verify/tokens';

// Virtual time inside every run; the margin is only for a loaded shared machine.
jest.setTimeout(120_000);

const promptsSent = (run: Awaited<ReturnType<typeof verify>>) =>
  run.fakes.seen
    .filter((s) => s.service === 'data-plane')
    .map((s) => s.body?.messages?.[0]?.content as string);

describe('filtered means the content filter acted, read by one helper', () => {
  const categories = { hate: { filtered: false, severity: 'safe' } };
  test.each([
    [
      '400 content_filter, innererror.content_filter_result (as the service sends it)',
      {
        status: 400,
        json: {
          error: {
            code: 'content_filter',
            innererror: { content_filter_result: { custom_blocklists: [{ filtered: true, id: 'list-a' }] } },
          },
        },
      },
      { filtered: true, side: 'prompt', blocklist: 'list-a' },
    ],
    [
      '400 content_filter, inner_error.content_filter_results (as the GA spec documents it)',
      {
        status: 400,
        json: {
          error: {
            code: 'content_filter',
            inner_error: {
              content_filter_results: {
                custom_blocklists: { filtered: true, details: [{ filtered: true, id: 'list-b' }] },
              },
            },
          },
        },
      },
      { filtered: true, side: 'prompt', blocklist: 'list-b' },
    ],
    [
      '200 with finish_reason content_filter (completion side)',
      {
        status: 200,
        json: {
          choices: [
            {
              finish_reason: 'content_filter',
              content_filter_results: {
                custom_blocklists: { filtered: true, details: [{ filtered: true, id: 'list-c' }] },
              },
            },
          ],
          prompt_filter_results: [{ content_filter_results: categories }],
        },
      },
      { filtered: true, side: 'completion', blocklist: 'list-c' },
    ],
    [
      "200 with the model's refusal: not filtered",
      {
        status: 200,
        json: {
          choices: [
            {
              finish_reason: 'stop',
              message: { content: "I'm sorry, but I can't help with that." },
              content_filter_results: categories,
            },
          ],
          prompt_filter_results: [{ content_filter_results: categories }],
        },
      },
      { filtered: false },
    ],
    [
      '400 of another kind: not filtered',
      { status: 400, json: { error: { code: 'BadRequest' } } },
      { filtered: false },
    ],
  ])('%s', (_name, answer, expected) => {
    expect(readFilterOutcome(answer)).toMatchObject(expected);
  });
});

describe('content checks use the blocklist term as the deterministic trigger', () => {
  const only = ['--only', 'VERIFY-CS-001,VERIFY-CS-003', '--deployments', 'gpt-4o'];
  test('prompt-side and completion-side blocklist hits both pass CS-1 and CS-3', async () => {
    for (const blocklistOnCompletion of [false, true]) {
      const run = await verify({ behaviour: { blocklistOnCompletion }, extra: only });
      expect([blocklistOnCompletion, run.status['VERIFY-CS-001'], run.status['VERIFY-CS-003']]).toEqual([
        blocklistOnCompletion,
        'pass',
        'pass',
      ]);
      expect(run.detail['VERIFY-CS-003']).toMatch(
        blocklistOnCompletion
          ? /filtered on the completion side \(200, finish_reason content_filter\) by blocklist aoai-test-blocklist/
          : /filtered on the prompt side \(400 content_filter\) by blocklist aoai-test-blocklist/,
      );
    }
  });

  test("the GA spec's inner_error.content_filter_results shape passes too", async () => {
    const run = await verify({ behaviour: { specErrorShape: true }, extra: only });
    expect(run.status['VERIFY-CS-003']).toBe('pass');
  });

  test('a term that applies only after 4 minutes passes after polling; one that never applies fails', async () => {
    const late = await verify({ behaviour: { blocklistActiveAfterMs: 4 * 60_000 }, extra: only });
    expect(late.status['VERIFY-CS-003']).toBe('pass');
    expect(late.detail['VERIFY-CS-003']).toMatch(/after \d+ attempts in (2[4-9]\d|300) s/);
    const never = await verify({ behaviour: { blocklistActiveAfterMs: 60 * 60_000 }, extra: only });
    expect(never.status['VERIFY-CS-003']).toBe('fail');
    expect(never.detail['VERIFY-CS-003']).toMatch(/not filtered by a custom blocklist within 300 s/);
    expect(never.status['VERIFY-CS-001']).toBe('fail');
  });

  test('without a blocklist term CS-1 and CS-3 send nothing and say why', async () => {
    const run = await verify({ drop: ['--blocklist-term'], extra: only });
    expect(run.status['VERIFY-CS-001']).toBe('skipped');
    expect(run.detail['VERIFY-CS-001']).toMatch(/needs a prompt the service filters deterministically/);
    expect(run.status['VERIFY-CS-003']).toBe('skipped');
    expect(run.fakes.seen).toEqual([]);
  });

  test('max_completion_tokens first; a deployment that refuses it gets max_tokens, remembered for the run', async () => {
    const run = await verify({
      behaviour: { reasoningDeployments: ['o3-mini'], legacyDeployments: ['gpt-35'] },
      extra: ['--only', 'VERIFY-IAM-002,VERIFY-CS-001', '--deployments', 'o3-mini,gpt-35'],
    });
    expect(run.status['VERIFY-IAM-002']).toBe('pass');
    expect(run.status['VERIFY-CS-001']).toBe('pass');
    const bodies = (d: string) =>
      run.fakes.seen
        .filter((s) => s.url.includes(`/deployments/${d}/`))
        .map((s) => Object.keys(s.body).sort().join());
    // The reasoning deployment never receives max_tokens.
    expect(new Set(bodies('o3-mini'))).toEqual(new Set(['max_completion_tokens,messages']));
    // The legacy one refuses max_completion_tokens once, then gets max_tokens every time.
    expect(bodies('gpt-35')[0]).toBe('max_completion_tokens,messages');
    expect(new Set(bodies('gpt-35').slice(1))).toEqual(new Set(['max_tokens,messages']));
  });
});

describe('safe by default on production', () => {
  test('a default run sends no jailbreak or harmful prompt and no burst; CS-2 says why it is opt-in', async () => {
    const run = await verify({});
    const allowed = new Set([
      BENIGN_PROMPT,
      ...ALLOWED_CASES.map((c) => c.prompt),
      blocklistPrompt(BLOCKLIST_TERM),
      'ping',
    ]);
    const prompts = promptsSent(run);
    expect(prompts.filter((p) => !allowed.has(p))).toEqual([]);
    expect(prompts).not.toContain(JAILBREAK_PROMPT);
    expect(prompts.length).toBeLessThan(20);
    expect(run.status['VERIFY-CS-002']).toBe('skipped');
    expect(run.detail['VERIFY-CS-002']).toMatch(
      /opt-in \(--jailbreak-probe\): recurring jailbreak attempts score as likely abuse/,
    );
    expect(run.report.optIns).toEqual([]);
    expect(run.err).not.toContain('[verify] opt-in');
  });

  test('opt-ins go to the canary, paced, and their target and pacing are printed before the first request', async () => {
    const run = await verify({
      extra: [
        '--jailbreak-probe',
        '--bursts',
        '--canary-deployment',
        'canary',
        '--only',
        'VERIFY-CS-002,VERIFY-MON-002/high-request-rate',
      ],
    });
    expect(run.status['VERIFY-CS-002']).toBe('pass');
    expect(run.detail['VERIFY-CS-002']).toMatch(/one jailbreak prompt to canary \(canary\)/);
    // Printed while the fakes had received nothing.
    const notices = run.printed.filter((p) => p.text.includes('[verify] opt-in'));
    expect(notices.map((n) => n.requestsBefore)).toEqual([0, 0]);
    expect(notices[1].text).toMatch(
      /bursts: 60 benign requests, then 25 blocklist-term prompts to canary deployment canary, paced at most 30 requests\/min/,
    );
    expect(run.report.optIns).toHaveLength(2);
    const dataPlane = run.fakes.seen.filter((s) => s.service === 'data-plane');
    expect(new Set(dataPlane.map((s) => /deployments\/([^/]+)\//.exec(s.url)![1]))).toEqual(
      new Set(['canary']),
    );
    expect(promptsSent(run).filter((p) => p === JAILBREAK_PROMPT)).toHaveLength(1);
    // Pacing: consecutive burst requests at least 2 s apart (30/min), each burst inside one 5-minute bin.
    const burst = dataPlane.filter((s) => s.body.messages[0].content === BENIGN_PROMPT).map((s) => s.at);
    expect(burst).toHaveLength(60);
    expect(Math.min(...burst.slice(1).map((t, i) => t - burst[i]))).toBeGreaterThanOrEqual(2000);
    expect(new Set(burst.map((t) => Math.floor(t / 300_000))).size).toBe(1);
    expect(run.status['VERIFY-MON-002/high-request-rate']).toBe('pass');
  });

  test('a burst the service throttles does not count as exercising its detection', async () => {
    const run = await verify({
      behaviour: { throttleAll: true, retryAfterSeconds: 3 },
      extra: ['--bursts', '--burst-requests', '10', '--only', 'VERIFY-MON-002/high-request-rate'],
    });
    expect(run.status['VERIFY-MON-002/high-request-rate']).toBe('skipped');
    expect(run.detail['VERIFY-MON-002/high-request-rate']).toMatch(
      /not exercised: 0 of 10 benign requests .*10 throttled \(429\): not more than the detection's 50/,
    );
    // Each 429 waited its Retry-After (3 s) rather than the 2 s pacing interval.
    const at = run.fakes.seen.filter((s) => s.service === 'data-plane').map((s) => s.at);
    expect(Math.min(...at.slice(1).map((t, i) => t - at[i]))).toBeGreaterThanOrEqual(3000);
  });

  test('a burst that cannot fit in the 5-minute window is a usage error', async () => {
    const run = await verify({ extra: ['--bursts', '--burst-rate', '10'] });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/burstRequests 60 at burstRate 10\/min takes 360 s/);
  });
});

describe('honest results', () => {
  test('429s are retried after Retry-After; when they persist the check is inconclusive, not failed', async () => {
    const retried = await verify({
      behaviour: { throttleFirst: 2, retryAfterSeconds: 20 },
      extra: ['--only', 'VERIFY-IAM-002', '--deployments', 'gpt-4o'],
    });
    expect(retried.status['VERIFY-IAM-002']).toBe('pass');
    const times = retried.fakes.seen.filter((s) => s.service === 'data-plane').map((s) => s.at);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(20_000);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(20_000);

    const throttled = await verify({
      behaviour: { throttleAll: true },
      extra: ['--only', 'VERIFY-IAM-002,VERIFY-CS-004'],
    });
    expect(throttled.status['VERIFY-IAM-002']).toBe('inconclusive');
    expect(throttled.detail['VERIFY-IAM-002']).toMatch(
      /answered 429 \(throttled, Retry-After 20 s\) 3 time\(s\)/,
    );
    expect(throttled.status['VERIFY-CS-004']).toBe('inconclusive');
    expect(throttled.report.summary).toMatchObject({ failed: 0, inconclusive: 2 });
    expect(throttled.code).toBe(1);
  });

  test('a Retry-After longer than a minute ends the check at once', async () => {
    const run = await verify({
      behaviour: { throttleAll: true, retryAfterSeconds: 3600 },
      extra: ['--only', 'VERIFY-IAM-002', '--deployments', 'gpt-4o'],
    });
    expect(run.status['VERIFY-IAM-002']).toBe('inconclusive');
    expect(run.fakes.seen.filter((s) => s.service === 'data-plane')).toHaveLength(1);
  });

  test('Retry-After: retry-after-ms, seconds and an HTTP date', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), now)).toBe(1500);
    expect(retryAfterMs(new Headers({ 'retry-after': '9' }), now)).toBe(9000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sat, 28 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({}), now)).toBeUndefined();
  });

  test('an invalid key refused with 401 is inconclusive; the real key accepted fails', async () => {
    const invalid = await verify({ weak: { keyAuth: true }, extra: ['--only', 'VERIFY-IAM-001'] });
    expect(invalid.status['VERIFY-IAM-001']).toBe('inconclusive');
    expect(invalid.detail['VERIFY-IAM-001']).toMatch(/refused the key itself/);
    const real = await verify({
      weak: { keyAuth: true },
      env: { AZURE_OPENAI_API_KEY: 'k1-secret' },
      extra: ['--only', 'VERIFY-IAM-001'],
    });
    expect(real.status['VERIFY-IAM-001']).toBe('fail');
    expect(real.detail['VERIFY-IAM-001']).toMatch(/the key was accepted/);
    expect(real.out).not.toContain('k1-secret');
  });

  test("logs arriving after 7 minutes pass the default wait (Microsoft's 3-10 minutes) with the latency measured", async () => {
    const slow = await verify({
      behaviour: { ingestionDelayMs: 7 * 60_000 },
      extra: ['--only', 'VERIFY-IAM-002,VERIFY-MON-001'],
    });
    expect(slow.status['VERIFY-MON-001']).toBe('pass');
    const latency = Number(/measured latency (\d+) s/.exec(slow.detail['VERIFY-MON-001'])![1]);
    expect(latency).toBeGreaterThanOrEqual(420);
    expect(latency).toBeLessThanOrEqual(450);
    const short = await verify({
      behaviour: { ingestionDelayMs: 7 * 60_000 },
      extra: ['--only', 'VERIFY-IAM-002,VERIFY-MON-001', '--log-wait', '300'],
    });
    expect(short.status['VERIFY-MON-001']).toBe('fail');
  });

  test("private means the endpoint NIC's address or inside its VNet, read from ARM", async () => {
    const shared = await verify({
      behaviour: { sharedAddressSpace: true },
      extra: ['--only', 'VERIFY-NET-002'],
    });
    expect(shared.status['VERIFY-NET-002']).toBe('pass');
    expect(shared.detail['VERIFY-NET-002']).toMatch(
      /resolves to 100\.64\.1\.5, the private endpoint NIC's address/,
    );
    const elsewhere = await verify({
      weak: { resolvesTo: '10.99.0.4' },
      extra: ['--only', 'VERIFY-NET-002'],
    });
    expect(elsewhere.status['VERIFY-NET-002']).toBe('fail');
    expect(elsewhere.detail['VERIFY-NET-002']).toContain(
      `neither the private endpoint's address (${NIC_ADDRESS})`,
    );
    const inVnet = await verify({ weak: { resolvesTo: '10.20.7.9' }, extra: ['--only', 'VERIFY-NET-002'] });
    expect(inVnet.detail['VERIFY-NET-002']).toMatch(/inside VNet vnet-aoai \(10\.20\.0\.0\/16\)/);
    // ARM unreadable: an RFC 1918 address still passes (saying why), anything else cannot be judged.
    const noArm = await verify({ faults: { arm: 500 }, extra: ['--only', 'VERIFY-NET-002'] });
    expect(noArm.status['VERIFY-NET-002']).toBe('pass');
    expect(noArm.detail['VERIFY-NET-002']).toMatch(
      /RFC 1918\/ULA; the private endpoint could not be read from ARM/,
    );
    const noArmShared = await verify({
      faults: { arm: 500 },
      behaviour: { sharedAddressSpace: true },
      extra: ['--only', 'VERIFY-NET-002'],
    });
    expect(noArmShared.status['VERIFY-NET-002']).toBe('inconclusive');
    expect(inCidr('fd00::1', 'fc00::/7')).toBe(true);
    expect(inCidr('2001:db8::1', 'fc00::/7')).toBe(false);
  });

  test('a probe deployment ARM accepted is found and removed', async () => {
    const run = await verify({ weak: { invokeOnlyCanCreate: true }, extra: ['--only', 'VERIFY-IAM-003'] });
    expect(run.status['VERIFY-IAM-003']).toBe('fail');
    expect(run.detail['VERIFY-IAM-003']).toMatch(
      /ARM accepted the write .*; deployment aoai-harden-verify-rbac-probe existed and was removed \(DELETE 202, then 404\)/,
    );
    expect(run.fakes.deletes).toEqual(['arm-invoke-only']);
    const last = run.fakes.seen.filter((s) => s.url.includes('rbac-probe')).pop()!;
    expect(last.method).toBe('GET');
  });
});

describe('identities are who they claim', () => {
  test('a client ID gets its own managed-identity or workload-identity credential, never the default chain', () => {
    expect(credentialFor('client-1', {})).toBeInstanceOf(ManagedIdentityCredential);
    expect(
      credentialFor('client-1', { AZURE_FEDERATED_TOKEN_FILE: '/var/run/token', AZURE_TENANT_ID: 'tenant' }),
    ).toBeInstanceOf(WorkloadIdentityCredential);
    expect(credentialFor(undefined, {})).toBeInstanceOf(DefaultAzureCredential);
  });

  test.each([
    [
      "the pipeline's own principal as the invoke-only identity",
      (a: string, i: string) =>
        fakeToken(
          a,
          i === 'invoke-only' ? 'workload' : i,
          i === 'invoke-only' ? { appid: INVOKE_ONLY_CLIENT_ID } : {},
        ),
      /the invoke-only token is the pipeline's own principal \(oid oid-workload\)/,
    ],
    [
      'another client than the configured invoke-only one',
      (a: string, i: string) => fakeToken(a, i, i === 'invoke-only' ? { appid: 'some-ci-app' } : {}),
      /belongs to client some-ci-app .*not the configured 00000000-aaaa-bbbb-cccc-000000000002/,
    ],
  ])('%s: IA-3 refuses to run and sends no write', async (_name, token, message) => {
    const run = await verify({ getToken: async (a, i) => token(a, i), extra: ['--only', 'VERIFY-IAM-003'] });
    expect(run.status['VERIFY-IAM-003']).toBe('error');
    expect(run.detail['VERIFY-IAM-003']).toMatch(message);
    expect(run.fakes.seen.filter((s) => s.method === 'PUT')).toEqual([]);
  });

  test('a workload token of another client is refused before it is sent', async () => {
    const run = await verify({
      getToken: async (a, i) => fakeToken(a, i, { appid: 'az-cli-user-app' }),
      extra: ['--only', 'VERIFY-IAM-002'],
    });
    expect(run.status['VERIFY-IAM-002']).toBe('error');
    expect(run.detail['VERIFY-IAM-002']).toMatch(/belongs to client az-cli-user-app/);
    expect(run.fakes.seen.filter((s) => s.service === 'data-plane')).toEqual([]);
  });
});
