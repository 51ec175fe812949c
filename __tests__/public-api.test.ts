// The public API is what a construct user needs (lib/index.ts). The package's plumbing stays out of it: the
// account write chain, the hardening record, the azapi version pins, naming and validation helpers.
import * as api from '../lib';
import { OpenAIAccount } from '../lib';
import { newStack } from './helpers';

test('lib/index.ts exports exactly the public API', () => {
  expect(Object.keys(api).sort()).toEqual([
    'AccountKind',
    'AccountRole',
    'AzapiProvider',
    'AzapiResource',
    'AzapiUpdateResource',
    'ContentFilterPolicy',
    'FleetCollisions',
    'HardenedAzureOpenAI',
    'HardeningChecks',
    'HardeningConfigError',
    'HardeningPhase',
    'HardeningScope',
    'HardeningSuppressions',
    'IdentityLockdown',
    'InputError',
    'ModelDeployment',
    'NamingScheme',
    'OpenAIAccount',
    'OpenAIAccountBase',
    'PrincipalType',
    'PrivateNetworking',
    'RuleIds',
    'SecurityMonitoring',
    'SubscriptionBaseline',
    'SubscriptionCoverage',
    'checkDocument',
    'checkDocuments',
  ]);
});

test.each([
  'AccountWriteStage',
  'HardeningRecord',
  'HARDENING_RECORD_KIND',
  'AZAPI_PROVIDER_VERSION_CONSTRAINT',
  'AZAPI_SCHEMA_FIRST_RELEASE',
  'NAME_LIMITS',
  'fitName',
  'nameFromResourceId',
  'FALLBACK_RAI_POLICY',
  'MIN_REASON_LENGTH',
  'STRICT_CONTENT_FILTERS',
  'SUBSCRIPTION_BASELINE_KIND',
])('plumbing %s is not exported', (name) => {
  expect(Object.keys(api)).not.toContain(name);
});

test('the account write chain is internal: underscore members (jsii @internal), no public ones', () => {
  const account = OpenAIAccount.fromAttributes(newStack(), 'Imported', {
    accountId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/aoai-x',
    customSubdomainName: 'aoai-x',
    location: 'westeurope',
  }) as any;
  for (const name of [
    'addAccountWrite',
    'accountWrites',
    'bindContentFilterPolicy',
    'provisioningDependencies',
  ]) {
    expect(name in account).toBe(false);
    expect(`_${name}` in account).toBe(true);
  }
});
