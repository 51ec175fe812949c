// What the estate model reproduces besides refusals (tools/tf-stub/README.md, "Estate model"): stacks share one
// fake ARM (a second stack sees the first's resources; deletes cascade to children and are seen by the next
// refresh), and the provider behaviours the constructs must survive: destroying
// azurerm_security_center_subscription_pricing sets the plan to Free, azurerm_subnet sends its
// private_endpoint_network_policies again over another writer's patch, azurerm purges a destroyed account.
import { BEHAVIOURS, Estate, flat } from './estate';
import { Scratch, TfResult } from './tf';

// The scenarios are independent estates: run side by side (each is a chain of three or four Terraform runs, each
// a few seconds; the timeout leaves room for a machine shared with other work).
const TIMEOUT = 600000;

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
const RG = `${SUB}/resourceGroups/rg-estate`;
const VNET = `${RG}/providers/Microsoft.Network/virtualNetworks/vnet-estate`;
const azurerm = { source: 'azurerm', version: '4.55.0' };
const azapi = { source: 'Azure/azapi', version: '2.5.0' };
const tf = (resource: any, features: any = {}) => ({
  terraform: { required_providers: { azurerm, ...(resource.azapi_update_resource ? { azapi } : {}) } },
  provider: {
    azurerm: [{ features: [features] }],
    ...(resource.azapi_update_resource ? { azapi: [{}] } : {}),
  },
  resource,
});
const rg = { name: 'rg-estate', location: 'swedencentral' };
const vnet = {
  name: 'vnet-estate',
  location: 'swedencentral',
  resource_group_name: '${azurerm_resource_group.rg.name}',
  address_space: ['10.70.0.0/16'],
};

function ok(r: TfResult): TfResult {
  if (r.code !== 0) throw new Error(r.output);
  return r;
}

test('the model lists exactly the behaviours this file shows', () => {
  expect(Object.keys(BEHAVIOURS).sort()).toEqual([
    'CascadeDelete',
    'PricingDeleteSetsFree',
    'SubnetResendsPrivateEndpointNetworkPolicies',
  ]);
});

test.concurrent(
  "PricingDeleteSetsFree: destroying the pricing resource turns the whole subscription's plan to Free",
  async () => {
    const e = Estate.create(scratch, 'pricing');
    const config = tf({
      azurerm_security_center_subscription_pricing: { ai: { tier: 'Standard', resource_type: 'AI' } },
    });
    ok(await e.apply('defender', config));
    expect(e.resource(`${SUB}/providers/Microsoft.Security/pricings/AI`)?.properties.pricingTier).toBe(
      'Standard',
    );
    ok(await e.destroy('defender', config));
    // The plan still exists (every plan does), now Free: the platform's Defender for AI is off.
    expect(e.resource(`${SUB}/providers/Microsoft.Security/pricings/AI`)?.properties.pricingTier).toBe(
      'Free',
    );
  },
  TIMEOUT,
);

test.concurrent(
  "SubnetResendsPrivateEndpointNetworkPolicies: the network team's next apply undoes another stack's patch",
  async () => {
    const e = Estate.create(scratch, 'subnet-policies');
    const subnetId = `${VNET}/subnets/snet-pe`;
    const network = tf({
      azurerm_resource_group: { rg },
      azurerm_virtual_network: { v: vnet },
      // private_endpoint_network_policies unset: azurerm sends its default, Disabled.
      azurerm_subnet: {
        pe: {
          name: 'snet-pe',
          resource_group_name: '${azurerm_resource_group.rg.name}',
          virtual_network_name: '${azurerm_virtual_network.v.name}',
          address_prefixes: ['10.70.1.0/24'],
        },
      },
    });
    const patch = tf({
      azapi_update_resource: {
        pe: {
          type: 'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
          resource_id: subnetId,
          body: { properties: { privateEndpointNetworkPolicies: 'Enabled' } },
        },
      },
    });
    ok(await e.apply('network', network));
    expect(e.resource(subnetId)?.properties.privateEndpointNetworkPolicies).toBe('Disabled');
    ok(await e.apply('patch', patch));
    expect(e.resource(subnetId)?.properties.privateEndpointNetworkPolicies).toBe('Enabled');
    // Nothing changed in the network stack's configuration; its refresh reads Enabled and it plans Disabled again.
    const again = ok(await e.apply('network', network));
    expect(flat(again)).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
    expect(flat(again)).toContain('~ private_endpoint_network_policies = "Enabled" -> "Disabled"');
    expect(e.resource(subnetId)?.properties.privateEndpointNetworkPolicies).toBe('Disabled');
  },
  TIMEOUT,
);

test.concurrent(
  "CascadeDelete: destroying a zone deletes the link another stack made in it, and that stack's refresh sees it gone",
  async () => {
    const e = Estate.create(scratch, 'cascade');
    const zoneId = `${RG}/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com`;
    const platform = tf({
      azurerm_resource_group: { rg },
      azurerm_virtual_network: { v: vnet },
      azurerm_private_dns_zone: {
        z: { name: 'privatelink.openai.azure.com', resource_group_name: '${azurerm_resource_group.rg.name}' },
      },
    });
    const link = tf({
      azurerm_private_dns_zone_virtual_network_link: {
        l: {
          name: 'link-app',
          resource_group_name: 'rg-estate',
          private_dns_zone_name: 'privatelink.openai.azure.com',
          virtual_network_id: VNET,
        },
      },
    });
    ok(await e.apply('platform', platform));
    // The second stack sees the first's zone and VNet (it would be refused, ReferencedResourceNotFound, otherwise).
    ok(await e.apply('app', link));
    expect(e.resource(`${zoneId}/virtualNetworkLinks/link-app`)?.properties.virtualNetwork.id).toBe(VNET);
    // The platform destroys its zone (the VNet too): the app's link goes with it.
    ok(await e.destroy('platform', platform));
    expect(e.resource(zoneId)).toBeUndefined();
    expect(e.resource(`${zoneId}/virtualNetworkLinks/link-app`)).toBeUndefined();
    expect(Object.keys(e.document().resources)).toEqual([]);
    // The app stack's next run refreshes, finds the link gone, and cannot re-create it without the zone.
    const again = await e.apply('app', link);
    expect(again.code).toBe(1);
    expect(flat(again)).toContain('# azurerm_private_dns_zone_virtual_network_link.l will be created');
    expect(flat(again)).toContain('Error: Estate constraint ReferencedResourceNotFound: private DNS zone');
  },
  TIMEOUT,
);

test.concurrent(
  'AccountSoftDeleted needs purge off: azurerm purges a destroyed account by default, so the name is free at once',
  async () => {
    const e = Estate.create(scratch, 'purge');
    e.setClock('2026-12-01T08:00:00Z');
    const config = tf({
      azurerm_resource_group: { rg },
      azurerm_cognitive_account: {
        a: {
          name: 'aoai-purged',
          location: 'swedencentral',
          resource_group_name: '${azurerm_resource_group.rg.name}',
          kind: 'OpenAI',
          sku_name: 'S0',
          public_network_access_enabled: false,
        },
      },
    });
    ok(await e.apply('aoai', config));
    ok(await e.destroy('aoai', config));
    expect(e.document().softDeleted).toEqual({});
    ok(await e.apply('aoai', config));
  },
  TIMEOUT,
);
