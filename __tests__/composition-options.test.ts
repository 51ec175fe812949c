// The composition exposes every phase option (issue 26): a user never rebuilds the stack from phase constructs to
// reach one. The type-level checks below fail `npm test`'s type-check when a phase gains a prop the composition's
// options lack; the runtime test shows the options reach the phase.
import {
  ContentFilterPolicyProps,
  HardenedAzureOpenAI,
  HardenedContentFilterOptions,
  HardenedIdentityOptions,
  HardenedMonitoringOptions,
  HardenedNetworkingOptions,
  IdentityLockdownProps,
  PrivateNetworkingProps,
  SecurityMonitoringProps,
} from '../lib';
import { newStack, onlyResource, synthJson } from './helpers';

/** Props of a phase the composition sets itself (the account it built, the account's tags). */
type SetByComposition = 'account' | 'tags';
/** The phase props an options interface lacks; `never` when it has them all. */
type Missing<Props, Options> = Exclude<keyof Props, keyof Options | SetByComposition>;
const complete = <M>(missing: [M] extends [never] ? true : M) => missing;

test('every phase prop is an option of HardenedAzureOpenAI (checked by the compiler)', () => {
  // A prop missing from an options interface turns `true` into a type error naming it.
  expect([
    complete<Missing<PrivateNetworkingProps, HardenedNetworkingOptions>>(true),
    complete<Missing<IdentityLockdownProps, HardenedIdentityOptions>>(true),
    complete<Missing<ContentFilterPolicyProps, HardenedContentFilterOptions>>(true),
    complete<Missing<SecurityMonitoringProps, HardenedMonitoringOptions>>(true),
  ]).toEqual([true, true, true, true]);
});

test('the monitoring, identity and content-filter options reach their phase', () => {
  const stack = newStack();
  new HardenedAzureOpenAI(stack, 'AOAI', {
    account: { name: 'aoai-opts', resourceGroupName: 'rg-aoai', location: 'swedencentral' },
    privateNetworkingOptOut: { reason: 'test of the other phase options only' },
    identity: { workloadIdentities: [{ name: 'id-opts' }], resourceGroupName: 'rg-identities' },
    contentFilter: { basePolicyName: 'Microsoft.Default', mode: 'Blocking' },
    monitoring: {
      resourceGroupName: 'rg-monitoring',
      workspaceName: 'log-central-opts',
      retentionInDays: 400,
      logAlertFrequency: 'PT15M',
    },
  });
  const json = synthJson(stack);
  expect(onlyResource(json, 'azurerm_log_analytics_workspace')).toMatchObject({
    name: 'log-central-opts',
    resource_group_name: 'rg-monitoring',
    retention_in_days: 400,
  });
  const rules = Object.values<any>(json.resource.azurerm_monitor_scheduled_query_rules_alert_v2);
  expect(rules.some((r) => r.evaluation_frequency === 'PT15M')).toBe(true);
  expect(rules.every((r) => r.resource_group_name === 'rg-monitoring')).toBe(true);
  expect(onlyResource(json, 'azurerm_user_assigned_identity').resource_group_name).toBe('rg-identities');
  const policy = Object.values<any>(json.resource.azapi_resource).find((r) => r.type.includes('raiPolicies'));
  expect(policy.body.properties).toMatchObject({ basePolicyName: 'Microsoft.Default', mode: 'Blocking' });
});
