import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  ACCOUNT_ID,
  BLOCKLIST_TERM,
  DNS_NAME,
  fakeToken,
  INVOKE_ONLY_CLIENT_ID,
  startFakes,
  WORKSPACE_ID,
} from './fake-azure';
import { baseArgs, erroring, failing, open, verify, VerifyOptions } from './verify-harness';
import { runVerifyCli } from '../cli/src/commands/verify';
import { main } from '../cli/src/main';
import { hostProblem } from '../cli/src/verify/http';
import { SYNTHETIC_EVENTS } from '../cli/src/verify/monitoring-checks';
import { isPrivateAddress } from '../cli/src/verify/network-checks';
import { allChecks } from '../cli/src/verify/runner';
import { defaultTokenSource } from '../cli/src/verify/tokens';
import { CHECKLIST } from '../lib/checklist/checklist-items';
import { DETECTIONS, METRIC_ALERTS } from '../lib/detections';

// Virtual time inside every run; the margin is only for a loaded shared machine.
jest.setTimeout(120_000);

describe('aoai-harden verify against a hardened deployment', () => {
  test('from inside the VNet, with the opt-ins, every check that can run passes; the rest say why they were skipped', async () => {
    const run = await verify({ extra: ['--bursts', '--jailbreak-probe'] });
    expect(failing(run)).toEqual([]);
    expect(erroring(run)).toEqual([]);
    expect(run.code).toBe(0);
    for (const id of [
      'VERIFY-NET-001',
      'VERIFY-NET-002',
      'VERIFY-IAM-001',
      'VERIFY-IAM-002',
      'VERIFY-IAM-003',
      'VERIFY-IAM-004',
      'VERIFY-IAM-005',
      'VERIFY-CS-001',
      'VERIFY-CS-002',
      'VERIFY-CS-003',
      'VERIFY-CS-004',
      'VERIFY-MON-001',
      'VERIFY-MON-005',
      // Every detection with a synthetic event verify sends (keys read from lib/detections.ts now).
      ...DETECTIONS.filter((d) => SYNTHETIC_EVENTS[d.key]).flatMap((d) => [
        `VERIFY-MON-002/${d.key}`,
        `VERIFY-MON-004/${d.key}`,
      ]),
      // Every alert rule (log, metric, activity log) exists and is enabled.
      ...allChecks()
        .map((c) => c.id)
        .filter((checkId) => checkId.startsWith('VERIFY-MON-003/')),
      // The blocklist-term burst makes the RAIRejectedRequests metric alert fire.
      ...METRIC_ALERTS.filter((m) => SYNTHETIC_EVENTS[m.key]).map((m) => `VERIFY-MON-004/${m.key}`),
    ]) {
      expect([id, run.status[id]]).toEqual([id, 'pass']);
    }
    expect(
      Object.keys(run.status).filter((id) => id.startsWith('VERIFY-MON-002/') && run.status[id] === 'pass')
        .length,
    ).toBeGreaterThanOrEqual(3);
    expect(run.detail['VERIFY-IAM-001']).toContain('403 AuthenticationTypeDisabled');
    expect(run.status['VERIFY-NET-003']).toBe('skipped');
    expect(run.detail['VERIFY-NET-003']).toMatch(/outside the VNet/);
    // Detections verify cannot trigger are listed as not exercised, with the reason.
    const notExercised = Object.fromEntries(run.report.notExercised.map((n: any) => [n.detection, n.reason]));
    expect(notExercised['deployment-change']).toMatch(/never changes the account/);
    expect(notExercised['new-caller-ip']).toMatch(/cannot choose the address/);
    expect(Object.keys(notExercised)).not.toContain('api-key-auth');
    // Alert rules without a log query are listed too (token-consumption is a metric alert, config-change an
    // activity log alert); exercised ones are not.
    expect(notExercised['token-consumption']).toMatch(/more tokens/);
    expect(notExercised['config-change']).toMatch(/never changes the account/);
    expect(notExercised['content-filter-harmful']).toMatch(/harm classifier/);
    expect(Object.keys(notExercised)).not.toContain('content-filter-rate');
    expect(Object.keys(notExercised)).not.toContain('high-request-rate');
    // Progress: probes announce themselves; a check skipped for its vantage does not.
    expect(run.err).toContain('[verify] VERIFY-IAM-001: running');
    expect(run.err).not.toContain('[verify] VERIFY-NET-003: running');
    // Tokens went only where their audience belongs (the fakes also refuse wrong ones).
    for (const s of run.fakes.seen) {
      if (s.service === 'data-plane') {
        expect(s.apiKey ?? s.who).toMatch(/^(cognitive-workload|aoai-harden-verify-invalid-key)/);
      }
      if (s.service === 'logs') expect(s.who).toBe('logs-workload');
      if (s.service === 'arm') expect(s.who).toMatch(/^arm-/);
    }
    const probe = run.fakes.seen.find((s) => s.method === 'PUT');
    expect(probe?.who).toBe('arm-invoke-only');
    // The Log Analytics client sent the real request shape: JSON body with query and an ISO interval timespan.
    const query = run.fakes.seen.find((s) => s.service === 'logs')!;
    expect(query.contentType).toMatch(/application\/json/);
    expect(query.body.timespan).toMatch(/^\d{4}-\d\d-\d\dT.*Z\/\d{4}-/);
    // Slow checks report progress on the terminal (alerts fire minutes after their event).
    expect(run.err).toMatch(/\[verify\] VERIFY-MON-004\/[a-z-]+: .*nothing yet after \d+ s/);
  });

  test('from outside the VNet the public call is refused and inside-only checks are skipped with the reason', async () => {
    const run = await verify({ from: 'outside' });
    expect(run.code).toBe(0);
    expect(run.status['VERIFY-NET-001']).toBe('pass');
    expect(run.status['VERIFY-NET-003']).toBe('pass');
    expect(run.detail['VERIFY-NET-003']).toContain('Public access is disabled');
    for (const id of [
      'VERIFY-NET-002',
      'VERIFY-IAM-001',
      'VERIFY-IAM-002',
      'VERIFY-CS-001',
      'VERIFY-CS-004',
    ]) {
      expect(run.status[id]).toBe('skipped');
      expect(run.detail[id]).toMatch(/runs only from inside the VNet \(--from vnet\): .+/);
    }
    expect(run.status['VERIFY-MON-001']).toBe('skipped');
    expect(run.detail['VERIFY-MON-001']).toMatch(/no data-plane call was accepted/);
    // ARM is public: the RBAC probe and its Activity Log entry still run from outside.
    expect(run.status['VERIFY-IAM-003']).toBe('pass');
    expect(run.status['VERIFY-IAM-004']).toBe('pass');
  });
});

describe('each weakness fails its check', () => {
  const cases: Array<[string, VerifyOptions, string[], RegExp]> = [
    [
      // The invalid default key gets 401, which is inconclusive (IAM-001); ARM's listKeys answers 200 (IAM-005).
      'key auth on',
      { weak: { keyAuth: true } },
      ['VERIFY-IAM-005'],
      /ARM returned the account keys/,
    ],
    [
      'public access on',
      { from: 'outside', weak: { publicAccess: true } },
      ['VERIFY-NET-003'],
      /got HTTP 200.*reachable from this network/,
    ],
    [
      'private DNS missing',
      { weak: { publicDns: true } },
      ['VERIFY-NET-001', 'VERIFY-NET-002'],
      /does not go through aoai-test\.privatelink\.openai\.azure\.com/,
    ],
    [
      'retention 30 days',
      { weak: { retentionDays: 30 } },
      ['VERIFY-MON-005'],
      /below the 365-day minimum: workspace 30 days, AzureDiagnostics 30 days/,
    ],
    [
      'alert rule disabled',
      { weak: { disabledAlert: 'rbac-denied' } },
      ['VERIFY-MON-003/rbac-denied', 'VERIFY-MON-004/rbac-denied'],
      /is disabled/,
    ],
    [
      'a detection that never returns rows',
      { weak: { deadDetection: 'api-key-auth' } },
      ['VERIFY-MON-002/api-key-auth', 'VERIFY-MON-004/api-key-auth'],
      /no rows within 1200 s/,
    ],
    [
      'invoke-only identity may write deployments',
      { weak: { invokeOnlyCanWrite: true } },
      ['VERIFY-IAM-003'],
      /ARM let the request through/,
    ],
    [
      'jailbreak filter annotate-only',
      { weak: { jailbreakAnnotateOnly: true }, extra: ['--jailbreak-probe'] },
      ['VERIFY-CS-002'],
      /detected but not blocked/,
    ],
  ];
  test.each(cases)('%s', async (_name, setup, expected, message) => {
    const run = await verify(setup);
    expect(failing(run)).toEqual([...expected].sort());
    expect(erroring(run)).toEqual([]);
    expect(run.detail[expected[0]]).toMatch(message);
    expect(run.code).toBe(1);
  });

  test('logs missing fails the log check and every exercised detection', async () => {
    const run = await verify({ weak: { logsMissing: true } });
    expect(run.status['VERIFY-MON-001']).toBe('fail');
    expect(run.detail['VERIFY-MON-001']).toMatch(
      /\d+ of \d+ marked request\(s\) not in AzureDiagnostics within 600 s \(apim-request-id apim-/,
    );
    expect(failing(run)).toEqual(
      [
        'VERIFY-MON-001',
        'VERIFY-MON-002/api-key-auth',
        'VERIFY-MON-002/rbac-denied',
        'VERIFY-MON-004/api-key-auth',
        'VERIFY-MON-004/rbac-denied',
      ].sort(),
    );
    expect(run.code).toBe(1);
  });

  test('an Activity Log entry that never appears fails VERIFY-IAM-004, not passes', async () => {
    const run = await verify({ extra: ['--alert-wait', '60', '--only', 'VERIFY-IAM'] });
    // The fake lists events 120 s after the operation; 60 s of waiting is not enough.
    expect(run.status['VERIFY-IAM-004']).toBe('fail');
    expect(run.detail['VERIFY-IAM-004']).toMatch(
      /no failed deployments\/write for aoai-harden-verify-rbac-probe/,
    );
    expect(Object.keys(run.status).every((id) => id.startsWith('VERIFY-IAM'))).toBe(true);
  });
});

describe('an unreachable service is inconclusive, never a pass or a failure', () => {
  test('data plane that never answers: every data-plane check is inconclusive after the timeout', async () => {
    const run = await verify({
      faults: { dataPlane: 'hang' },
      extra: ['--timeout', '0.3', '--only', 'VERIFY-IAM-001,VERIFY-IAM-002,VERIFY-CS'],
    });
    for (const id of [
      'VERIFY-IAM-001',
      'VERIFY-IAM-002',
      'VERIFY-CS-001',
      'VERIFY-CS-003',
      'VERIFY-CS-004',
    ]) {
      expect([id, run.status[id]]).toEqual([id, 'inconclusive']);
      expect(run.detail[id]).toMatch(/no answer within 0.3 s/);
    }
    // The jailbreak probe is opt-in: nothing was sent for it.
    expect(run.status['VERIFY-CS-002']).toBe('skipped');
    expect(run.code).toBe(1);
  });

  test('ARM answering 500: RBAC probe, alert rules and retention are inconclusive', async () => {
    const run = await verify({
      faults: { arm: 500 },
      extra: ['--only', 'VERIFY-IAM-003,VERIFY-MON-003,VERIFY-MON-005,VERIFY-MON-001,VERIFY-IAM-002'],
    });
    expect(run.status['VERIFY-IAM-003']).toBe('inconclusive');
    expect(run.detail['VERIFY-IAM-003']).toMatch(/answered 500/);
    expect(run.status['VERIFY-MON-005']).toBe('inconclusive');
    for (const d of [...DETECTIONS, ...METRIC_ALERTS]) {
      expect(run.status[`VERIFY-MON-003/${d.key}`]).toBe('inconclusive');
    }
    expect(run.status['VERIFY-MON-003/config-change']).toBe('inconclusive');
    // The workspace GUID comes from ARM: the log check cannot query and must not pass.
    expect(run.status['VERIFY-MON-001']).toBe('inconclusive');
    expect(Object.values(run.status)).not.toContain('fail');
    expect(run.code).toBe(1);
  });

  test('Log Analytics answering 503: the log check is inconclusive', async () => {
    const run = await verify({ faults: { logs: 503 }, extra: ['--only', 'VERIFY-IAM-002,VERIFY-MON-001'] });
    expect(run.status['VERIFY-IAM-002']).toBe('pass');
    expect(run.status['VERIFY-MON-001']).toBe('inconclusive');
    expect(run.detail['VERIFY-MON-001']).toMatch(/Log Analytics query failed: HTTP 503/);
    expect(run.code).toBe(1);
  });

  test('Log Analytics that never answers is inconclusive within the timeout', async () => {
    const run = await verify({
      faults: { logs: 'hang' },
      extra: ['--timeout', '0.3', '--log-wait', '30', '--only', 'VERIFY-IAM-002,VERIFY-MON-001'],
    });
    expect(run.status['VERIFY-MON-001']).toBe('inconclusive');
    expect(run.code).toBe(1);
  });
});

describe('usage', () => {
  const io = () => {
    const o = { out: '', err: '' };
    return { o, io: { out: (s: string) => (o.out += s), err: (s: string) => (o.err += s) } };
  };
  test('--help lists every check with its checklist item', async () => {
    const { o, io: sink } = io();
    expect(await main(['verify', '--help'], sink)).toBe(0);
    for (const c of allChecks()) {
      expect(o.out).toMatch(new RegExp(`${c.id.replace(/[/]/g, '\\/')}\\s+${c.checklistItem}\\s`));
    }
    expect(allChecks().filter((c) => c.id.startsWith('VERIFY-MON-002/'))).toHaveLength(DETECTIONS.length);
  });

  const bad: Array<[string, string[], RegExp]> = [
    [
      'missing --from',
      ['--endpoint', 'https://aoai-test.openai.azure.com/', '--account-id', ACCOUNT_ID, '--deployments', 'a'],
      /from is required/,
    ],
    [
      'plain http to a non-loopback host',
      [
        '--from',
        'vnet',
        '--endpoint',
        'http://aoai-test.openai.azure.com/',
        '--account-id',
        ACCOUNT_ID,
        '--deployments',
        'a',
      ],
      /plain http is only allowed to a loopback host/,
    ],
    [
      'a token for a foreign host',
      [
        '--from',
        'vnet',
        '--endpoint',
        'https://example.com/',
        '--account-id',
        ACCOUNT_ID,
        '--deployments',
        'a',
      ],
      /cognitive tokens are only sent to/,
    ],
    [
      'an ARM host that is not ARM',
      [
        '--from',
        'vnet',
        '--endpoint',
        'https://aoai-test.openai.azure.com/',
        '--arm-endpoint',
        'https://management.example.net',
        '--account-id',
        ACCOUNT_ID,
        '--deployments',
        'a',
      ],
      /arm tokens are only sent to/,
    ],
    [
      'an account ID that is not an account',
      [
        '--from',
        'vnet',
        '--endpoint',
        'https://aoai-test.openai.azure.com/',
        '--account-id',
        '/subscriptions/x',
        '--deployments',
        'a',
      ],
      /accountId must be/,
    ],
    [
      'an unknown check',
      [
        '--from',
        'vnet',
        '--endpoint',
        'https://aoai-test.openai.azure.com/',
        '--account-id',
        ACCOUNT_ID,
        '--deployments',
        'a',
        '--only',
        'VERIFY-NOPE',
      ],
      /no check VERIFY-NOPE/,
    ],
    ['an unknown option', ['--from', 'vnet', '--colour', 'red'], /Unknown option '--colour'/],
  ];
  test.each(bad)('%s is a usage error (exit 2)', async (_name, args, message) => {
    const { o, io: sink } = io();
    expect(await main(['verify', ...args], sink)).toBe(2);
    expect(o.err).toMatch(message);
    // The message and the hint; the usage is for --help only.
    expect(o.err).toMatch(/^aoai-harden verify: [\s\S]+\nsee aoai-harden verify --help\n$/);
    expect(o.err).not.toContain('usage:');
  });

  test('a config file works like flags and rejects unknown keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verify-config-'));
    try {
      const file = join(dir, 'verify.json');
      writeFileSync(
        file,
        JSON.stringify({
          from: 'vnet',
          endpoint: 'https://aoai-test.openai.azure.com/',
          accountId: ACCOUNT_ID,
          deployments: ['a'],
          retention: 30,
        }),
      );
      const { o, io: sink } = io();
      expect(await main(['verify', '--config', file], sink)).toBe(2);
      expect(o.err).toMatch(/unknown key "retention"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reports', () => {
  test('JSON, Markdown and SARIF reports; the checklist section marks verify coverage or the manual reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verify-report-'));
    try {
      const run = await verify({ weak: { retentionDays: 30 }, extra: ['--report-dir', dir] });
      expect(run.code).toBe(1);
      const json = JSON.parse(readFileSync(join(dir, 'verify-report.json'), 'utf8'));
      const mo4 = json.checklist.find((c: any) => c.id === 'MO-4');
      expect(mo4).toMatchObject({ coverage: 'verify', checks: ['VERIFY-MON-005'], result: 'fail' });
      expect(json.checklist.find((c: any) => c.id === 'NI-3')).toMatchObject({
        coverage: 'manual',
        result: 'manual',
      });
      const md = readFileSync(join(dir, 'verify-report.md'), 'utf8');
      expect(md).toMatch(/\| MO-4 \| .* \| aoai-harden verify \| VERIFY-MON-005 \| fail \|/);
      expect(md).toMatch(/\| NI-3 \| .* \| manual: needs probes from a subnet outside the allowed sources/);
      expect(md).toMatch(/- new-caller-ip: not exercised/);
      const sarif = JSON.parse(readFileSync(join(dir, 'verify-report.sarif'), 'utf8'));
      expect(sarif.version).toBe('2.1.0');
      const failed = sarif.runs[0].results.filter((r: any) => r.level === 'error');
      expect(failed.map((r: any) => r.ruleId)).toEqual(['VERIFY-MON-005']);
      expect(
        sarif.runs[0].tool.driver.rules.find((r: any) => r.id === 'VERIFY-MON-005').properties.checklistItem,
      ).toBe('MO-4');
      expect(existsSync(join(dir, 'verify-report.md'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every post-deploy checklist item is covered by verify checks that exist, or has a manual reason', () => {
    const ids = allChecks().map((c) => c.id);
    for (const item of CHECKLIST) {
      if (item.postDeploy) {
        expect([item.id, !!(item.verifiedBy?.length || item.manualReason)]).toEqual([item.id, true]);
      }
      for (const v of item.verifiedBy ?? []) {
        const checks = ids.filter((id) => id === v || id.startsWith(`${v}/`));
        expect([v, checks.length > 0]).toEqual([v, true]);
        for (const id of checks) expect(allChecks().find((c) => c.id === id)!.checklistItem).toBe(item.id);
      }
    }
    // And the other way: every check is listed under the item it names.
    for (const c of allChecks()) {
      const item = CHECKLIST.find((i) => i.id === c.checklistItem)!;
      expect([c.id, item.verifiedBy?.some((v) => c.id === v || c.id.startsWith(`${v}/`))]).toEqual([
        c.id,
        true,
      ]);
    }
  });
});

describe('host policy and addresses', () => {
  test('tokens only to Azure hosts of their audience or loopback; http only to loopback', () => {
    expect(hostProblem('https://aoai-test.openai.azure.com/', 'cognitive')).toBeUndefined();
    expect(hostProblem('http://127.0.0.1:8080/', 'arm')).toBeUndefined();
    expect(hostProblem('https://management.azure.com', 'arm')).toBeUndefined();
    expect(hostProblem('https://api.loganalytics.io', 'logs')).toBeUndefined();
    expect(hostProblem('https://aoai-test.openai.azure.com.evil.example/', 'cognitive')).toMatch(
      /only sent to/,
    );
    expect(hostProblem('https://management.azure.com', 'logs')).toMatch(/only sent to/);
    expect(hostProblem('http://10.0.0.4/', 'cognitive')).toMatch(/plain http/);
  });
  test('RFC 1918 and unique local addresses are private; others are not', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', 'fd00::1']) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
    }
    for (const ip of ['172.32.0.1', '20.62.1.10', '192.169.0.1', '8.8.8.8', '2001:db8::1']) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, false]);
    }
  });
});

describe('README verify section', () => {
  test('its commands run: --help, and the config and command lines against the fakes', async () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const start = readme.indexOf('## Verify a deployment');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const commands = [...section.matchAll(/^npm run harden -- (verify[^#\n]*)/gm)].map((m) =>
      m[1].trim().split(/\s+/),
    );
    expect(commands.map((c) => c.join(' '))).toEqual([
      'verify --help',
      'verify --config verify.json --from vnet --report-dir reports',
      'verify --config verify.json --from outside --report-dir reports',
    ]);
    let out = '';
    expect(await main(commands[0], { out: (s) => (out += s), err: () => undefined })).toBe(0);
    expect(out).toContain('VERIFY-IAM-001');

    const config = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1].replace(/<[^>]+>/g, 'placeholder'));
    const dir = mkdtempSync(join(tmpdir(), 'verify-readme-'));
    try {
      writeFileSync(join(dir, 'verify.json'), JSON.stringify(config));
      for (const [i, from] of [
        [1, 'vnet'],
        [2, 'outside'],
      ] as const) {
        const fakes = await startFakes({ outside: from === 'outside' });
        open.push(fakes);
        const args = commands[i].map((a) =>
          a === 'verify.json' ? join(dir, 'verify.json') : a === 'reports' ? join(dir, 'reports') : a,
        );
        // The README's account lives in Azure; point every host (and the IDs the fake ARM knows) at the fakes.
        const overrides = [
          '--endpoint',
          `${fakes.dataPlane}/`,
          '--dns-name',
          DNS_NAME,
          '--account-id',
          ACCOUNT_ID,
          '--workspace-id',
          WORKSPACE_ID,
          '--arm-endpoint',
          fakes.arm,
          '--logs-endpoint',
          fakes.logs,
          '--blocklist-term',
          BLOCKLIST_TERM,
          // The fake's identities: tokens are checked against the configured client IDs.
          '--invoke-only-client-id',
          INVOKE_ONLY_CLIENT_ID,
        ];
        let printed = '';
        const code = await runVerifyCli(
          args.slice(1).concat(overrides),
          { out: (t) => (printed += t), err: () => undefined },
          {
            dns: fakes.dns,
            now: fakes.clock.now,
            sleep: fakes.clock.sleep,
            getToken: async (audience, identity) => fakeToken(audience, identity),
            env: {},
          },
        );
        expect([from, code, printed]).toEqual([from, 0, printed]);
        expect(existsSync(join(dir, 'reports', 'verify-report.sarif'))).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a run in which every check was skipped proves nothing and exits 1', async () => {
  const fakes = await startFakes({ outside: true });
  open.push(fakes);
  let out = '';
  const code = await runVerifyCli(
    [
      '--from',
      'outside',
      '--endpoint',
      `${fakes.dataPlane}/`,
      '--account-id',
      ACCOUNT_ID,
      '--deployments',
      'gpt-4o',
      '--only',
      'VERIFY-CS,VERIFY-NET-002',
    ],
    { out: (s) => (out += s), err: () => undefined },
    {
      dns: fakes.dns,
      now: fakes.clock.now,
      sleep: fakes.clock.sleep,
      getToken: async (a, i) => fakeToken(a, i),
      env: {},
    },
  );
  expect(code).toBe(1);
  expect(out).toMatch(
    /0 passed, 0 failed, 0 inconclusive, 0 error\(s\), 5 skipped\.\nNo check ran from here/,
  );
  expect(fakes.seen).toEqual([]);
});

test('listing keys as key auth is on fails without printing the keys', async () => {
  const run = await verify({ weak: { keyAuth: true }, extra: ['--only', 'VERIFY-IAM-005'] });
  expect(run.status['VERIFY-IAM-005']).toBe('fail');
  expect(run.detail['VERIFY-IAM-005']).toMatch(/ARM returned the account keys/);
  expect(run.out).not.toContain('k1-secret');
});

test('without an apim-request-id header the log check is skipped and says why', async () => {
  const run = await verify({
    weak: { noRequestId: true },
    extra: ['--only', 'VERIFY-IAM-002,VERIFY-MON-001'],
  });
  expect(run.status['VERIFY-IAM-002']).toBe('pass');
  expect(run.status['VERIFY-MON-001']).toBe('skipped');
  expect(run.detail['VERIFY-MON-001']).toMatch(/2 accepted call\(s\) carried no apim-request-id header/);
});

test('the invoke-only identity can be given as an ARM token in the environment', async () => {
  const fakes = await startFakes({});
  open.push(fakes);
  const args = baseArgs(fakes, 'vnet');
  args.splice(args.indexOf('--invoke-only-client-id'), 2);
  const run = async (env: NodeJS.ProcessEnv) => {
    let out = '';
    // The invoke-only ARM token comes from the environment, through the real token source; the rest from the fake.
    const fromEnv = defaultTokenSource({ env });
    await runVerifyCli(
      [...args, '--only', 'VERIFY-IAM-003'],
      { out: (s) => (out += s), err: () => undefined },
      {
        dns: fakes.dns,
        now: fakes.clock.now,
        sleep: fakes.clock.sleep,
        getToken: async (audience, identity) =>
          audience === 'arm' && identity === 'invoke-only'
            ? fromEnv(audience, identity)
            : fakeToken(audience, identity),
        env,
      },
    );
    return JSON.parse(out).results[0];
  };
  expect(await run({})).toMatchObject({
    status: 'skipped',
    detail: expect.stringMatching(/AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN/),
  });
  expect(await run({ AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN: fakeToken('arm', 'invoke-only') })).toMatchObject({
    status: 'pass',
  });
  // The pipeline's own ARM token handed over as the invoke-only one is refused before anything is sent.
  const puts = () => fakes.seen.filter((s) => s.method === 'PUT').length;
  const before = puts();
  expect(await run({ AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN: fakeToken('arm', 'workload') })).toMatchObject({
    status: 'error',
    detail: expect.stringMatching(
      /the invoke-only token is the pipeline's own principal \(oid oid-workload\)/,
    ),
  });
  expect(puts()).toBe(before);
});

test('pre-acquired tokens from the environment are used as given', async () => {
  const source = defaultTokenSource({
    env: { AZURE_OPENAI_AD_TOKEN: 'dp', AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN: 'arm' },
  });
  expect(await source('cognitive', 'workload')).toBe('dp');
  expect(await source('arm', 'invoke-only')).toBe('arm');
});
