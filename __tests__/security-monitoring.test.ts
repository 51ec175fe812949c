import { OpenAIAccount, SecurityMonitoring, SecurityMonitoringProps, SubscriptionCoverage } from '../lib';
import { newStack, onlyResource, resourcesOf, synthJson } from './helpers';
import { DETECTIONS } from '../lib/detections';

function build(props: Partial<SecurityMonitoringProps> = {}) {
  const stack = newStack();
  const account = new OpenAIAccount(stack, 'Account', {
    name: 'aoai-mon',
    resourceGroupName: 'rg',
    location: 'swedencentral',
  });
  new SecurityMonitoring(stack, 'Monitoring', {
    account,
    securityTeam: { emailAddresses: ['secops@contoso.com'] },
    ...props,
  });
  return synthJson(stack);
}
const ACCOUNT_ID = '${azurerm_cognitive_account.Account_0D856946.id}';

describe('diagnostics and workspace', () => {
  const json = build();
  const settings = Object.values<any>(resourcesOf(json, 'azurerm_monitor_diagnostic_setting'));
  const onAccount = settings.find((s) => s.target_resource_id === ACCOUNT_ID);
  test('workspace with 365-day retention and no shared keys', () => {
    expect(onlyResource(json, 'azurerm_log_analytics_workspace')).toMatchObject({
      retention_in_days: 365,
      sku: 'PerGB2018',
      local_authentication_enabled: false,
    });
  });
  test('account diagnostics: the allLogs group (Audit, RequestResponse, Trace, AzureOpenAIRequestUsage, ...) and AllMetrics to the workspace, no retention_policy', () => {
    // A category list misses AzureOpenAIRequestUsage (docs/field-facts.md §1.1 lists it); the group covers every category.
    expect(onAccount.enabled_log).toEqual([{ category_group: 'allLogs' }]);
    expect(onAccount.enabled_metric).toEqual([{ category: 'AllMetrics' }]);
    expect(onAccount.log_analytics_workspace_id).toMatch(/^\$\{azurerm_log_analytics_workspace\..*\.id\}$/);
    expect(JSON.stringify(onAccount)).not.toMatch(/retention_policy/);
  });
  test('by default an account stack creates no subscription singleton: no Activity Log export, no Defender plan', () => {
    // Both exist once per subscription (docs/azure-facts.md §7.1, §8): owned by every stack they collide and undo each other.
    expect(settings).toEqual([onAccount]);
    expect(resourcesOf(json, 'azurerm_security_center_subscription_pricing')).toEqual({});
  });
  test('SubscriptionCoverage.inThisStack(): the subscription Activity Log goes to the same workspace, the plan is here', () => {
    const own = build({ subscriptionCoverage: SubscriptionCoverage.inThisStack() });
    const activity = Object.values<any>(resourcesOf(own, 'azurerm_monitor_diagnostic_setting')).find(
      (s) => s.target_resource_id !== ACCOUNT_ID,
    );
    expect(activity).toMatchObject({
      name: 'diag-aoai-mon-activity-log',
      target_resource_id: expect.stringMatching(/^\$\{data\.azurerm_subscription\.[^.]+\.id\}$/),
      log_analytics_workspace_id: onAccount.log_analytics_workspace_id,
    });
    expect(activity.enabled_log.map((l: any) => l.category)).toEqual([
      'Administrative',
      'Security',
      'Policy',
      'Alert',
    ]);
    expect(resourcesOf(own, 'azurerm_security_center_subscription_pricing')).toEqual({});
    expect(
      Object.values<any>(resourcesOf(own, 'azapi_update_resource')).find((r) =>
        /^Microsoft\.Security\/pricings@/.test(r.type),
      ).body,
    ).toEqual({ properties: { pricingTier: 'Standard' } });
  });
  test('a declared coverage is written for the checklist and creates nothing subscription-wide', () => {
    const declared = build({
      subscriptionCoverage: SubscriptionCoverage.byBaselineStackName('aoai-subscription'),
    });
    expect(Object.values<any>(resourcesOf(declared, 'terraform_data')).map((r) => r.input)).toEqual([
      {
        kind: 'aoai-subscription-coverage',
        covered_by: 'baseline-stack',
        baseline_stack: 'aoai-subscription',
      },
    ]);
    expect(resourcesOf(declared, 'azurerm_security_center_subscription_pricing')).toEqual({});
    expect(() => SubscriptionCoverage.managedElsewhere('n/a')).toThrow(
      /managedElsewhere: invalid value "n\/a"/,
    );
  });
});

describe('detections and alerts', () => {
  // The Activity Log goes to this workspace: the AzureActivity detections run here as log alerts.
  const json = build({ subscriptionCoverage: SubscriptionCoverage.inThisStack() });
  const rules = Object.values<any>(resourcesOf(json, 'azurerm_monitor_scheduled_query_rules_alert_v2'));
  const rule = (key: string) => rules.find((r) => r.name === `aoai-mon-${key}`);
  const groups = Object.entries<any>(resourcesOf(json, 'azurerm_monitor_action_group'));
  const groupRef = (key: string) =>
    `\${azurerm_monitor_action_group.${groups.find(([, g]) => g.name === `ag-aoai-mon-${key}`)![0]}.id}`;
  test.each([
    ['high-request-rate', 2, 'PT5M', 'PT5M', ['security']],
    ['api-key-auth', 3, 'PT5M', 'PT5M', ['security']],
    ['deployment-change', 3, 'PT5M', 'PT5M', ['change']],
    ['rbac-denied', 3, 'PT15M', 'PT15M', ['security']],
    ['new-caller-ip', 4, 'PT1H', 'PT1H', []],
  ])('%s: severity %i, every %s over %s, action groups %j', (key, severity, frequency, window, audiences) => {
    const r = rule(key);
    const d = DETECTIONS.find((x) => x.key === key)!;
    expect(r).toMatchObject({
      severity,
      evaluation_frequency: frequency,
      window_duration: window,
      scopes: [expect.stringMatching(/azurerm_log_analytics_workspace/)],
    });
    expect(r.criteria).toEqual([
      {
        query: d.query,
        time_aggregation_method: 'Count',
        operator: 'GreaterThan',
        threshold: 0,
        failing_periods: { minimum_failing_periods_to_trigger_alert: 1, number_of_evaluation_periods: 1 },
      },
    ]);
    expect(r.action?.action_groups ?? []).toEqual((audiences as string[]).map(groupRef));
  });
  test("query thresholds match the guide's table", () => {
    expect(rule('high-request-rate').criteria[0].query).toMatch(/where RequestCount > 50/);
    // No log detection for the content filter: no record carries a filter outcome (docs/field-facts.md §1.6).
    expect(rule('content-filter-hits')).toBeUndefined();
    expect(rule('new-caller-ip').query_time_range_override).toBe('P2D');
    expect(JSON.stringify(rules)).not.toMatch(/toint\(properties_s\)/);
  });
  test('metric alerts: token consumption over 500K an hour (Sev 2) and filter volume over 20 in 5 minutes (Sev 2)', () => {
    const alerts = Object.values<any>(resourcesOf(json, 'azurerm_monitor_metric_alert'));
    const tokens = alerts.find((a) => a.criteria[0].metric_name === 'TokenTransaction');
    expect(tokens).toMatchObject({
      severity: 2,
      window_size: 'PT1H',
      frequency: 'PT15M',
      scopes: [ACCOUNT_ID],
    });
    expect(tokens.criteria[0]).toMatchObject({
      aggregation: 'Total',
      operator: 'GreaterThan',
      threshold: 500000,
      metric_namespace: 'Microsoft.CognitiveServices/accounts',
    });
    expect(tokens.action.map((a: any) => a.action_group_id).sort()).toEqual(
      [groupRef('security'), groupRef('finops')].sort(),
    );
    const rai = alerts.find((a) => a.criteria[0].metric_name === 'RAIRejectedRequests');
    expect(rai).toMatchObject({ severity: 2, window_size: 'PT5M' });
    expect(rai.criteria[0].threshold).toBe(20);
  });
  test('activity log alert on account, deployment, filter, Defender and access changes to change management', () => {
    const alert = onlyResource(json, 'azurerm_monitor_activity_log_alert');
    expect(alert).toMatchObject({ location: 'global', scopes: [ACCOUNT_ID] });
    expect(alert.criteria.category).toBe('Administrative');
    // accounts/write (public access or key auth back on), blocklist items, the Defender setting and role
    // assignments were missing (operation names: docs/azure-facts.md §7.7).
    expect(alert.criteria.resource_types).toEqual(
      expect.arrayContaining([
        'Microsoft.CognitiveServices/accounts',
        'Microsoft.CognitiveServices/accounts/deployments',
        'Microsoft.CognitiveServices/accounts/raiPolicies',
        'Microsoft.CognitiveServices/accounts/raiBlocklists',
        'Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems',
        'Microsoft.CognitiveServices/accounts/defenderForAISettings',
        'Microsoft.Authorization/roleAssignments',
      ]),
    );
    expect(alert.action).toEqual([{ action_group_id: groupRef('change') }]);
    // One notice per completed change: without a status filter it also fires on every Start.
    expect(alert.criteria.status).toBe('Succeeded');
  });
  test('high-request-rate counts over the whole window, not per 5-minute bin (a burst across a bin edge counts)', () => {
    const query = rule('high-request-rate').criteria[0].query;
    expect(query).toMatch(/\| summarize RequestCount = count\(\) by CallerIPAddress\n/);
    expect(query).not.toMatch(/bin\(/);
  });
  test('the content filter is watched through RAIRejectedRequests and RAIHarmfulRequests, never BlockedCalls', () => {
    const alerts = Object.values<any>(resourcesOf(json, 'azurerm_monitor_metric_alert'));
    const metrics = alerts.map((a) => a.criteria[0].metric_name);
    expect(metrics).toEqual(expect.arrayContaining(['RAIRejectedRequests', 'RAIHarmfulRequests']));
    // BlockedCalls counts calls over rate or quota limits (docs/field-facts.md §2, LEARN-METRICS).
    expect(metrics).not.toContain('BlockedCalls');
  });
  test('action groups with short names within 12 characters and the given receivers', () => {
    expect(groups.map(([, g]) => g.short_name).sort()).toEqual(['aoai-change', 'aoai-finops', 'aoai-sec']);
    expect(groups.find(([, g]) => g.short_name === 'aoai-sec')![1].email_receiver).toEqual([
      { name: 'Security team 1', email_address: 'secops@contoso.com', use_common_alert_schema: true },
    ]);
  });
});

describe('ARM events are watched where their rows are', () => {
  // With the Activity Log exported by a baseline stack or the platform, AzureActivity rows are in that workspace,
  // not the account's: the two AzureActivity detections become activity log alerts on the account (no export).
  const declared = [
    SubscriptionCoverage.byBaselineStackName('aoai-subscription'),
    SubscriptionCoverage.managedElsewhere('the platform exports the Activity Log to Sentinel'),
    undefined,
  ];
  test.each(declared.map((c) => [c?.mode ?? 'none', c]))(
    'coverage %s: no AzureActivity log alert on the account workspace; activity log alerts with a status filter instead',
    (_mode, coverage) => {
      const json = build({ subscriptionCoverage: coverage as SubscriptionCoverage | undefined });
      const queries = Object.values<any>(
        resourcesOf(json, 'azurerm_monitor_scheduled_query_rules_alert_v2'),
      ).map((r) => r.criteria[0].query);
      expect(queries.filter((q) => /AzureActivity/.test(q))).toEqual([]);
      expect(queries).toHaveLength(DETECTIONS.filter((d) => !d.readsActivityLog).length);
      const alerts = Object.values<any>(resourcesOf(json, 'azurerm_monitor_activity_log_alert')).sort(
        (a, b) => a.name.localeCompare(b.name),
      );
      expect(
        alerts.map((a) => [a.name, a.scopes, a.criteria.category, a.criteria.status, a.criteria.sub_status]),
      ).toEqual([
        ['aoai-mon-config-change', [ACCOUNT_ID], 'Administrative', 'Succeeded', undefined],
        ['aoai-mon-rbac-denied', [ACCOUNT_ID], 'Administrative', 'Failed', 'Forbidden'],
      ]);
    },
  );
  test('with the Activity Log in this workspace, the log detections run and no second rbac alert is added', () => {
    const json = build({ subscriptionCoverage: SubscriptionCoverage.inThisStack() });
    const alerts = Object.values<any>(resourcesOf(json, 'azurerm_monitor_activity_log_alert'));
    expect(alerts.map((a) => a.name)).toEqual(['aoai-mon-config-change']);
  });
});

describe('Defender for AI', () => {
  test('the account setting Enabled (the plan belongs to the subscription baseline)', () => {
    const json = build();
    // An update, not a resource: the setting has no DELETE and a Default instance exists on every account
    // (REST 2025-06-01, docs/azure-facts.md §8), so azapi_resource would fail to destroy and conflict on create.
    expect(
      Object.values<any>(resourcesOf(json, 'azapi_resource')).filter((r) =>
        /defenderForAISettings/.test(r.type),
      ),
    ).toEqual([]);
    const setting = Object.values<any>(resourcesOf(json, 'azapi_update_resource')).find((r) =>
      /defenderForAISettings/.test(r.type),
    );
    expect(setting).toMatchObject({
      type: 'Microsoft.CognitiveServices/accounts/defenderForAISettings@2025-06-01',
      name: 'Default',
      parent_id: ACCOUNT_ID,
      body: { properties: { state: 'Enabled' } },
    });
  });
  test('turning it off needs a reason, and is recorded', () => {
    expect(() => build({ defenderForAI: false })).toThrow(
      /defenderForAI: invalid value false.*defenderForAIOptOut/,
    );
    const json = build({
      defenderForAI: false,
      defenderForAIOptOut: { reason: 'covered by the group-wide Defender plan' },
    });
    expect(resourcesOf(json, 'azurerm_security_center_subscription_pricing')).toEqual({});
    expect(onlyResource(json, 'terraform_data').input.exemptions[0]).toMatchObject({
      rule_id: 'AOAI-MON-011',
    });
  });
});

describe('bad input', () => {
  test.each([
    [
      'an action group short name over 12 characters',
      { securityTeam: { shortName: 'security-operations' } },
      /securityTeam.shortName: invalid value "security-operations". Use 1-12 characters/,
    ],
    [
      'an invalid e-mail receiver',
      { finOps: { emailAddresses: ['finops-at-contoso'] } },
      /finOps.emailAddresses\[0\]: invalid value "finops-at-contoso"/,
    ],
    [
      'a frequency Azure does not accept',
      { logAlertFrequency: 'PT7M' },
      /logAlertFrequency: invalid value "PT7M". Use one of: PT1M, PT5M/,
    ],
    [
      'a workspace ID that is not a workspace ID',
      {
        existingWorkspaceId:
          '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/x',
      },
      /existingWorkspaceId: .*Microsoft.OperationalInsights\/workspaces resource ID/,
    ],
    ['retention below a year', { retentionInDays: 90 }, /retentionInDays: invalid value 90/],
    [
      'a clear-text webhook',
      { changeManagement: { webhookUris: ['http://itsm.example.com/hook'] } },
      /changeManagement.webhookUris\[0\]/,
    ],
  ])('%s', (_l, props, message) =>
    expect(() => build(props as Partial<SecurityMonitoringProps>)).toThrow(message),
  );
});
