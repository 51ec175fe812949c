// `aoai-harden check` judges any Terraform user's plan (issue 23): a hand-written HCL configuration of the hardened
// resources (__tests__/fixtures/hcl/hardened, no cdktf, no package code) is planned by Terraform core through the
// offline runner (scripts/tf.js accepts a folder of .tf files) and passes; the weakened copy (its account.tf
// replaced by fixtures/hcl/weakened/account.tf) fails with exactly the rules that catch what was weakened. The
// built CLI bundle runs the check, as users run it.
import { spawnSync } from 'child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'fs';
import { join } from 'path';
import { Scratch, runTf } from './tf';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { build } = require('../../cli/build');

const ROOT = join(__dirname, '..', '..');
const HCL = join(ROOT, '__tests__', 'fixtures', 'hcl');
const scratch = new Scratch();
let cli: string;
beforeAll(() => {
  cli = join(scratch.root, 'aoai-harden.js');
  build(cli);
});
afterAll(() => scratch.cleanup());

/** A configuration folder: the hardened .tf files, with the given files of another fixture folder in place. */
function configuration(name: string, replacements: string[] = []): string {
  const dir = join(scratch.root, name);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(join(HCL, 'hardened'))) copyFileSync(join(HCL, 'hardened', f), join(dir, f));
  for (const f of replacements) copyFileSync(join(HCL, f), join(dir, f.split('/').pop()!));
  return dir;
}

async function planAndCheck(dir: string) {
  const plan = await runTf('plan', dir, {
    workDir: join(scratch.root, `work-${dir.split('/').pop()}`),
    fresh: true,
  });
  expect({ code: plan.code, output: plan.code ? plan.output : '' }).toEqual({ code: 0, output: '' });
  const r = spawnSync(process.execPath, [cli, 'check', plan.planJson!, '--format', 'json'], {
    encoding: 'utf8',
  });
  const report = JSON.parse(r.stdout);
  const errors = report.findings
    .filter((f: any) => f.status === 'non-compliant' && f.severity === 'error')
    .map((f: any) => `${f.ruleId} ${f.address}`)
    .sort();
  return { status: r.status, report, errors };
}

test('the hand-written hardened configuration, planned by Terraform, passes check with no finding', async () => {
  const { status, report, errors } = await planAndCheck(configuration('hardened'));
  expect(errors).toEqual([]);
  expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
  // Judged, not skipped: the account and its controls were seen (AOAI-CHK-001 fails an input without an account).
  expect(report.summary.compliant).toBeGreaterThan(50);
  expect(status).toBe(0);
});

test('the weakened copy fails with the rules that catch each weakened setting', async () => {
  const { status, errors } = await planAndCheck(configuration('weakened', ['weakened/account.tf']));
  expect(errors).toEqual([
    'AOAI-CFP-001 azurerm_cognitive_deployment.gpt_4o',
    'AOAI-IAM-001 azurerm_cognitive_account.main',
    'AOAI-NET-001 azurerm_cognitive_account.main',
    'AOAI-NET-002 azurerm_cognitive_account.main',
  ]);
  expect(status).toBe(1);
});
