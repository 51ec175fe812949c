/**
 * The reference app's fleet configuration (stacks/config.ts): names derive from each entry's environment and
 * location instead of being inherited from the built-in dev stack, a `subscription` entry owns each subscription's
 * singletons, and every mistake (a missing environment, two entries claiming one name, a subscription covered
 * twice or not at all, an unknown setting) is refused with the entry, the field and the fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigError, DEFAULT_CONFIG, loadAppConfig, loadStackConfigs } from '../stacks/config';

const FLEET = join(__dirname, 'fixtures', 'fleet.json');
const dir = mkdtempSync(join(tmpdir(), 'aoai-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** Load a config file holding `entries`. */
function load(entries: unknown) {
  const file = join(dir, `config-${files++}.json`);
  writeFileSync(file, JSON.stringify(entries));
  return loadAppConfig(file);
}
function refused(entries: unknown): string {
  try {
    load(entries);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('the fleet fixture: dev and prod in one subscription and region, prod in a second region', () => {
  const { subscriptions, stacks } = loadAppConfig(FLEET);

  test('one subscription baseline and three account stacks, named by environment and location', () => {
    expect(subscriptions.map((s) => [s.stackName, s.namePrefix, s.resourceGroupName])).toEqual([
      ['aoai-subscription', 'aoai-platform', 'rg-aoai-platform'],
    ]);
    expect(stacks.map((s) => [s.stackName, s.accountName, s.resourceGroupName, s.network.vnetName])).toEqual([
      [
        'aoai-dev-swedencentral',
        'aoai-dev-swedencentral',
        'rg-aoai-dev-swedencentral',
        'vnet-aoai-dev-swedencentral',
      ],
      [
        'aoai-prod-swedencentral',
        'aoai-prod-swedencentral',
        'rg-aoai-prod-swedencentral',
        'vnet-aoai-prod-swedencentral',
      ],
      [
        'aoai-prod-francecentral',
        'aoai-prod-francecentral',
        'rg-aoai-prod-francecentral',
        'vnet-aoai-prod-francecentral',
      ],
    ]);
  });
  test('no entry inherits the built-in dev names, identities or environment tag', () => {
    for (const s of stacks) {
      expect(s.resourceGroupName).not.toBe(DEFAULT_CONFIG.resourceGroupName);
      expect(s.accountName).not.toBe(DEFAULT_CONFIG.accountName);
      expect(s.network.vnetName).not.toBe(DEFAULT_CONFIG.network.vnetName);
      expect(s.workloadIdentities).toEqual([`id-${s.stackName}-chat-app`]);
      expect(s.tags.environment).toBe(s.environment);
    }
  });
  test('every account stack is covered by the subscription entry, none creates the singletons itself', () => {
    expect(stacks.map((s) => s.subscriptionCoverage)).toEqual(
      stacks.map(() => ({ baselineStack: 'aoai-subscription' })),
    );
  });
  test('loadStackConfigs keeps returning the account stacks only', () => {
    expect(loadStackConfigs(FLEET).map((s) => s.stackName)).toEqual(stacks.map((s) => s.stackName));
  });
});

describe('coverage of each subscription', () => {
  const SUB_A = '11111111-1111-1111-1111-111111111111';
  const SUB_B = '22222222-2222-2222-2222-222222222222';

  test('a single stack in its subscription owns the singletons itself (as the built-in stack does)', () => {
    expect(load([{ environment: 'dev' }]).stacks[0].subscriptionCoverage).toEqual({ inThisStack: true });
    expect(loadAppConfig(undefined).stacks[0].subscriptionCoverage).toEqual({ inThisStack: true });
  });
  test('stacks are grouped by subscription: each subscription entry covers only its own', () => {
    const app = load([
      { subscription: {}, subscriptionId: SUB_A },
      { environment: 'dev', subscriptionId: SUB_A },
      { environment: 'prod', subscriptionId: SUB_A },
      { environment: 'prod', location: 'francecentral', subscriptionId: SUB_B },
    ]);
    expect(app.subscriptions.map((s) => s.stackName)).toEqual(['aoai-subscription-11111111']);
    expect(app.stacks.map((s) => s.subscriptionCoverage)).toEqual([
      { baselineStack: 'aoai-subscription-11111111' },
      { baselineStack: 'aoai-subscription-11111111' },
      { inThisStack: true },
    ]);
  });
  test('two stacks in one subscription with no subscription entry are refused', () => {
    expect(refused([{ environment: 'dev' }, { environment: 'prod' }])).toBe(
      'subscription (ARM_SUBSCRIPTION_ID): 2 stacks (aoai-dev-swedencentral, aoai-prod-swedencentral) and no subscription entry. ' +
        'Its Activity Log export and Defender plan exist once per subscription: add { "subscription": {} } (with "subscriptionId" when the stacks set one), ' +
        'or set subscriptionCoverage.managedElsewhere with the reason in each stack.',
    );
  });
  test('managedElsewhere with a reason is accepted instead of a subscription entry', () => {
    const reason = { managedElsewhere: 'the platform team runs the landing-zone baseline' };
    const app = load([
      { environment: 'dev', subscriptionCoverage: reason },
      { environment: 'prod', subscriptionCoverage: reason },
    ]);
    expect(app.stacks.map((s) => s.subscriptionCoverage)).toEqual([reason, reason]);
  });
  test('inThisStack beside a subscription entry or another stack is refused', () => {
    expect(
      refused([{ subscription: {} }, { environment: 'dev', subscriptionCoverage: { inThisStack: true } }]),
    ).toMatch(
      /^aoai-dev-swedencentral\.subscriptionCoverage: inThisStack, but subscription \(ARM_SUBSCRIPTION_ID\) is also covered by the subscription entry aoai-subscription/,
    );
  });
  test('two subscription entries for one subscription are refused', () => {
    expect(
      refused([
        { subscription: {} },
        { subscription: { resourceGroupName: 'rg-baseline-2' }, stackName: 'aoai-baseline-2' },
      ]),
    ).toBe(
      'subscription (ARM_SUBSCRIPTION_ID): two subscription entries (aoai-subscription, aoai-baseline-2). Keep one baseline stack per subscription.',
    );
  });
  test('a subscription entry with an existing workspace creates no resource group', () => {
    const workspace =
      '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-platform/providers/Microsoft.OperationalInsights/workspaces/log-platform';
    const app = load([{ subscription: { activityLogWorkspaceId: workspace } }, { environment: 'dev' }]);
    expect(app.subscriptions[0].activityLogWorkspaceId).toBe(workspace);
  });
});

const SPOKE =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net/providers/Microsoft.Network';
const LZ_NET = {
  virtualNetworkId: `${SPOKE}/virtualNetworks/vnet-spoke`,
  endpointSubnetId: `${SPOKE}/virtualNetworks/vnet-spoke/subnets/snet-pe`,
  networkSecurityGroupId: `${SPOKE}/networkSecurityGroups/nsg-snet-pe`,
  allowedSources: [{ name: 'aks', cidr: '10.50.8.0/22' }],
};

describe('the landing-zone fleet: a spoke the platform owns, central DNS, the Activity Log exported by the platform', () => {
  const { subscriptions, stacks } = loadAppConfig(
    join(__dirname, 'fixtures', 'estate', 'landing-zone-fleet.json'),
  );
  test('the baseline declares the existing export and names its workspace', () => {
    expect(subscriptions.map((s) => [s.stackName, s.activityLogExportManagedBy])).toEqual([
      [
        'aoai-subscription-11111111',
        'platform diagnostic setting activity-log-to-central (ALZ Deploy-AzActivity-Log)',
      ],
    ]);
    expect(subscriptions[0].activityLogWorkspaceId).toMatch(/\/workspaces\/log-platform$/);
  });
  test("each account stack adopts the platform's NSG on its own subnet and uses the hub's zones", () => {
    expect(
      stacks.map((s) => [
        s.stackName,
        s.network.existing?.endpointSubnetId.split('/').pop(),
        s.network.existing?.networkSecurityGroupId?.split('/').pop(),
        s.network.privateDnsZoneIds?.length,
      ]),
    ).toEqual([
      ['aoai-prod-swedencentral', 'snet-pe', 'nsg-snet-pe', 2],
      ['aoai-prod-eastus2', 'snet-app', 'nsg-snet-app', 2],
    ]);
  });
});

describe('config mistakes are refused with the entry, the field and the fix', () => {
  test.each<[string, unknown, RegExp]>([
    ['an empty array', [], /^AOAI_CONFIG: .* holds an empty array\. Add at least one stack entry\.$/],
    ['a non-object entry', ['dev'], /^AOAI_CONFIG\[0\]: expected an object, got "dev"\.$/],
    ['a missing environment', [{ location: 'swedencentral' }], /^AOAI_CONFIG\[0\]\.environment: missing\./],
    [
      'an environment that cannot go into a name',
      [{ environment: 'Prod EU' }],
      /^AOAI_CONFIG\[0\]\.environment: invalid value "Prod EU"\. Use 1 to 32 lower-case letters/,
    ],
    [
      'a misspelled setting',
      [{ environment: 'dev', locaton: 'westeurope' }],
      /^AOAI_CONFIG\[0\]\.locaton: unknown setting\. Known settings: .*location/,
    ],
    [
      'a misspelled subscription setting',
      [{ subscription: { workspaceId: 'x' } }],
      /^AOAI_CONFIG\[0\]\.subscription\.workspaceId: unknown setting\./,
    ],
    [
      'a subscription that is not an object',
      [{ subscription: true }],
      /^AOAI_CONFIG\[0\]\.subscription: expected an object/,
    ],
    [
      'a subscription ID that is not a GUID',
      [{ environment: 'dev', subscriptionId: 'prod-sub' }],
      /^AOAI_CONFIG\[0\]\.subscriptionId: invalid value "prod-sub"\. Use the subscription's GUID/,
    ],
    [
      'two entries for one environment and region',
      [{ subscription: {} }, { environment: 'prod' }, { environment: 'prod', location: 'swedencentral' }],
      /^AOAI_CONFIG\[2\] \(aoai-prod-swedencentral\): stack name "aoai-prod-swedencentral" is also claimed by AOAI_CONFIG\[1\] \(aoai-prod-swedencentral\)\./,
    ],
    [
      'one account name for two regions (the subdomain is global)',
      [
        { subscription: {} },
        { environment: 'prod', accountName: 'aoai-prod' },
        { environment: 'prod', location: 'francecentral', accountName: 'AOAI-PROD' },
      ],
      /^AOAI_CONFIG\[2\] \(aoai-prod-francecentral\): account name "AOAI-PROD" is also claimed by AOAI_CONFIG\[1\]/,
    ],
    [
      'one resource group for two stacks of one subscription',
      [
        { subscription: {} },
        { environment: 'dev', resourceGroupName: 'rg-aoai' },
        { environment: 'prod', resourceGroupName: 'rg-aoai' },
      ],
      /^AOAI_CONFIG\[2\] \(aoai-prod-swedencentral\): resource group in subscription \(ARM_SUBSCRIPTION_ID\) "rg-aoai" is also claimed by AOAI_CONFIG\[1\]/,
    ],
    [
      'a setting of the wrong type (a string where a list belongs)',
      [{ environment: 'dev', network: { appSubnetCidrs: '10.20.2.0/24' } }],
      /^AOAI_CONFIG\[0\]\.network\.appSubnetCidrs: expected a list of strings, got "10\.20\.2\.0\/24"\.$/,
    ],
    [
      'a flag given as a string',
      [{ environment: 'dev', deletionProtection: 'yes' }],
      /^AOAI_CONFIG\[0\]\.deletionProtection: expected true or false, got "yes"\.$/,
    ],
    [
      'a deployment capacity given as a string',
      [
        {
          environment: 'dev',
          deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06', capacity: '10' }],
        },
      ],
      /^AOAI_CONFIG\[0\]\.deployments\[0\]\.capacity: expected a number, got "10"\.$/,
    ],
    [
      'a tag that is not a string',
      [{ environment: 'dev', tags: { costCenter: 42 } }],
      /^AOAI_CONFIG\[0\]\.tags: expected an object of string values/,
    ],
    [
      'a misspelled backend setting',
      [{ environment: 'dev', backend: { type: 'local', path: 'state.tfstate' } }],
      /^AOAI_CONFIG\[0\]\.backend\.path: unknown setting\. Known settings: containerName, /,
    ],
    [
      'a stack name cdktf cannot use',
      [{ environment: 'dev', stackName: 'Prod EU' }],
      /^AOAI_CONFIG\[0\]\.stackName: invalid value "Prod EU"\. Use letters, digits, hyphens and underscores/,
    ],
    [
      'inThisStack: false (no coverage at all)',
      [{ environment: 'dev', subscriptionCoverage: { inThisStack: false } }],
      /^aoai-dev-swedencentral\.subscriptionCoverage\.inThisStack: false is not a coverage\./,
    ],
    [
      'a baselineStack other than the subscription entry of the file',
      [
        { subscription: {} },
        { environment: 'dev', subscriptionCoverage: { baselineStack: 'aoai-baseline-old' } },
      ],
      /^aoai-dev-swedencentral\.subscriptionCoverage\.baselineStack: invalid value "aoai-baseline-old": subscription \(ARM_SUBSCRIPTION_ID\)'s baseline in this file is aoai-subscription\./,
    ],
    [
      'an existing network beside a new network setting',
      [{ environment: 'prod', network: { existing: LZ_NET, addressSpace: '10.9.0.0/16' } }],
      /^AOAI_CONFIG\[0\]\.network: existing and addressSpace given together\. Give network\.existing for a spoke the platform owns, or the new VNet's settings, not both\.$/,
    ],
    [
      'a misspelled existing-network setting',
      [{ environment: 'prod', network: { existing: { ...LZ_NET, nsgId: 'x' } } }],
      /^AOAI_CONFIG\[0\]\.network\.existing\.nsgId: unknown setting\. Known settings: .*networkSecurityGroupId/,
    ],
    [
      'an Activity Log export declared without the workspace it fills',
      [{ subscription: { activityLogExportManagedBy: 'platform diagnostic setting (ALZ)' } }],
      /^AOAI_CONFIG\[0\]\.subscription\.activityLogExportManagedBy: given without activityLogWorkspaceId\./,
    ],
  ])('%s', (_name, entries, message) => {
    expect(refused(entries)).toMatch(message);
  });
  test('one resource group name in two subscriptions is fine', () => {
    const app = load([
      {
        environment: 'dev',
        resourceGroupName: 'rg-aoai',
        subscriptionId: '11111111-1111-1111-1111-111111111111',
      },
      {
        environment: 'prod',
        resourceGroupName: 'rg-aoai',
        subscriptionId: '22222222-2222-2222-2222-222222222222',
      },
    ]);
    expect(app.stacks.map((s) => s.resourceGroupName)).toEqual(['rg-aoai', 'rg-aoai']);
  });
  test('an unreadable file names the file', () => {
    expect(() => loadAppConfig('/nonexistent.json')).toThrow(
      /AOAI_CONFIG: cannot read \/nonexistent.json as JSON/,
    );
  });
});
