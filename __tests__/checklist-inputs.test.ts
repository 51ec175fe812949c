import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Aspects, Testing } from 'cdktf';
import { HardeningChecks, HardeningSuppressions } from '../lib';
import { firstOf, referenceJson, referenceStack } from './reference';
import {
  PLAN_FIXTURES,
  REFRESH_COMMAND,
  committedIndex,
  committedPlan,
  configSha256,
  grantByRoleNameJson,
  weakenedReferenceJson,
} from './terraform-plans';
import { main } from '../cli/src/main';
import { Report, runChecks } from '../lib/checklist/engine';
import { InputError, loadModel } from '../lib/checklist/model';

const TODAY = ['--today', '2026-11-28'];

const LIFECYCLE = 'AOAI-CHK-004';

/**
 * The same verdict from every rule on the same resources, plan against configuration, except AOAI-CHK-004:
 * Terraform's plan JSON carries no lifecycle blocks, so on a plan that rule says it cannot see them (until these
 * tests compared the two, it said "compliant: every postcondition is in place" on a plan whose configuration had
 * them all removed).
 */
function expectSameVerdicts(fromPlan: Report, fromConfig: Report): void {
  const verdicts = (r: Report) =>
    r.findings
      .filter((f) => f.ruleId !== LIFECYCLE)
      .map((f) => `${f.ruleId} ${f.address} ${f.status}`)
      .sort();
  expect(verdicts(fromPlan)).toEqual(verdicts(fromConfig));
  expect(fromPlan.findings.filter((f) => f.ruleId === LIFECYCLE)).toEqual([
    expect.objectContaining({
      status: 'not-applicable',
      message: expect.stringContaining('no lifecycle blocks'),
    }),
  ]);
}

describe('plan JSON input', () => {
  // Terraform 1.11.4's own first plan of the reference stack (against the stub providers; committed by
  // `npm run tf:fixtures`): references are unknown values bound in `configuration`, data sources already read.
  test("Terraform's first plan of the reference stack passes every rule, with the same findings as its cdk.tf.json", () => {
    const report = runChecks(loadModel(committedPlan('reference-first-plan.json')), { today: '2026-11-28' });
    expect(report.format).toBe('plan-json');
    // The built-in defaults name no receivers: the three action groups warn (AOAI-MON-014) until the user adds
    // them, on Terraform's plan as on the configuration; nothing else fails.
    expect(
      report.findings
        .filter((f) => f.status === 'non-compliant')
        .map((f) => [f.ruleId, f.severity, f.address]),
    ).toEqual(
      ['change', 'finops', 'security'].map((g) => [
        'AOAI-MON-014',
        'warning',
        expect.stringMatching(
          new RegExp(`^azurerm_monitor_action_group\\.AzureOpenAI_Monitoring_ActionGroup-${g}_`),
        ),
      ]),
    );
    // Each rule reaches the same verdict on the same resource whether it reads the configuration or the plan.
    // (Before the stub read data.azurerm_subscription as Azure shapes its ID, "/subscriptions/<id>", AOAI-MON-003
    // warned on the plan only: azurerm's subscription_data_source.go sets that ID; the rule was right.)
    const fromConfig = runChecks(loadModel(referenceJson()), { today: '2026-11-28' });
    expectSameVerdicts(report, fromConfig);
    expect(report.findings.length).toBeGreaterThan(50);
  });
  test("Terraform's first plan of a weakened reference stack fails on the right resources and values, as its cdk.tf.json does", () => {
    const report = runChecks(loadModel(committedPlan('weakened-first-plan.json')), { today: '2026-11-28' });
    const config = weakenedReferenceJson();
    const [account] = Object.keys(config.resource.azurerm_cognitive_account);
    const deployments = Object.keys(config.resource.azurerm_cognitive_deployment);
    const bad = (id: string) =>
      report.findings
        .filter((f) => f.ruleId === id && f.status === 'non-compliant')
        .map((f) => [f.address, f.value]);
    expect(bad('AOAI-NET-001')).toEqual([[`azurerm_cognitive_account.${account}`, true]]);
    expect(bad('AOAI-IAM-001')).toEqual([[`azurerm_cognitive_account.${account}`, true]]);
    expect(bad('AOAI-CFP-001').sort()).toEqual(
      deployments.map((d) => [`azurerm_cognitive_deployment.${d}`, 'Microsoft.Default']).sort(),
    );
    const fromConfig = runChecks(loadModel(config), { today: '2026-11-28' });
    expectSameVerdicts(report, fromConfig);
    // The removed postconditions are visible in cdk.tf.json only (see expectSameVerdicts).
    expect(fromConfig.findings.filter((f) => f.ruleId === LIFECYCLE).map((f) => f.status)).toContain(
      'non-compliant',
    );
  });
  test("a grant by role name: Terraform's plan leaves role_definition_id to azurerm, and AOAI-IAM-005 does not warn on it", () => {
    const plan = committedPlan('grant-by-role-name-first-plan.json');
    const change = plan.resource_changes.find((c: any) => c.address === 'azurerm_role_assignment.app').change;
    // What the plan holds (the stub: null, as an unset argument; azurerm: known after apply, Optional+Computed).
    expect(change.after.role_definition_id ?? change.after_unknown.role_definition_id).toBeFalsy();
    const report = runChecks(loadModel(plan), { today: '2026-11-28' });
    const iam005 = (r: Report) =>
      r.findings.filter((f) => f.ruleId === 'AOAI-IAM-005').map((f) => [f.address, f.status]);
    expect(iam005(report)).toEqual([['azurerm_role_assignment.app', 'compliant']]);
    expectSameVerdicts(report, runChecks(loadModel(grantByRoleNameJson()), { today: '2026-11-28' }));
    // The same grant known after apply, as azurerm plans it, is not judged either.
    const unknown = JSON.parse(JSON.stringify(plan));
    const rc = unknown.resource_changes.find((c: any) => c.address === 'azurerm_role_assignment.app');
    rc.change.after_unknown.role_definition_id = true;
    expect(iam005(runChecks(loadModel(unknown), { today: '2026-11-28' }))).toEqual([
      ['azurerm_role_assignment.app', 'compliant'],
    ]);
  });
  test('every committed plan fixture was planned from the configuration its stack synthesizes today', () => {
    const index = committedIndex();
    expect(Object.keys(index).sort()).toEqual(PLAN_FIXTURES.map((f) => f.file).sort());
    const stale = PLAN_FIXTURES.filter((f) => index[f.file].configSha256 !== configSha256(f.config())).map(
      (f) => `${f.file} (${f.description})`,
    );
    if (stale.length) {
      throw new Error(
        `plan fixtures planned from an older configuration: ${stale.join(', ')}; run ${REFRESH_COMMAND} to refresh`,
      );
    }
  });
  test('the weakened plan fixture fails with the right IDs, names and values', () => {
    const plan = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'weakened-plan.json'), 'utf8'));
    const report = runChecks(loadModel(plan), { today: '2026-11-28' });
    const bad = (id: string) => report.findings.find((f) => f.ruleId === id && f.status === 'non-compliant');
    expect(bad('AOAI-NET-001')).toMatchObject({ address: 'azurerm_cognitive_account.aoai', value: true });
    expect(bad('AOAI-IAM-001')).toMatchObject({ address: 'azurerm_cognitive_account.aoai', value: true });
    expect(bad('AOAI-CFP-001')).toMatchObject({ address: 'azurerm_cognitive_deployment.gpt' });
    // The role assignment's scope is unknown in the plan but bound to the account: it is judged on the account.
    expect(report.accessSummary).toEqual([
      expect.objectContaining({
        address: 'azurerm_role_assignment.app',
        scope: 'azurerm_cognitive_account.aoai',
        role: '${data.azurerm_subscription.current.id}',
      }),
    ]);
  });
});

describe('CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  };
  const write = (name: string, content: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  test('a compliant cdk.tf.json exits 0 and writes the three reports', async () => {
    const reports = join(dir, 'reports');
    const { code, out } = await run(
      'check',
      write('good.json', referenceJson()),
      '--report-dir',
      reports,
      ...TODAY,
    );
    expect(code).toBe(0);
    // The built-in defaults' three action groups without receivers warn (AOAI-MON-014); warnings do not fail.
    expect(out).toMatch(/^0 error\(s\), 3 warning\(s\)/m);
    expect(JSON.parse(readFileSync(join(reports, 'hardening-report.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(readFileSync(join(reports, 'hardening-report.md'), 'utf8')).toMatch(
      /## Hardening Validation Checklist/,
    );
  });
  test('a weakened cdk.tf.json exits 1 naming rule, resource and value', async () => {
    const json = referenceJson();
    const [name, acct] = firstOf(json, 'azurerm_cognitive_account');
    acct.public_network_access_enabled = true;
    acct.local_auth_enabled = true;
    firstOf(json, 'azurerm_cognitive_deployment')[1].rai_policy_name = 'Microsoft.Default';
    const { code, out } = await run('check', write('weak.json', json), ...TODAY);
    expect(code).toBe(1);
    expect(out).toContain(
      `ERROR AOAI-NET-001 azurerm_cognitive_account.${name}: public network access is enabled (value: true)`,
    );
    expect(out).toContain(`ERROR AOAI-IAM-001 azurerm_cognitive_account.${name}`);
    expect(out).toMatch(
      /ERROR AOAI-CFP-001 azurerm_cognitive_deployment\.\S+: deployment is not bound .*\(value: "Microsoft.Default"\)/,
    );
  });
  test('the weakened plan fixture exits 1', async () => {
    const { code, out } = await run('check', join(__dirname, 'fixtures', 'weakened-plan.json'), ...TODAY);
    expect(code).toBe(1);
    expect(out).toMatch(/ERROR AOAI-NET-001 azurerm_cognitive_account.aoai/);
  });
  test.each([
    ['a missing file', ['check', '/nonexistent/x.json'], /cannot read it \(ENOENT\)/],
    ['malformed JSON', ['check', 'BAD_JSON'], /not valid JSON/],
    ['JSON that is not Terraform', ['check', 'NOT_TF'], /not Terraform JSON/],
    ['an unknown option', ['check', 'GOOD', '--colour', 'red'], /Unknown option '--colour'/],
    ['no command', [], /no command: use check, fleet, verify or run-task\nsee aoai-harden --help/],
  ])('%s gives a clear message and exit 2, not a stack trace', async (_label, args, message) => {
    const files: Record<string, string> = {
      BAD_JSON: write('bad.json', '{"resource": '),
      NOT_TF: write('nottf.json', { hello: 'world' }),
      GOOD: write('g.json', { resource: {} }),
    };
    const { code, err } = await run(...args.map((a) => files[a] ?? a));
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });
  test('loadModel refuses arrays with an InputError', () => {
    expect(() => loadModel([])).toThrow(InputError);
  });
});

describe('HardeningChecks Aspect', () => {
  test('the reference stack synthesizes with validations on and writes reports', () => {
    const stack = referenceStack();
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
  test('a weakened stack fails synth with the rule IDs, through the Aspect', () => {
    const stack = referenceStack();
    const account = stack.hardened.account.resource;
    account.addOverride('public_network_access_enabled', true);
    account.addOverride('local_auth_enabled', true);
    stack.hardened.account.deployments[0].resource.addOverride('rai_policy_name', 'Microsoft.Default');
    expect(() => Testing.synth(stack, true)).toThrow(/AOAI-NET-001[\s\S]*AOAI-IAM-001[\s\S]*AOAI-CFP-001/);
  });
  test('a suppression with a reason lets synth pass and is recorded; an unknown rule ID is refused', () => {
    const stack = referenceStack();
    stack.hardened.account.resource.addOverride('outbound_network_access_restricted', false);
    expect(() => Testing.synth(stack, true)).toThrow(/AOAI-NET-004/);
    const fixed = referenceStack();
    fixed.hardened.account.resource.addOverride('outbound_network_access_restricted', false);
    HardeningSuppressions.addResourceSuppressions(fixed.hardened.account, [
      {
        ruleId: 'AOAI-NET-004',
        reason: 'On Your Data to a partner search service during pilot',
        expiresOn: '2099-01-01',
      },
    ]);
    const json = JSON.parse(Testing.synth(fixed, true));
    expect(firstOf(json, 'terraform_data')[1].input.exemptions).toContainEqual(
      expect.objectContaining({ rule_id: 'AOAI-NET-004', kind: 'suppression', expires_on: '2099-01-01' }),
    );
    expect(() =>
      HardeningSuppressions.addResourceSuppressions(fixed, [
        { ruleId: 'AOAI-XXX-1', reason: 'a long enough reason' },
      ]),
    ).toThrow(/suppressions\[0\].ruleId: invalid value "AOAI-XXX-1"/);
  });
  test('an Aspect can be added to any stack', () => {
    const stack = referenceStack();
    Aspects.of(stack).add(new HardeningChecks({ writeReports: false }));
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});
