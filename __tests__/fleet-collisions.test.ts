import { DEFAULT_SUBSCRIPTION, FleetCollisions, StackDocument } from '../lib/checklist/fleet-collisions';

const rg = (name: string) => ({ azurerm_resource_group: { rg: { name, location: 'swedencentral' } } });
const doc = (
  stackName: string,
  resource: any,
  provider: any = { azurerm: [{ features: [{}] }] },
): StackDocument => ({
  stackName,
  document: { provider, resource },
});

describe('FleetCollisions', () => {
  test('the same resource group name in two stacks of one subscription collides; in two subscriptions it does not', () => {
    const collisions = FleetCollisions.find([doc('dev', rg('rg-aoai')), doc('prod', rg('RG-AOAI'))]);
    expect(collisions).toEqual([
      {
        scope: DEFAULT_SUBSCRIPTION,
        type: 'Microsoft.Resources/resourceGroups',
        name: 'rg-aoai',
        claimedBy: ['dev: azurerm_resource_group.rg', 'prod: azurerm_resource_group.rg'],
      },
    ]);
    const other = { azurerm: [{ features: [{}], subscription_id: '00000000-0000-0000-0000-000000000002' }] };
    expect(FleetCollisions.find([doc('dev', rg('rg-aoai')), doc('prod', rg('rg-aoai'), other)])).toEqual([]);
  });
  test('references are followed: zones named alike in resource groups named alike collide across stacks', () => {
    const stack = (name: string) =>
      doc(name, {
        ...rg(`rg-${name}`),
        azurerm_private_dns_zone: {
          z: {
            name: 'privatelink.openai.azure.com',
            resource_group_name: '${azurerm_resource_group.rg.name}',
          },
        },
      });
    expect(FleetCollisions.find([stack('a'), stack('b')])).toEqual([]);
    const shared = (name: string) =>
      doc(name, {
        azurerm_private_dns_zone: {
          z: { name: 'privatelink.openai.azure.com', resource_group_name: 'rg-net' },
        },
      });
    expect(FleetCollisions.find([shared('a'), shared('b')]).map((c) => c.type)).toEqual([
      'Microsoft.Network/privateDnsZones',
    ]);
  });
  test('a VNet linked to two zones of one name is reported (overlapping namespaces)', () => {
    const vnet =
      '/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub';
    const link = (rgName: string) => ({
      name: `link-${rgName}`,
      resource_group_name: rgName,
      private_dns_zone_name: 'privatelink.openai.azure.com',
      virtual_network_id: vnet,
    });
    const collisions = FleetCollisions.find([
      doc('dev', { azurerm_private_dns_zone_virtual_network_link: { l: link('rg-dev') } }),
      doc('prod', { azurerm_private_dns_zone_virtual_network_link: { l: link('rg-prod') } }),
    ]);
    expect(collisions.map((c) => [c.scope, c.type, c.name])).toEqual([
      [vnet.toLowerCase(), 'linked private DNS zone name', 'privatelink.openai.azure.com'],
    ]);
  });
  test('an azapi link is named within its zone, in the subscription of the zone ID', () => {
    const zone =
      '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com';
    const ids = FleetCollisions.identities([
      doc('a', {
        azapi_resource: {
          l: {
            type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01',
            parent_id: zone,
            name: 'link-a',
            body: { properties: { virtualNetwork: { id: '/subscriptions/1/x/vnet' } } },
          },
        },
      }),
    ]);
    expect(ids.map((i) => [i.scope, i.type, i.name])).toEqual([
      [zone.toLowerCase(), 'Microsoft.Network/privateDnsZones/virtualNetworkLinks', 'link-a'],
      ['/subscriptions/1/x/vnet', 'linked private DNS zone name', 'privatelink.openai.azure.com'],
    ]);
  });
  test('singletons: one Defender plan per subscription, one subscription diagnostic setting name', () => {
    const baseline = (name: string) =>
      doc(name, {
        azurerm_security_center_subscription_pricing: { p: { resource_type: 'AI', tier: 'Standard' } },
        azurerm_monitor_diagnostic_setting: {
          d: { name: 'aoai-activity-log', target_resource_id: '${data.azurerm_subscription.s.id}' },
        },
      });
    const withData = (d: StackDocument) => ({
      ...d,
      document: { ...d.document, data: { azurerm_subscription: { s: {} } } },
    });
    const types = FleetCollisions.find([withData(baseline('dev')), withData(baseline('prod'))]).map(
      (c) => `${c.scope} ${c.type} ${c.name}`,
    );
    expect(types).toEqual([
      `${DEFAULT_SUBSCRIPTION} Microsoft.Insights/diagnosticSettings aoai-activity-log`,
      `${DEFAULT_SUBSCRIPTION} Microsoft.Security/pricings ai`,
    ]);
    expect(() => FleetCollisions.assertNone([withData(baseline('dev')), withData(baseline('prod'))])).toThrow(
      /2 name collision\(s\):\n- Microsoft.Insights\/diagnosticSettings "aoai-activity-log"/,
    );
  });
  test('values it cannot follow stay stack-local, so they never collide by accident', () => {
    const fn = (name: string) =>
      doc(name, { azurerm_virtual_network: { v: { name: 'vnet', resource_group_name: '${var.rg}' } } });
    expect(FleetCollisions.find([fn('a'), fn('b')])).toEqual([]);
  });
});
