import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CHECK_USAGE } from '../cli/src/commands/check';
import { main } from '../cli/src/main';
import { runChecks } from '../lib/checklist/engine';
import { loadModel } from '../lib/checklist/model';

/**
 * `aoai-harden check --check / --skip-check` (issue 25), as checkov names them: rules picked by name for one run,
 * each skip with a written reason that the report records; a skipped rule's failures stay visible as suppressed.
 * `--managed-elsewhere` declares a phase held by another configuration, as HardeningChecks' scope does.
 */

const PLAN = join(__dirname, 'fixtures', 'weakened-plan.json');
const dir = mkdtempSync(join(tmpdir(), 'aoai-check-selection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function check(...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['check', PLAN, ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

// The weakened plan's error-level findings, judged with every rule (the baseline the selections change).
const baseline = runChecks(loadModel(JSON.parse(readFileSync(PLAN, 'utf8'))));
const errorRules = [
  ...new Set(
    baseline.findings
      .filter((f) => f.status === 'non-compliant' && f.severity === 'error')
      .map((f) => f.ruleId),
  ),
];

test('the fixture fails several rules of several phases (what the selections below change)', () => {
  expect(errorRules).toEqual(expect.arrayContaining(['AOAI-NET-001', 'AOAI-IAM-001', 'AOAI-CFP-001']));
});

describe('--skip-check', () => {
  test('a skipped rule no longer fails the run: its findings are suppressed with the reason, and the report lists it', async () => {
    const r = await check(
      '--skip-check',
      'AOAI-NET-*,AOAI-IAM-001',
      '--skip-reason',
      'network and key auth are enforced by the landing zone policy set (ticket SEC-88)',
      '--format',
      'json',
      '--report-dir',
      dir,
    );
    const report = JSON.parse(r.out);
    expect(report.checkSelection.skip).toEqual(['AOAI-NET-*', 'AOAI-IAM-001']);
    expect(report.checkSelection.skipped).toEqual(
      expect.arrayContaining(['AOAI-NET-001', 'AOAI-NET-009', 'AOAI-IAM-001']),
    );
    expect(report.checkSelection.skipped).not.toContain('AOAI-IAM-002');
    const net001 = report.findings.find((f: any) => f.ruleId === 'AOAI-NET-001');
    expect(net001.status).toBe('suppressed');
    expect(net001.exemption).toMatchObject({
      kind: 'skipped check',
      author: '--skip-check',
      reason:
        'skipped for this run (--skip-check): network and key auth are enforced by the landing zone policy set (ticket SEC-88)',
    });
    // Other rules still fail the run.
    expect(report.findings.find((f: any) => f.ruleId === 'AOAI-CFP-001').status).toBe('non-compliant');
    expect(r.code).toBe(1);
    // Recorded in the Markdown report too.
    const md = readFileSync(join(dir, 'hardening-report.md'), 'utf8');
    expect(md).toContain('## Rules skipped for this run (--check / --skip-check)');
    expect(md).toContain('- --skip-check AOAI-NET-*,AOAI-IAM-001');
    // SARIF: suppressed outside the source, with the reason.
    const sarif = JSON.parse(readFileSync(join(dir, 'hardening-report.sarif'), 'utf8'));
    const result = sarif.runs[0].results.find((x: any) => x.ruleId === 'AOAI-NET-001');
    expect(result.suppressions).toEqual([
      expect.objectContaining({ kind: 'external', justification: expect.stringContaining('ticket SEC-88') }),
    ]);
  });

  test('skipping every failing rule passes, and the text output says what was skipped and why', async () => {
    const skippable = errorRules.filter((id) => !id.startsWith('AOAI-CHK-'));
    expect(skippable).toEqual(errorRules); // the fixture fails no integrity rule
    const r = await check(
      '--skip-check',
      skippable.join(','),
      '--skip-reason',
      'demonstration of a full skip list',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^SKIPPED AOAI-/m);
    expect(r.out).toContain(': demonstration of a full skip list');
    expect(r.out).toMatch(/^SUPPR AOAI-NET-001 azurerm_cognitive_account\.aoai: skipped for this run/m);
  });
});

describe('--check', () => {
  test('only the named rules are judged: every other rule is skipped with the reason; the integrity rules still run', async () => {
    const r = await check(
      '--check',
      'AOAI-CFP-*',
      '--skip-reason',
      'this workspace holds only the content-safety phase',
      '--format',
      'json',
    );
    const report = JSON.parse(r.out);
    expect(report.checkSelection.check).toEqual(['AOAI-CFP-*']);
    expect(report.checkSelection.skipped).toContain('AOAI-NET-001');
    expect(report.checkSelection.skipped.some((id: string) => id.startsWith('AOAI-CFP-'))).toBe(false);
    expect(report.checkSelection.skipped.some((id: string) => id.startsWith('AOAI-CHK-'))).toBe(false);
    const open = report.findings.filter((f: any) => f.status === 'non-compliant').map((f: any) => f.ruleId);
    expect(open).toContain('AOAI-CFP-001');
    expect(open.every((id: string) => id.startsWith('AOAI-CFP-') || id.startsWith('AOAI-CHK-'))).toBe(true);
    expect(r.code).toBe(1);
  });
});

describe('bad selections fail with exit 2, naming the flag, the value and the fix', () => {
  test.each([
    [['--skip-check', 'AOAI-NET-001'], '--skip-reason: "" is not a reason'],
    [['--skip-check', 'AOAI-NET-001', '--skip-reason', 'short'], '--skip-reason: "short" is not a reason'],
    [
      ['--check', 'AOAI-NTE-001', '--skip-reason', 'a long enough reason'],
      '--check: "AOAI-NTE-001" names no rule',
    ],
    [['--skip-check', 'CKV_AZURE_134', '--skip-reason', 'a long enough reason'], 'names no rule'],
    [
      ['--skip-check', 'AOAI-CHK-001', '--skip-reason', 'no account in this workspace'],
      "AOAI-CHK-001 would skip AOAI-CHK-001, the checklist's own integrity rules, which always run",
    ],
    [
      ['--skip-check', 'AOAI-*', '--skip-reason', 'a long enough reason'],
      "the checklist's own integrity rules",
    ],
    [
      ['--skip-reason', 'a reason without a selection'],
      '--skip-reason is given without --check or --skip-check',
    ],
    [['--managed-elsewhere', 'Monitoring'], 'write "<phase>=<reason>"'],
    [
      ['--managed-elsewhere', 'Checklist Integrity=the platform runs it'],
      'is not a phase that can be managed elsewhere',
    ],
  ])('%j', async (args, message) => {
    const r = await check(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
});

test("the README's paragraph names only flags that exist", () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('**Judging part of the checklist.**');
  const paragraph = readme.slice(start, readme.indexOf('\n\n', start));
  const flags = [...new Set(paragraph.match(/--[a-z][a-z-]+/g))];
  expect(flags).toEqual(['--check', '--skip-check', '--skip-reason', '--managed-elsewhere']);
  for (const flag of flags) expect(CHECK_USAGE).toContain(`${flag} `);
});

test('--managed-elsewhere declares a phase held elsewhere, recorded like HardeningChecks scope', async () => {
  const r = await check(
    '--managed-elsewhere',
    'Network Isolation=the platform landing zone owns the endpoint',
    '--format',
    'json',
  );
  const report = JSON.parse(r.out);
  expect(report.managedElsewhere).toEqual([
    { phase: 'Network Isolation', reason: 'the platform landing zone owns the endpoint' },
  ]);
});
