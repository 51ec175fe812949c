/**
 * References guarded at plan (issue 13): an opt-out expiry and a workspace retention given as Terraform references
 * are accepted by the checklist only while the precondition the construct wrote stands (AOAI-CHK-003,
 * AOAI-MON-002). Terraform's own verdict on those preconditions is __tests__/terraform/plan-guards.tf.test.ts; the
 * evasion corpus holds the removed and weakened guards.
 */
import { TerraformVariable, Testing } from 'cdktf';
import { guardedParts, guardedReferencesJson } from './guarded-references';
import { newStack } from './helpers';
import { HardenedAzureOpenAI, OpenAIAccount, SecurityMonitoring, checkDocument } from '../lib';
import {
  EMAIL_GUARD_PATTERN,
  HTTPS_GUARD_PATTERN,
  expiryGuardCondition,
  listPatternGuardCondition,
  patternGuardCondition,
  retentionGuardCondition,
} from '../lib/record-format';

const TODAY = '2026-11-28';
const findings = (json: unknown, ruleId: string) =>
  checkDocument(json, { today: TODAY }).findings.filter((f) => f.ruleId === ruleId);

describe('an opt-out expiry by reference', () => {
  const json = guardedReferencesJson();
  const { record } = guardedParts(json);

  test('the record carries a precondition that judges the real value at plan, and lists it as a guard', () => {
    const condition = expiryGuardCondition('${var.opt_out_expiry}');
    expect(record.lifecycle.precondition).toEqual([
      expect.objectContaining({ condition, error_message: expect.stringContaining('calendar date') }),
    ]);
    const own = record.input.guards.find((g: any) => g.address.startsWith('terraform_data.'));
    expect(own.preconditions).toEqual([condition.replace(/\$\{/g, () => '$${')]);
    expect(record.input.exemptions[0]).toMatchObject({
      rule_id: 'AOAI-IAM-001',
      expires_on: '${var.opt_out_expiry}',
    });
  });

  test('AOAI-CHK-003 accepts it and the opt-out applies', () => {
    expect(findings(json, 'AOAI-CHK-003').map((f) => f.status)).toEqual(['compliant']);
    expect(findings(json, 'AOAI-IAM-001').map((f) => f.status)).toEqual(['suppressed']);
    expect(findings(json, 'AOAI-CHK-004').filter((f) => f.status === 'non-compliant')).toEqual([]);
  });

  test('a guard for another expression does not stand for this one', () => {
    const copy = structuredClone(json);
    const { record: r } = guardedParts(copy);
    r.input.exemptions[0].expires_on = '${var.other_expiry}';
    const chk = findings(copy, 'AOAI-CHK-003').filter((f) => f.status === 'non-compliant');
    expect(chk.map((f) => f.message).join('\n')).toMatch(
      /is a reference, and no precondition of this record/,
    );
    expect(findings(copy, 'AOAI-IAM-001').map((f) => f.status)).toEqual(['non-compliant']);
  });

  test('a plan does not carry lifecycle blocks: an expiry still unknown there is refused', () => {
    // The guard can only be seen in Terraform JSON; a plan shows the resolved date (judged as a literal).
    const plan = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            {
              address: 'terraform_data.record',
              type: 'terraform_data',
              name: 'record',
              mode: 'managed',
              values: { input: { ...record.input } },
            },
          ],
        },
      },
    };
    const chk = findings(plan, 'AOAI-CHK-003').filter((f) => f.status === 'non-compliant');
    expect(chk.length).toBeGreaterThan(0);
  });

  test('a literal expiry writes no precondition and keeps its calendar check', () => {
    const stack = newStack();
    new OpenAIAccount(stack, 'Account', {
      name: 'aoai-literal',
      resourceGroupName: 'rg',
      location: 'swedencentral',
      localAuthOptOut: { reason: 'legacy batch client until its migration', expiresOn: '2099-12-31' },
    });
    const literal = JSON.parse(Testing.synth(stack));
    const { record: r } = guardedParts(literal);
    expect(r.lifecycle).toBeUndefined();
    expect(findings(literal, 'AOAI-CHK-003').map((f) => f.status)).toEqual(['compliant']);
    r.input.exemptions[0].expires_on = '2099-02-30';
    expect(findings(literal, 'AOAI-CHK-003').map((f) => f.status)).toEqual(['non-compliant']);
  });
});

describe('a workspace retention by reference', () => {
  const json = guardedReferencesJson();
  const { record, workspace } = guardedParts(json);

  test('the workspace carries a precondition on the real value, listed as a guard', () => {
    const condition = retentionGuardCondition('${var.retention_days}');
    expect(condition).toBe('${tonumber("${var.retention_days}") >= 365}');
    expect(workspace.retention_in_days).toBe('${var.retention_days}');
    expect(workspace.lifecycle.precondition).toEqual([
      expect.objectContaining({ condition, error_message: expect.stringContaining('365') }),
    ]);
    const guard = record.input.guards.find((g: any) =>
      g.address.startsWith('azurerm_log_analytics_workspace.'),
    );
    expect(guard.preconditions).toEqual([condition.replace(/\$\{/g, () => '$${')]);
  });

  test('AOAI-MON-002 accepts it while the guard stands', () => {
    const mon = findings(json, 'AOAI-MON-002');
    expect(mon.map((f) => f.status)).toEqual(['compliant']);
    expect(mon[0].message).toMatch(/checked at plan by a precondition/);
  });

  test('the guard in the lifecycle alone, not listed by the record, does not count', () => {
    const copy = structuredClone(json);
    for (const g of guardedParts(copy).record.input.guards) delete g.preconditions;
    expect(findings(copy, 'AOAI-MON-002').map((f) => f.status)).toEqual(['non-compliant']);
  });

  test('a guard removed from the workspace is also reported as a removed precondition (AOAI-CHK-004)', () => {
    const copy = structuredClone(json);
    delete guardedParts(copy).workspace.lifecycle;
    const chk = findings(copy, 'AOAI-CHK-004').filter((f) => f.status === 'non-compliant');
    expect(chk.map((f) => f.message)).toEqual([
      expect.stringMatching(/^precondition\(s\) the construct wrote were removed/),
    ]);
  });

  test('a SecurityMonitoring alone creates the record that lists its guard', () => {
    const stack = newStack();
    const account = OpenAIAccount.fromAttributes(stack, 'Imported', {
      accountId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/aoai-x',
      customSubdomainName: 'aoai-x',
      location: 'swedencentral',
    });
    const days = new TerraformVariable(stack, 'days', { type: 'number' }).numberValue;
    new SecurityMonitoring(stack, 'Mon', { account, resourceGroupName: 'rg', retentionInDays: days });
    const alone = JSON.parse(Testing.synth(stack));
    expect(findings(alone, 'AOAI-MON-002').map((f) => f.status)).toEqual(['compliant']);
  });
});

describe('receivers by reference (e-mail addresses, webhooks)', () => {
  const json = guardedReferencesJson();
  const { record, groups } = guardedParts(json);
  const listed = (address: string) =>
    record.input.guards.find((g: any) => g.address === address)?.preconditions ?? [];
  const escaped = (c: string) => c.replace(/\$\{/g, () => '$${');

  test('each action group carries a precondition on the values it takes by reference, listed as a guard', () => {
    const email = patternGuardCondition(EMAIL_GUARD_PATTERN, '${var.security_email}');
    const hook = patternGuardCondition(HTTPS_GUARD_PATTERN, '${var.security_webhook}');
    expect(email).toBe(
      '${can(regex("^[^@[:space:]]+@[^@[:space:]]+[.][A-Za-z]{2,}$", "${var.security_email}"))}',
    );
    expect(groups.security.lifecycle.precondition.map((p: any) => p.condition)).toEqual([email, hook]);
    expect(groups.security.lifecycle.precondition[0].error_message).toBe(
      'Hardening: test/Monitoring: securityTeam.emailAddresses must be e-mail addresses such as secops@contoso.com: an alert sent anywhere else reaches nobody.',
    );
    // A whole list is guarded over what its dynamic block iterates.
    const finops = listPatternGuardCondition(EMAIL_GUARD_PATTERN, '${toset(var.finops_emails)}');
    expect(groups.finops.dynamic.email_receiver.for_each).toBe('${toset(var.finops_emails)}');
    expect(groups.finops.lifecycle.precondition.map((p: any) => p.condition)).toEqual([finops]);
    const change = listPatternGuardCondition(HTTPS_GUARD_PATTERN, '${toset(var.change_webhooks)}');
    expect(groups.change.lifecycle.precondition.map((p: any) => p.condition)).toEqual([change]);
    for (const [group, conditions] of [
      [groups.security, [email, hook]],
      [groups.finops, [finops]],
      [groups.change, [change]],
    ] as const) {
      const address = Object.entries<any>(json.resource.azurerm_monitor_action_group).find(
        ([, g]) => g === group,
      )![0];
      expect(listed(`azurerm_monitor_action_group.${address}`)).toEqual(conditions.map(escaped));
    }
  });

  test('AOAI-MON-012 and AOAI-MON-014 accept them while the guards stand', () => {
    expect(findings(json, 'AOAI-MON-014').map((f) => f.status)).toEqual([
      'compliant',
      'compliant',
      'compliant',
    ]);
    const groupFindings = findings(json, 'AOAI-MON-012').filter((f) =>
      f.address?.startsWith('azurerm_monitor_action_group.'),
    );
    expect(groupFindings.map((f) => f.status)).toEqual(['compliant', 'compliant', 'compliant']);
  });

  test('without the guards the checklist cannot call them compliant', () => {
    const copy = structuredClone(json);
    for (const g of Object.values<any>(copy.resource.azurerm_monitor_action_group)) delete g.lifecycle;
    const mon014 = findings(copy, 'AOAI-MON-014').filter((f) => f.status === 'non-compliant');
    expect(mon014.map((f) => f.message)).toEqual([
      'cannot verify an e-mail receiver is an address: it is not a literal, and no precondition checks it at plan',
      'cannot verify an e-mail receiver is an address: it is not a literal, and no precondition checks it at plan',
    ]);
    const mon012 = findings(copy, 'AOAI-MON-012').filter((f) => f.status === 'non-compliant');
    expect(mon012.map((f) => f.message)).toEqual([
      'cannot verify a receiver URL is HTTPS: it is not a literal, and no precondition checks it at plan',
      'cannot verify a receiver URL is HTTPS: it is not a literal, and no precondition checks it at plan',
    ]);
  });

  test('a literal that is no address is refused at synth; on a plan the resolved value is judged', () => {
    const stack = newStack();
    expect(
      () =>
        new HardenedAzureOpenAI(stack, 'AOAI', {
          account: { name: 'aoai-mail', resourceGroupName: 'rg', location: 'swedencentral' },
          privateNetworkingOptOut: { reason: 'test of the monitoring input only' },
          monitoring: { securityTeam: { emailAddresses: ['nobody'] } },
        }),
    ).toThrow(
      'test/AOAI: monitoring.securityTeam.emailAddresses[0]: invalid value "nobody". Use an e-mail address such as secops@contoso.com.',
    );
    const group = (email: string) => ({
      address: 'azurerm_monitor_action_group.sec',
      type: 'azurerm_monitor_action_group',
      name: 'sec',
      mode: 'managed',
      values: { name: 'ag-sec', email_receiver: [{ name: 'Security team 1', email_address: email }] },
    });
    const plan = (email: string) => ({
      format_version: '1.2',
      planned_values: { root_module: { resources: [...accountOnlyPlanResources(), group(email)] } },
    });
    const status = (email: string) => findings(plan(email), 'AOAI-MON-014').map((f) => [f.status, f.message]);
    expect(status('nobody')).toEqual([
      ['non-compliant', 'an e-mail receiver is not an e-mail address: its alerts reach nobody'],
    ]);
    expect(status('secops@contoso.com')).toEqual([['compliant', 'receivers: email_receiver']]);
  });
});

/** A minimal plan account, so the monitoring rules apply. */
function accountOnlyPlanResources() {
  return [
    {
      address: 'azurerm_cognitive_account.aoai',
      type: 'azurerm_cognitive_account',
      name: 'aoai',
      mode: 'managed',
      values: { name: 'aoai-x', kind: 'OpenAI' },
    },
  ];
}
