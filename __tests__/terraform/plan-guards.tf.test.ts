// The plan-time guards behind references (lib/record-format.ts), judged by Terraform itself: an opt-out expiry and a
// workspace retention given as variables are accepted by the checklist only because these preconditions refuse a
// bad value at plan. Here Terraform evaluates them on real values: the guarded stack (against the stub providers)
// and, for the calendar cases, the same conditions on terraform_data (Terraform's built-in provider).
import {
  EMAIL_ADDRESS,
  capacityGuardCondition,
  EMAIL_GUARD_PATTERN,
  HTTPS_GUARD_PATTERN,
  expiryGuardCondition,
  listPatternGuardCondition,
  patternGuardCondition,
  retentionGuardCondition,
} from '../../lib/record-format';
import { GUARDED_GOOD_VARS, guardedReferencesJson } from '../guarded-references';
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
  const vars = (values: Record<string, string>) =>
    Object.entries(values).flatMap(([k, v]) => ['-var', `${k}=${v}`]);

  test('good values plan: a future expiry, 365 days, e-mail addresses and https webhooks', async () => {
    const r = await runTf('plan', dir, {
      workDir: scratch.workDir('good'),
      extraArgs: vars(GUARDED_GOOD_VARS),
    });
    expect(r.output).toContain('Plan:');
    expect(r.code).toBe(0);
  });

  test('bad values: every precondition fails the plan, and the messages say which input of which construct', async () => {
    const r = await runTf('plan', dir, {
      workDir: scratch.workDir('bad'),
      extraArgs: vars({
        opt_out_expiry: '2099-02-30',
        retention_days: '30',
        gpt4o_capacity: '0',
        security_email: 'nobody',
        security_webhook: 'https://prod.logic.azure.com/workflows/x?sig=s3cr3t',
        finops_emails: '["finops@contoso.com","finops"]',
        change_webhooks: '["http://hooks.contoso.com/change"]',
      }),
    });
    expect(r.code).not.toBe(0);
    expect(failed(r.output)).toEqual([
      expect.stringMatching(/^Account_Deployments_gpt-4o_/),
      expect.stringMatching(/^AoaiHardeningRecord_/),
      expect.stringMatching(/^Monitoring_ActionGroup-change_/),
      expect.stringMatching(/^Monitoring_ActionGroup-finops_/),
      expect.stringMatching(/^Monitoring_ActionGroup-security_/),
      expect.stringMatching(/^Monitoring_Workspace_/),
    ]);
    const out = flat(r.output);
    expect(out).toContain('must be a real calendar date');
    expect(out).toContain('retentionInDays must be at least 365 days');
    expect(out).toContain(
      'Hardening: test/Account/Deployments/gpt-4o: deployments[gpt-4o].capacity must be a whole number from 1 to 100000',
    );
    expect(out).toContain('Hardening: test/Monitoring: securityTeam.emailAddresses must be e-mail addresses');
    expect(out).toContain('Hardening: test/Monitoring: finOps.emailAddresses must be e-mail addresses');
    expect(out).toContain('Hardening: test/Monitoring: changeManagement.webhookUris must be https:// URIs');
    // The sensitive webhook was good: its own guard passed, and its value is printed nowhere.
    expect(out).not.toContain('s3cr3t');
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
  const capacities: Array<[number, boolean]> = [
    [1, true],
    [100000, true],
    [0, false],
    [100001, false],
    [1.5, false],
    [-10, false],
  ];

  test('Terraform refuses exactly the bad values', async () => {
    const config = {
      variable: Object.fromEntries([
        ...cases.map((_, i) => [`d${i}`, { type: 'string' }]),
        ...days.map((_, i) => [`r${i}`, { type: 'number' }]),
        ...capacities.map((_, i) => [`c${i}`, { type: 'number' }]),
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
          ...capacities.map((_, i) => [
            `capacity_${i}`,
            {
              input: `\${var.c${i}}`,
              lifecycle: {
                precondition: [
                  { condition: capacityGuardCondition(`\${var.c${i}}`, 100000), error_message: 'refused' },
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
      ...capacities.flatMap(([value], i) => ['-var', `c${i}=${value}`]),
    ];
    const r = await runTf('plan', scratch.stack('conditions', config), {
      workDir: scratch.workDir('conditions'),
      extraArgs: args,
    });
    expect(r.code).not.toBe(0);
    const expected = [
      ...cases.flatMap(([, ok], i) => (ok ? [] : [`expiry_${i}`])),
      ...days.flatMap(([, ok], i) => (ok ? [] : [`retention_${i}`])),
      ...capacities.flatMap(([, ok], i) => (ok ? [] : [`capacity_${i}`])),
    ].sort();
    expect(failed(r.output)).toEqual(expected);
  });
});

describe('the e-mail and https conditions, on one value and over a list', () => {
  // [value, accepted]; the literal checks at synth (EMAIL_ADDRESS, the https rule) accept exactly the same values.
  const emails: Array<[string, boolean]> = [
    ['secops@contoso.com', true],
    ['first.last+alerts@sub.contoso.co.uk', true],
    ['nobody', false],
    ['nobody@localhost', false],
    ['two@@contoso.com', false],
    ['sec ops@contoso.com', false],
    ['', false],
  ];
  const urls: Array<[string, boolean]> = [
    ['https://hooks.contoso.com/alert', true],
    ['https://prod.logic.azure.com/workflows/x?sig=abc', true],
    ['http://hooks.contoso.com/alert', false],
    ['ftp://hooks.contoso.com', false],
    ['https://', false],
    ['HTTPS://hooks.contoso.com', false],
  ];

  test('the literal rules agree with the plan-time patterns', () => {
    expect(emails.map(([v]) => EMAIL_ADDRESS.test(v))).toEqual(emails.map(([, ok]) => ok));
  });

  test('Terraform refuses exactly the bad values', async () => {
    const all: Array<[string, string, string, boolean]> = [
      ...emails.map(([v, ok], i): [string, string, string, boolean] => [`e${i}`, EMAIL_GUARD_PATTERN, v, ok]),
      ...urls.map(([v, ok], i): [string, string, string, boolean] => [`u${i}`, HTTPS_GUARD_PATTERN, v, ok]),
    ];
    const guarded = (condition: string, input: string) => ({
      input,
      lifecycle: { precondition: [{ condition, error_message: 'refused' }] },
    });
    const config = {
      variable: Object.fromEntries(all.map(([name]) => [name, { type: 'string' }])),
      resource: {
        terraform_data: Object.fromEntries(
          all.flatMap(([name, pattern]) => [
            [`one_${name}`, guarded(patternGuardCondition(pattern, `\${var.${name}}`), `\${var.${name}}`)],
            // The whole-list form over a list of a good value and this one.
            [
              `list_${name}`,
              guarded(
                listPatternGuardCondition(
                  pattern,
                  `\${toset(["${pattern === EMAIL_GUARD_PATTERN ? 'ok@contoso.com' : 'https://ok.contoso.com'}", var.${name}])}`,
                ),
                `\${var.${name}}`,
              ),
            ],
          ]),
        ),
      },
    };
    const r = await runTf('plan', scratch.stack('patterns', config), {
      workDir: scratch.workDir('patterns'),
      extraArgs: all.flatMap(([name, , value]) => ['-var', `${name}=${value}`]),
    });
    expect(r.code).not.toBe(0);
    const expected = all.flatMap(([name, , , ok]) => (ok ? [] : [`list_${name}`, `one_${name}`])).sort();
    expect(failed(r.output)).toEqual(expected);
  });
});
