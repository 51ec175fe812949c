// The plan-time guards behind references (lib/record-format.ts), judged by Terraform itself: an opt-out expiry and a
// workspace retention given as variables are accepted by the checklist only because these preconditions refuse a
// bad value at plan. Here Terraform evaluates them on real values: the guarded stack (against the stub providers)
// and, for the calendar cases, the same conditions on terraform_data (Terraform's built-in provider).
import { expiryGuardCondition, retentionGuardCondition } from '../../lib/record-format';
import { guardedReferencesJson } from '../guarded-references';
import { Scratch, runTf } from './tf';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

/** Resource names whose precondition Terraform reported as failed ("on cdk.tf.json line N, in resource.<type>.<name>.lifecycle"). */
const failed = (output: string) =>
  [...output.matchAll(/in resource\.[a-z_]+\.([A-Za-z0-9_-]+)\.lifecycle\.precondition/g)]
    .map((m) => m[1])
    .sort();
/** Terraform wraps long messages: compare with whitespace collapsed. */
const flat = (output: string) => output.replace(/\s+/g, ' ');

describe('the guarded stack: Terraform plans good values and refuses bad ones', () => {
  const dir = scratch.stack('guarded', guardedReferencesJson());

  test('a future expiry and 365 days plan', async () => {
    const r = await runTf('plan', dir, {
      workDir: scratch.workDir('good'),
      extraArgs: ['-var', 'opt_out_expiry=2099-12-31', '-var', 'retention_days=365'],
    });
    expect(r.output).toContain('Plan:');
    expect(r.code).toBe(0);
  });

  test('an impossible expiry and 30 days: both preconditions fail the plan', async () => {
    const r = await runTf('plan', dir, {
      workDir: scratch.workDir('bad'),
      extraArgs: ['-var', 'opt_out_expiry=2099-02-30', '-var', 'retention_days=30'],
    });
    expect(r.code).not.toBe(0);
    expect(failed(r.output)).toEqual([
      expect.stringMatching(/^AoaiHardeningRecord_/),
      expect.stringMatching(/^Monitoring_Workspace_/),
    ]);
    expect(flat(r.output)).toContain('must be a real calendar date');
    expect(flat(r.output)).toContain('retentionInDays must be at least 365 days');
  });
});

describe('the expiry condition on every kind of bad date', () => {
  // [value, accepted]: the day applies through 23:59:59 UTC; timecmp refuses impossible days.
  const cases: Array<[string, boolean]> = [
    ['2099-12-31', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2099-02-30', false],
    ['2025-13-45', false],
    ['2020-01-01', false],
    ['2099-1-1', false],
    ['2099-12-31T00:00:00Z', false],
    ['', false],
    ['never', false],
  ];
  const days: Array<[number, boolean]> = [
    [365, true],
    [730, true],
    [364, false],
    [0, false],
  ];

  test('Terraform refuses exactly the bad values', async () => {
    const config = {
      variable: Object.fromEntries([
        ...cases.map((_, i) => [`d${i}`, { type: 'string' }]),
        ...days.map((_, i) => [`r${i}`, { type: 'number' }]),
      ]),
      resource: {
        terraform_data: Object.fromEntries([
          ...cases.map((_, i) => [
            `expiry_${i}`,
            {
              input: `\${var.d${i}}`,
              lifecycle: {
                precondition: [
                  { condition: expiryGuardCondition(`\${var.d${i}}`), error_message: 'refused' },
                ],
              },
            },
          ]),
          ...days.map((_, i) => [
            `retention_${i}`,
            {
              input: `\${var.r${i}}`,
              lifecycle: {
                precondition: [
                  { condition: retentionGuardCondition(`\${var.r${i}}`), error_message: 'refused' },
                ],
              },
            },
          ]),
        ]),
      },
    };
    const args = [
      ...cases.flatMap(([value], i) => ['-var', `d${i}=${value}`]),
      ...days.flatMap(([value], i) => ['-var', `r${i}=${value}`]),
    ];
    const r = await runTf('plan', scratch.stack('conditions', config), {
      workDir: scratch.workDir('conditions'),
      extraArgs: args,
    });
    expect(r.code).not.toBe(0);
    const expected = [
      ...cases.flatMap(([, ok], i) => (ok ? [] : [`expiry_${i}`])),
      ...days.flatMap(([, ok], i) => (ok ? [] : [`retention_${i}`])),
    ].sort();
    expect(failed(r.output)).toEqual(expected);
  });
});
