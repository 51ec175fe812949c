import { TerraformVariable } from 'cdktf';
import { newStack, onlyResource, resourcesOf, synthJson } from './helpers';
import { runChecks } from '../lib/checklist/engine';
import { loadModel } from '../lib/checklist/model';
import { HardenedAzureOpenAI } from '../lib/hardened-azure-openai';
import {
  SUBSCRIPTION_BASELINE_KIND,
  SubscriptionBaseline,
  SubscriptionBaselineProps,
  SubscriptionCoverage,
} from '../lib/subscription-baseline';

const WORKSPACE =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-platform/providers/Microsoft.OperationalInsights/workspaces/log-platform';

function build(props: Partial<SubscriptionBaselineProps> = {}) {
  const stack = newStack();
  new SubscriptionBaseline(stack, 'Baseline', {
    namePrefix: 'aoai-platform',
    activityLogWorkspaceId: WORKSPACE,
    ...props,
  });
  return synthJson(stack);
}

describe('SubscriptionBaseline', () => {
  const json = build();
  test('exports the Activity Log of the provider subscription under a derived name', () => {
    const d = onlyResource(json, 'azurerm_monitor_diagnostic_setting');
    expect(d.name).toBe('diag-aoai-platform-activity-log');
    expect(d.target_resource_id).toMatch(/^\$\{data\.azurerm_subscription\.[^.]+\.id\}$/);
    expect(d.log_analytics_workspace_id).toBe(WORKSPACE);
    expect(d.enabled_log.map((l: any) => l.category)).toEqual([
      'Administrative',
      'Security',
      'Policy',
      'Alert',
    ]);
  });
  const planOf = (j: any) =>
    Object.values<any>(resourcesOf(j, 'azapi_update_resource')).filter((r) =>
      /^Microsoft\.Security\/pricings@/.test(r.type),
    );
  test('owns the Defender for AI plan: Standard, extensions only when asked, written without Free-on-destroy', () => {
    // An update of the plan that always exists: no create conflict with a plan already Standard, and no delete
    // that sets the subscription to Free (the azurerm pricing resource does both).
    expect(resourcesOf(json, 'azurerm_security_center_subscription_pricing')).toEqual({});
    const [plan] = planOf(json);
    expect(planOf(json)).toHaveLength(1);
    expect(plan).toEqual({
      type: 'Microsoft.Security/pricings@2024-01-01',
      resource_id: expect.stringMatching(
        /^\$\{data\.azurerm_subscription\.[^.]+\.id\}\/providers\/Microsoft\.Security\/pricings\/AI$/,
      ),
      // Without requested extensions the body leaves the platform's extensions as they are.
      body: { properties: { pricingTier: 'Standard' } },
    });
    const [withEvidence] = planOf(
      build({ defenderPromptEvidence: true, defenderExtensions: ['AIModelScanner'] }),
    );
    expect(withEvidence.body.properties.extensions).toEqual([
      { name: 'AIPromptEvidence', isEnabled: 'True' },
      { name: 'AIModelScanner', isEnabled: 'True' },
    ]);
  });
  test('extensions from a whole-list reference are one HCL list of { name, isEnabled } (literal ones first)', () => {
    const stack = newStack();
    const names = new TerraformVariable(stack, 'extensions', { type: 'list(string)' }).listValue;
    new SubscriptionBaseline(stack, 'Baseline', {
      namePrefix: 'aoai-platform',
      activityLogWorkspaceId: WORKSPACE,
      defenderPromptEvidence: true,
      defenderExtensions: names,
    });
    expect(planOf(synthJson(stack))[0].body.properties.extensions).toBe(
      '${[for n in concat(["AIPromptEvidence"], var.extensions) : { name = n, isEnabled = "True" }]}',
    );
  });
  test('the checklist judges a baseline stack (it has no account)', () => {
    const report = runChecks(loadModel(json), { today: '2026-11-28' });
    const status = (id: string) => report.findings.filter((f) => f.ruleId === id).map((f) => f.status);
    expect(status('AOAI-MON-003')).toEqual(['compliant']);
    expect(status('AOAI-MON-011')).toEqual(['compliant']);
    // It has no account by design; the integrity rule accepts the baseline marker instead.
    expect(status('AOAI-CHK-001')).toEqual(['compliant']);
    expect(report.summary.errors).toBe(0);
    const weak = structuredClone(json);
    planOf(weak)[0].body.properties.pricingTier = 'Free';
    const weakReport = runChecks(loadModel(weak), { today: '2026-11-28' });
    expect(weakReport.findings.find((f) => f.ruleId === 'AOAI-MON-011')).toMatchObject({
      status: 'non-compliant',
      value: 'Free',
    });
  });
  test('turning the plan off needs a reason, recorded for AOAI-MON-011', () => {
    expect(() => build({ defenderForAI: false })).toThrow(
      /defenderForAI: invalid value false.*defenderForAIOptOut/,
    );
    const off = build({
      defenderForAI: false,
      defenderForAIOptOut: { reason: 'plan enabled by the group-wide policy' },
    });
    expect(planOf(off)).toEqual([]);
    const report = runChecks(loadModel(off), { today: '2026-11-28' });
    expect(report.findings.find((f) => f.ruleId === 'AOAI-MON-011')?.status).toBe('suppressed');
  });
  test('an Activity Log export the platform already has is declared, not written again (one setting per category and destination)', () => {
    const declared = build({
      activityLogExportManagedBy: 'ALZ policy Deploy-AzActivity-Log (activity-log-to-central)',
    });
    // No second export of the same categories to that workspace (Azure refuses it: DiagnosticCategorySinkConflict).
    expect(resourcesOf(declared, 'azurerm_monitor_diagnostic_setting')).toEqual({});
    const marker = Object.values<any>(resourcesOf(declared, 'terraform_data')).find(
      (r) => r.input.kind === SUBSCRIPTION_BASELINE_KIND,
    );
    expect(marker.input).toMatchObject({
      activity_log_exported_by: 'ALZ policy Deploy-AzActivity-Log (activity-log-to-central)',
      activity_log_workspace_id: WORKSPACE,
    });
    // The Defender plan is still written.
    expect(planOf(declared)).toHaveLength(1);
    const mon003 = (j: any) =>
      runChecks(loadModel(j), { today: '2026-11-28' }).findings.find((f) => f.ruleId === 'AOAI-MON-003')!;
    expect(mon003(declared)).toMatchObject({ status: 'compliant' });
    expect(mon003(declared).message).toMatch(
      /declared: the Activity Log already goes to .*log-platform \(exported by: ALZ policy/,
    );
    // The declaration is what passes: without its owner the baseline has no export and fails.
    const stripped = structuredClone(declared);
    Object.values<any>(resourcesOf(stripped, 'terraform_data')).forEach(
      (r) => delete r.input.activity_log_exported_by,
    );
    expect(mon003(stripped)).toMatchObject({ status: 'non-compliant' });
    // A short owner is refused at synth, naming the field and the fix.
    expect(() => build({ activityLogExportManagedBy: 'platform' })).toThrow(
      /activityLogExportManagedBy: invalid value "platform".*at least 10 characters/,
    );
  });
  test('bad input names the field', () => {
    expect(() => build({ activityLogWorkspaceId: '/subscriptions/x/resourceGroups/y' })).toThrow(
      /activityLogWorkspaceId/,
    );
    expect(() => build({ defenderExtensions: ['AIPromptEvidence'], defenderPromptEvidence: true })).toThrow(
      /defenderExtensions.*each extension once/,
    );
    expect(() => build({ namePrefix: 'Platform!' })).toThrow(/namePrefix/);
  });
});

describe('account stacks declare their subscription coverage; the checklist reports the declaration', () => {
  function accountStackReport(coverage?: SubscriptionCoverage) {
    const stack = newStack();
    new HardenedAzureOpenAI(stack, 'AOAI', {
      account: { name: 'aoai-cov', resourceGroupName: 'rg', location: 'swedencentral' },
      privateNetworkingOptOut: { reason: 'checklist test of monitoring rules only' },
      monitoring: { subscriptionCoverage: coverage },
    });
    const json = synthJson(stack);
    const report = runChecks(loadModel(json), { today: '2026-11-28' });
    const finding = (id: string) => report.findings.find((f) => f.ruleId === id)!;
    return { json, mon003: finding('AOAI-MON-003'), mon011: finding('AOAI-MON-011') };
  }
  test('no account stack holds a Defender plan or a subscription diagnostic setting unless it is the baseline', () => {
    for (const coverage of [
      undefined,
      SubscriptionCoverage.byBaselineStackName('aoai-subscription'),
      SubscriptionCoverage.managedElsewhere('the platform team enables both through Azure Policy'),
    ]) {
      const { json } = accountStackReport(coverage);
      expect(resourcesOf(json, 'azurerm_security_center_subscription_pricing')).toEqual({});
      expect(
        Object.values<any>(resourcesOf(json, 'azurerm_monitor_diagnostic_setting')).map(
          (d) => d.target_resource_id,
        ),
      ).toEqual(['${azurerm_cognitive_account.AOAI_Account_366866DC.id}']);
    }
  });
  test('a baseline stack declaration is reported, not warned about', () => {
    const { mon003, mon011 } = accountStackReport(
      SubscriptionCoverage.byBaselineStackName('aoai-subscription'),
    );
    expect([mon003.status, mon003.message]).toEqual([
      'compliant',
      'declared: covered by the baseline stack aoai-subscription',
    ]);
    expect(mon011.status).toBe('compliant');
    expect(mon011.message).toMatch(
      /covered by the baseline stack aoai-subscription; account setting Enabled/,
    );
  });
  test('"managed elsewhere" is reported with its reason', () => {
    const { mon003 } = accountStackReport(
      SubscriptionCoverage.managedElsewhere('the platform team enables both through Azure Policy'),
    );
    expect(mon003.message).toBe(
      'declared: managed outside this package (the platform team enables both through Azure Policy)',
    );
  });
  test('without a declaration the checklist fails: the plan is missing (error) and the export too (warning)', () => {
    const { mon003, mon011 } = accountStackReport(undefined);
    expect([mon003.status, mon003.severity]).toEqual(['non-compliant', 'warning']);
    expect([mon011.status, mon011.severity]).toEqual(['non-compliant', 'error']);
    expect(mon011.message).toMatch(/no subscription coverage is declared/);
  });
});
