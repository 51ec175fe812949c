import { createHash } from 'crypto';
import { AccountKind, OpenAIAccount, PrivateNetworking, PrivateNetworkingProps } from '../lib';
import { newStack, onlyResource, resourcesOf, synthJson } from './helpers';

const NEW_NET = {
  name: 'vnet-test',
  addressSpace: '10.20.0.0/16',
  endpointSubnetCidr: '10.20.1.0/24',
  appSubnetCidrs: ['10.20.2.0/24'],
  apimSubnetCidr: '10.20.3.0/24',
};
const SUB =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network';
const EXISTING = {
  virtualNetworkId: `${SUB}/virtualNetworks/vnet-spoke`,
  endpointSubnetId: `${SUB}/virtualNetworks/vnet-spoke/subnets/snet-pe`,
  allowedSources: [{ name: 'app', cidr: '10.50.2.0/24' }],
};

/**
 * The documented priority scheme (docs/landing-zone.md), written out here rather than imported: 100 + the first 32
 * bits of SHA-256(name), big-endian, mod 3900.
 */
function DERIVED(name: string): number {
  return 100 + (createHash('sha256').update(name).digest().readUInt32BE(0) % 3900);
}

function build(props: Partial<PrivateNetworkingProps>, kind = AccountKind.OPENAI) {
  const stack = newStack();
  const account = new OpenAIAccount(stack, 'Account', {
    name: 'aoai-net',
    resourceGroupName: 'rg',
    location: 'swedencentral',
    kind,
    deployments: [{ name: 'gpt', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
  });
  const net = new PrivateNetworking(stack, 'Net', { account, ...props });
  return { net, json: synthJson(stack) };
}

describe.each([
  ['OpenAI', AccountKind.OPENAI, ['privatelink.openai.azure.com', 'privatelink.cognitiveservices.azure.com']],
  [
    'AIServices',
    AccountKind.AI_SERVICES,
    [
      'privatelink.openai.azure.com',
      'privatelink.cognitiveservices.azure.com',
      'privatelink.services.ai.azure.com',
    ],
  ],
])('kind %s with a created network', (_k, kind, zones) => {
  const { net, json } = build({ newNetwork: NEW_NET }, kind as AccountKind);
  const pe = onlyResource(json, 'azurerm_private_endpoint');
  test('private endpoint: account sub-resource, auto-approved, to the account', () => {
    expect(pe.private_service_connection).toEqual({
      name: 'psc-aoai-net',
      is_manual_connection: false,
      private_connection_resource_id: '${azurerm_cognitive_account.Account_0D856946.id}',
      subresource_names: ['account'],
    });
  });
  test('DNS zone group holds every zone the kind needs; zones created', () => {
    expect(
      Object.values(resourcesOf(json, 'azurerm_private_dns_zone'))
        .map((z: any) => z.name)
        .sort(),
    ).toEqual([...zones].sort());
    expect(pe.private_dns_zone_group.private_dns_zone_ids).toHaveLength(zones.length);
    expect(net.privateDnsZoneIds).toHaveLength(zones.length);
  });
  test('each zone linked to the VNet without auto-registration', () => {
    const links = Object.values(resourcesOf(json, 'azurerm_private_dns_zone_virtual_network_link')) as any[];
    expect(links).toHaveLength(zones.length);
    for (const l of links) {
      expect(l.registration_enabled).toBe(false);
      expect(l.virtual_network_id).toBe(
        `${'$'}{azurerm_virtual_network.${Object.keys(resourcesOf(json, 'azurerm_virtual_network'))[0]}.id}`,
      );
    }
  });
  test('no hand-written A record', () =>
    expect(resourcesOf(json, 'azurerm_private_dns_a_record')).toEqual({}));
  test('endpoint depends on the deployments (Account in state Accepted race)', () => {
    expect(pe.depends_on).toContain('azurerm_cognitive_deployment.Account_Deployments_gpt_85D50644');
  });
});

describe('created network: subnets and NSG', () => {
  const { net, json } = build({ newNetwork: NEW_NET });
  const subnets = Object.values(resourcesOf(json, 'azurerm_subnet')) as any[];
  const rules = Object.values(resourcesOf(json, 'azurerm_network_security_rule')) as any[];
  const azapiSubnets = Object.entries<any>(resourcesOf(json, 'azapi_resource')).filter(([, r]) =>
    /^Microsoft\.Network\/virtualNetworks\/subnets@/.test(r.type),
  );
  const nsgs = resourcesOf(json, 'azurerm_network_security_group') as Record<string, any>;
  const nsgRef = (name: string) =>
    `${'$'}{azurerm_network_security_group.${Object.keys(nsgs).find((k) => nsgs[k].name === name)}.id}`;
  test('no azurerm_subnet and no association: every subnet is written with its NSG (Deny-Subnet-Without-Nsg)', () => {
    expect(subnets).toEqual([]);
    expect(resourcesOf(json, 'azurerm_subnet_network_security_group_association')).toEqual({});
    expect(
      azapiSubnets
        .map(([, r]) => [r.name, r.body.properties.addressPrefixes, r.body.properties.networkSecurityGroup])
        .sort(),
    ).toEqual([
      ['snet-apim', ['10.20.3.0/24'], { id: nsgRef('nsg-vnet-test-apim') }],
      ['snet-app1', ['10.20.2.0/24'], { id: nsgRef('nsg-vnet-test-app') }],
      ['snet-private-endpoints', ['10.20.1.0/24'], { id: nsgRef('nsg-aoai-net-pe') }],
    ]);
  });
  test('endpoint subnet has network policies Enabled so the NSG applies; no subnet has default outbound access', () => {
    const pe = azapiSubnets.find(([, r]) => r.name === 'snet-private-endpoints')![1];
    expect(pe.body.properties.privateEndpointNetworkPolicies).toBe('Enabled');
    expect(azapiSubnets.map(([, r]) => r.body.properties.defaultOutboundAccess)).toEqual([
      false,
      false,
      false,
    ]);
    // In the VNet, one subnet write at a time (parallel subnet writes on one VNet conflict).
    const vnet = Object.keys(resourcesOf(json, 'azurerm_virtual_network'))[0];
    for (const [, r] of azapiSubnets) {
      expect([r.parent_id, r.locks]).toEqual([
        `${'$'}{azurerm_virtual_network.${vnet}.id}`,
        [`${'$'}{azurerm_virtual_network.${vnet}.id}`],
      ]);
    }
  });
  test("the app subnets' NSG keeps Azure's default rules; the APIM subnet's admits API Management's management traffic", () => {
    const byName = (name: string) => Object.values<any>(nsgs).find((n) => n.name === name);
    expect(byName('nsg-vnet-test-app').security_rule).toBeUndefined();
    expect(
      byName('nsg-vnet-test-apim').security_rule.map((r: any) => [
        r.direction,
        r.access,
        r.protocol,
        r.source_address_prefix,
        r.destination_port_range,
      ]),
    ).toEqual([
      ['Inbound', 'Allow', 'Tcp', 'ApiManagement', '3443'],
      ['Inbound', 'Allow', 'Tcp', 'AzureLoadBalancer', '6390'],
    ]);
    expect(net.appNetworkSecurityGroup).toBeDefined();
    expect(net.apimNetworkSecurityGroup).toBeDefined();
  });
  test('the rules: app and APIM 443 at priorities derived from their names, deny all at 4096', () => {
    const pick = (r: any) => ({
      name: r.name,
      priority: r.priority,
      access: r.access,
      protocol: r.protocol,
      source: r.source_address_prefix,
      port: r.destination_port_range,
      direction: r.direction,
    });
    expect(rules.map(pick).sort((a, b) => a.priority - b.priority)).toEqual([
      {
        name: 'Allow-app1-443',
        priority: DERIVED('app1'),
        access: 'Allow',
        protocol: 'Tcp',
        source: '10.20.2.0/24',
        port: '443',
        direction: 'Inbound',
      },
      {
        name: 'Allow-apim-443',
        priority: DERIVED('apim'),
        access: 'Allow',
        protocol: 'Tcp',
        source: '10.20.3.0/24',
        port: '443',
        direction: 'Inbound',
      },
      {
        name: 'Deny-All-Inbound',
        priority: 4096,
        access: 'Deny',
        protocol: '*',
        source: '*',
        port: '*',
        direction: 'Inbound',
      },
    ]);
  });
  test('attributes: private IP, FQDN, zone IDs', () => {
    expect(net.privateFqdn).toBe('aoai-net.openai.azure.com');
    expect(net.privateIpAddress).toMatch(/TOKEN/);
  });
});

describe('existing network and zones', () => {
  const zoneIds = ['privatelink.openai.azure.com', 'privatelink.cognitiveservices.azure.com'].map(
    (z) =>
      `/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${z}`,
  );
  const { json } = build({
    existingNetwork: EXISTING,
    existingPrivateDnsZoneIds: zoneIds,
    additionalDnsLinkedVirtualNetworkIds: [`${SUB}/virtualNetworks/vnet-hub`],
    // The one owner of these links: the account name keeps the link names of earlier versions.
    dnsLinkOwner: 'aoai-net',
  });
  test('uses the given subnet and zones, creates no VNet or zone', () => {
    expect(onlyResource(json, 'azurerm_private_endpoint').subnet_id).toBe(EXISTING.endpointSubnetId);
    expect(
      onlyResource(json, 'azurerm_private_endpoint').private_dns_zone_group.private_dns_zone_ids,
    ).toEqual(zoneIds);
    expect(resourcesOf(json, 'azurerm_virtual_network')).toEqual({});
    expect(resourcesOf(json, 'azurerm_private_dns_zone')).toEqual({});
  });
  test('enables network policies on the existing subnet through azapi', () => {
    const update = onlyResource(json, 'azapi_update_resource');
    expect(update.resource_id).toBe(EXISTING.endpointSubnetId);
    expect(update.body).toEqual({ properties: { privateEndpointNetworkPolicies: 'Enabled' } });
  });
  test('links the listed VNet to each central zone where the zone lives (azapi, parent_id = zone ID)', () => {
    // An azurerm link would be created in ARM_SUBSCRIPTION_ID's subscription; the zones are in ...0002.
    expect(resourcesOf(json, 'azurerm_private_dns_zone_virtual_network_link')).toEqual({});
    const links = Object.values<any>(resourcesOf(json, 'azapi_resource')).filter((r) =>
      /virtualNetworkLinks@/.test(r.type),
    );
    expect(
      links
        .map((l) => [l.type, l.parent_id, l.name, l.location, l.body.properties])
        .sort((a, b) => a[1].localeCompare(b[1])),
    ).toEqual(
      [...zoneIds]
        .sort()
        .map((zoneId) => [
          'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01',
          zoneId,
          'link-aoai-net-vnet-hub',
          'global',
          { registrationEnabled: false, virtualNetwork: { id: `${SUB}/virtualNetworks/vnet-hub` } },
        ]),
    );
  });
  test('allowed sources become 443 rules at a priority derived from the name', () => {
    const rules = Object.values(resourcesOf(json, 'azurerm_network_security_rule')) as any[];
    expect(rules.find((r) => r.access === 'Allow')).toMatchObject({
      priority: DERIVED('app'),
      source_address_prefix: '10.50.2.0/24',
      destination_port_range: '443',
    });
  });
});

describe('imported account', () => {
  test('public access off and ACL default Deny with bypass None and no rules, through azapi', () => {
    const stack = newStack();
    const account = OpenAIAccount.fromAttributes(stack, 'Account', {
      accountId:
        '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/aoai-x',
      customSubdomainName: 'aoai-x',
      location: 'westeurope',
    });
    new PrivateNetworking(stack, 'Net', {
      account,
      existingNetwork: { ...EXISTING, enableSubnetNetworkPolicies: false },
    });
    const update = onlyResource(synthJson(stack), 'azapi_update_resource');
    expect(update.type).toBe('Microsoft.CognitiveServices/accounts@2025-06-01');
    expect(update.resource_id).toMatch(/accounts\/aoai-x$/);
    expect(update.body).toEqual({
      properties: {
        publicNetworkAccess: 'Disabled',
        networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [], virtualNetworkRules: [] },
        // fromAttributes promises a hardened account: outbound calls restricted too.
        restrictOutboundNetworkAccess: true,
      },
    });
  });
});

describe('deny-all opt-out', () => {
  test('removes the deny rule only with a reason, and records it', () => {
    const { json } = build({
      newNetwork: NEW_NET,
      denyAllInboundOptOut: { reason: 'shared hub NSG enforces deny at the VNet edge' },
    });
    expect(
      (Object.values(resourcesOf(json, 'azurerm_network_security_rule')) as any[]).some(
        (r) => r.access === 'Deny',
      ),
    ).toBe(false);
    expect(onlyResource(json, 'terraform_data').input.exemptions[0]).toMatchObject({
      rule_id: 'AOAI-NET-009',
      property: 'denyAllInboundOptOut',
    });
  });
});

describe('bad input fails at synth with field, value and fix', () => {
  test.each([
    [
      'malformed CIDR',
      { newNetwork: { ...NEW_NET, endpointSubnetCidr: '10.20.1.0/33' } },
      /newNetwork.endpointSubnetCidr: invalid value "10.20.1.0\/33"/,
    ],
    [
      'CIDR not on a block boundary',
      { newNetwork: { ...NEW_NET, endpointSubnetCidr: '10.20.1.5/24' } },
      /use 10.20.1.0\/24/,
    ],
    [
      'overlapping subnets',
      { newNetwork: { ...NEW_NET, appSubnetCidrs: ['10.20.1.128/25'] } },
      /newNetwork.appSubnetCidrs\[0\]: invalid value "10.20.1.128\/25". It overlaps newNetwork.endpointSubnetCidr/,
    ],
    [
      'subnet outside the VNet',
      { newNetwork: { ...NEW_NET, apimSubnetCidr: '10.99.0.0/24' } },
      /apimSubnetCidr.*outside newNetwork.addressSpace/,
    ],
    [
      'empty allowed sources',
      { existingNetwork: { ...EXISTING, allowedSources: [] } },
      /existingNetwork.allowedSources: invalid value \[\]/,
    ],
    [
      'duplicate NSG priority',
      {
        existingNetwork: {
          ...EXISTING,
          allowedSources: [
            { name: 'a', cidr: '10.1.0.0/24', priority: 200 },
            { name: 'b', cidr: '10.2.0.0/24', priority: 200 },
          ],
        },
      },
      /^existingNetwork.allowedSources\[1\].priority: invalid value 200. NSG priorities must be unique, and existingNetwork.allowedSources\[0\] \(a\) has 200 too; give one of them an explicit priority/,
    ],
    [
      'out-of-range priority',
      {
        existingNetwork: {
          ...EXISTING,
          allowedSources: [{ name: 'a', cidr: '10.1.0.0/24', priority: 4096 }],
        },
      },
      /allowedSources\[0\].priority: invalid value 4096/,
    ],
    [
      'a subnet ID that is not a subnet ID',
      { existingNetwork: { ...EXISTING, endpointSubnetId: `${SUB}/virtualNetworks/vnet-spoke` } },
      /existingNetwork.endpointSubnetId: .*Microsoft.Network\/virtualNetworks\/subnets resource ID/,
    ],
    [
      'a zone that does not match the kind',
      {
        newNetwork: NEW_NET,
        existingPrivateDnsZoneIds: [`${SUB}/privateDnsZones/privatelink.blob.core.windows.net`],
      },
      /existingPrivateDnsZoneIds\[0\].*not used by kind OpenAI/,
    ],
    [
      'a missing zone for the kind',
      {
        newNetwork: NEW_NET,
        existingPrivateDnsZoneIds: [`${SUB}/privateDnsZones/privatelink.cognitiveservices.azure.com`],
      },
      /also needs privatelink.openai.azure.com/,
    ],
    [
      'both network options',
      { newNetwork: NEW_NET, existingNetwork: EXISTING },
      /newNetwork\/existingNetwork: invalid value "both"/,
    ],
  ])('%s', (_label, props, message) => {
    expect(() => build(props as Partial<PrivateNetworkingProps>)).toThrow(message);
  });
});
