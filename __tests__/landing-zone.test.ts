import { createHash } from 'crypto';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { TerraformStack } from 'cdktf';
import { newStack, onlyResource, resourcesOf, synthJson } from './helpers';
import {
  AllowedSource,
  ExistingNetworkOptions,
  OpenAIAccount,
  PrivateNetworking,
  PrivateNetworkingProps,
} from '../lib';
import { runChecks } from '../lib/checklist/engine';
import { loadModel } from '../lib/checklist/model';

// A spoke of a landing zone: the subnet already carries the platform's NSG (Deny-Subnet-Without-Nsg), the hub owns
// the privatelink zones and the spoke's links.
const SPOKE_SUB = '11111111-1111-1111-1111-111111111111';
const NET = `/subscriptions/${SPOKE_SUB}/resourceGroups/rg-spoke-net/providers/Microsoft.Network`;
const VNET = `${NET}/virtualNetworks/vnet-spoke`;
const SUBNET = `${VNET}/subnets/snet-pe`;
const PLATFORM_NSG = `${NET}/networkSecurityGroups/nsg-snet-pe`;
const HUB =
  '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-hub-dns/providers/Microsoft.Network';
const ZONES = ['privatelink.openai.azure.com', 'privatelink.cognitiveservices.azure.com'].map(
  (z) => `${HUB}/privateDnsZones/${z}`,
);

/** The documented priority scheme, written out (not imported): 100 + first 32 bits of SHA-256(key) mod 3900. */
function derived(key: string): number {
  return 100 + (createHash('sha256').update(key).digest().readUInt32BE(0) % 3900);
}

function account(stack: TerraformStack) {
  return new OpenAIAccount(stack, 'Account', {
    name: 'aoai-lz',
    resourceGroupName: 'rg-aoai',
    location: 'swedencentral',
  });
}

function synth(props: Partial<PrivateNetworkingProps>, setup?: (stack: TerraformStack) => void) {
  const stack = newStack();
  setup?.(stack);
  new PrivateNetworking(stack, 'Net', { account: account(stack), ...props });
  return synthJson(stack);
}

const adopted = (extra: Partial<ExistingNetworkOptions> = {}): Partial<PrivateNetworkingProps> => ({
  existingNetwork: {
    virtualNetworkId: VNET,
    endpointSubnetId: SUBNET,
    networkSecurityGroupId: PLATFORM_NSG,
    allowedSources: [{ name: 'aks', cidr: '10.50.8.0/22' }],
    ...extra,
  },
  existingPrivateDnsZoneIds: ZONES,
});

const findings = (json: any, id: string) =>
  runChecks(loadModel(json), { today: '2026-12-07' }).findings.filter((f) => f.ruleId === id);

describe("the platform's NSG on the endpoint subnet is adopted, never replaced", () => {
  const json = synth(adopted());
  const rules = Object.values<any>(resourcesOf(json, 'azapi_resource')).filter((r) =>
    /^Microsoft\.Network\/networkSecurityGroups\/securityRules@/.test(r.type),
  );
  test('no NSG is created and no association is written (Azure refuses one on a subnet that has an NSG)', () => {
    expect(resourcesOf(json, 'azurerm_network_security_group')).toEqual({});
    expect(resourcesOf(json, 'azurerm_subnet_network_security_group_association')).toEqual({});
  });
  test("the package's rules are added to the platform's NSG, named per account, keyed by account and source", () => {
    expect(
      rules.map((r) => [r.parent_id, r.name, r.body.properties.priority, r.body.properties.access]),
    ).toEqual([
      [PLATFORM_NSG, 'Allow-aoai-lz-aks-443', derived('aoai-lz/aks'), 'Allow'],
      [PLATFORM_NSG, 'Deny-aoai-lz-All-Inbound', 4096, 'Deny'],
    ]);
    expect(rules[0].body.properties).toMatchObject({
      direction: 'Inbound',
      protocol: 'Tcp',
      sourceAddressPrefix: '10.50.8.0/22',
      destinationPortRange: '443',
    });
    expect(rules.every((r) => JSON.stringify(r.locks) === JSON.stringify([PLATFORM_NSG]))).toBe(true);
  });
  test('the adoption is declared for the checklist, which judges the rules written to that NSG', () => {
    expect(onlyResource(json, 'terraform_data').input).toEqual({
      kind: 'aoai-network-adoption',
      endpoint_subnet_id: SUBNET,
      network_security_group_id: PLATFORM_NSG,
    });
    expect(findings(json, 'AOAI-NET-008').map((f) => f.status)).toEqual(['compliant']);
    expect(findings(json, 'AOAI-NET-009').map((f) => [f.status, f.message])).toEqual([
      ['compliant', 'deny-all at 4096; allows only named sources on TCP 443'],
    ]);
  });
  test('negative: the deny-all rule removed from the adopted NSG fails AOAI-NET-009', () => {
    const weak = structuredClone(json);
    for (const [k, r] of Object.entries<any>(weak.resource.azapi_resource)) {
      if (r.name === 'Deny-aoai-lz-All-Inbound') delete weak.resource.azapi_resource[k];
    }
    expect(findings(weak, 'AOAI-NET-009').map((f) => f.status)).toEqual(['non-compliant']);
  });
  test('negative: without the declaration nothing proves an NSG on the subnet (AOAI-NET-008 fails)', () => {
    const weak = structuredClone(json);
    delete weak.resource.terraform_data;
    expect(findings(weak, 'AOAI-NET-008').map((f) => f.status)).toEqual(['non-compliant']);
  });
  test('an NSG in another subscription than the VNet is refused at synth', () => {
    expect(() =>
      synth(
        adopted({
          networkSecurityGroupId: PLATFORM_NSG.replace(SPOKE_SUB, '99999999-9999-9999-9999-999999999999'),
        }),
      ),
    ).toThrow(
      /^existingNetwork.networkSecurityGroupId: invalid value .*An NSG on a subnet is in the subnet's subscription \(11111111/,
    );
  });
});

describe('a network team that manages the subnet with azurerm_subnet owns its network policies', () => {
  test('declared: no azapi patch of privateEndpointNetworkPolicies, the owner recorded, AOAI-NET-008 compliant', () => {
    const json = synth(adopted({ subnetNetworkPoliciesManagedBy: 'platform spoke module (NET-1234)' }));
    const patches = Object.values<any>(resourcesOf(json, 'azapi_update_resource')).filter((r) =>
      /virtualNetworks\/subnets@/.test(r.type),
    );
    expect(patches).toEqual([]);
    expect(onlyResource(json, 'terraform_data').input.subnet_policies_managed_by).toBe(
      'platform spoke module (NET-1234)',
    );
    expect(findings(json, 'AOAI-NET-008').map((f) => [f.status, f.message])).toEqual([
      [
        'compliant',
        "network policies set by the subnet's owner (platform spoke module (NET-1234)), the platform's NSG adopted",
      ],
    ]);
  });
  test('by default the package patches them (azapi update on the subnet)', () => {
    const json = synth(adopted());
    expect(
      Object.values<any>(resourcesOf(json, 'azapi_update_resource')).find((r) => /subnets@/.test(r.type))
        .body,
    ).toEqual({ properties: { privateEndpointNetworkPolicies: 'Enabled' } });
  });
  test('a declaration without a real owner is refused', () => {
    expect(() => synth(adopted({ subnetNetworkPoliciesManagedBy: 'team' }))).toThrow(
      /^existingNetwork.subnetNetworkPoliciesManagedBy: invalid value "team". Say who sets/,
    );
  });
});

describe("the endpoint lives in its VNet's region and subscription", () => {
  test('location: the endpoint goes to the VNet region, the account stays where its models are', () => {
    const json = synth(adopted({ location: 'westeurope' }));
    expect(onlyResource(json, 'azurerm_private_endpoint').location).toBe('westeurope');
    expect(onlyResource(json, 'azurerm_cognitive_account').location).toBe('swedencentral');
  });
  test('an explicit subscription that is not the VNet one is refused', () => {
    expect(() => synth(adopted({ subscriptionId: '33333333-3333-3333-3333-333333333333' }))).toThrow(
      /^existingNetwork.subscriptionId: invalid value "33333333-3333-3333-3333-333333333333". The VNet .* is in subscription 11111111/,
    );
  });
  const pin = (stack: TerraformStack) =>
    ((stack.node.findChild('azurerm') as AzurermProvider).subscriptionId =
      '33333333-3333-3333-3333-333333333333');
  test("a default provider pinned to another subscription is refused, with the fix (a provider for the VNet's)", () => {
    expect(() => synth(adopted(), pin)).toThrow(
      /must be in its VNet's subscription \(11111111-[^)]*\), and the stack's default azurerm provider writes to 33333333-[^:]*: pass existingNetwork.provider/,
    );
  });
  test("with a provider for the spoke, the endpoint is written through it into the VNet's resource group", () => {
    const stack = newStack();
    pin(stack);
    const spoke = new AzurermProvider(stack, 'spoke', {
      features: [{}],
      alias: 'spoke',
      subscriptionId: SPOKE_SUB,
    });
    new PrivateNetworking(stack, 'Net', {
      account: account(stack),
      ...adopted({ provider: spoke, location: 'westeurope' }),
    });
    const pe = onlyResource(synthJson(stack), 'azurerm_private_endpoint');
    expect([pe.provider, pe.resource_group_name, pe.location]).toEqual([
      'azurerm.spoke',
      'rg-spoke-net',
      'westeurope',
    ]);
  });
  test('a provider pinned to another subscription than the VNet is refused', () => {
    const stack = newStack();
    const other = new AzurermProvider(stack, 'other', {
      features: [{}],
      alias: 'other',
      subscriptionId: '44444444-4444-4444-4444-444444444444',
    });
    expect(
      () => new PrivateNetworking(stack, 'Net', { account: account(stack), ...adopted({ provider: other }) }),
    ).toThrow(/^existingNetwork.provider: invalid value "44444444-.*must be in its VNet's subscription/);
  });
});

describe('central DNS: the hub owns the zones and, by default, the links', () => {
  test('no privatelink.* zone and no link is created in the spoke', () => {
    const json = synth(adopted());
    expect(resourcesOf(json, 'azurerm_private_dns_zone')).toEqual({});
    expect(resourcesOf(json, 'azurerm_private_dns_zone_virtual_network_link')).toEqual({});
    expect(
      Object.values<any>(resourcesOf(json, 'azapi_resource')).filter((r) =>
        /virtualNetworkLinks@/.test(r.type),
      ),
    ).toEqual([]);
  });
  test('a link on request needs one named owner (one link per zone and VNet)', () => {
    expect(() => synth({ ...adopted(), additionalDnsLinkedVirtualNetworkIds: [VNET] })).toThrow(
      /^dnsLinkOwner: invalid value "\(unset\)". With central DNS zones the hub usually owns each spoke's link/,
    );
  });
  test('requested links are named after their owner and protected from destroy', () => {
    const json = synth({
      ...adopted(),
      additionalDnsLinkedVirtualNetworkIds: [VNET],
      dnsLinkOwner: 'spoke-ai',
    });
    const links = Object.values<any>(resourcesOf(json, 'azapi_resource')).filter((r) =>
      /virtualNetworkLinks@/.test(r.type),
    );
    expect(links.map((l) => [l.parent_id, l.name, l.lifecycle]).sort()).toEqual(
      ZONES.map((z) => [z, 'link-spoke-ai-vnet-spoke', { prevent_destroy: true }]).sort(),
    );
  });
});

describe('day-2: a change of one input changes only its own resources', () => {
  /** Every resource address with its JSON, without cdktf's metadata. */
  function addresses(json: any): Map<string, string> {
    const out = new Map<string, string>();
    for (const [type, byName] of Object.entries<any>(json.resource ?? {})) {
      for (const [name, body] of Object.entries<any>(byName)) {
        const { ['//']: _meta, ...rest } = body;
        out.set(`${type}.${name}`, JSON.stringify(rest));
      }
    }
    return out;
  }
  /** The addresses added, removed and changed between two syntheses. */
  function diff(a: any, b: any) {
    const [x, y] = [addresses(a), addresses(b)];
    return {
      added: [...y.keys()].filter((k) => !x.has(k)).sort(),
      removed: [...x.keys()].filter((k) => !y.has(k)).sort(),
      changed: [...x.keys()].filter((k) => y.has(k) && x.get(k) !== y.get(k)).sort(),
    };
  }
  const sources: AllowedSource[] = [
    { name: 'aks', cidr: '10.50.8.0/22' },
    { name: 'functions', cidr: '10.50.12.0/24' },
  ];
  const existing = (allowedSources: AllowedSource[]) => ({
    existingNetwork: { virtualNetworkId: VNET, endpointSubnetId: SUBNET, allowedSources },
    existingPrivateDnsZoneIds: ZONES,
  });
  test('prepending an allowed source adds only its rule; the others keep their priorities', () => {
    const d = diff(
      synth(existing(sources)),
      synth(existing([{ name: 'apim', cidr: '10.50.20.0/24' }, ...sources])),
    );
    expect(d).toEqual({
      added: [expect.stringMatching(/^azurerm_network_security_rule\.Net_Allow-apim_/)],
      removed: [],
      changed: [],
    });
  });
  test('removing the first allowed source removes only its rule', () => {
    const d = diff(synth(existing(sources)), synth(existing(sources.slice(1))));
    expect(d).toEqual({
      added: [],
      removed: [expect.stringMatching(/^azurerm_network_security_rule\.Net_Allow-aks_/)],
      changed: [],
    });
  });
  const newNet = (apps: Array<{ name: string; cidr: string }>) => ({
    newNetwork: {
      name: 'vnet-aoai',
      addressSpace: '10.20.0.0/16',
      endpointSubnetCidr: '10.20.1.0/24',
      appSubnets: apps,
    },
  });
  const apps = [
    { name: 'web', cidr: '10.20.2.0/24' },
    { name: 'batch', cidr: '10.20.3.0/24' },
  ];
  test('removing the first app subnet removes only that subnet and its rule; the second keeps its range', () => {
    const d = diff(synth(newNet(apps)), synth(newNet(apps.slice(1))));
    expect(d.added).toEqual([]);
    expect(d.changed).toEqual([]);
    expect(d.removed).toEqual([
      expect.stringMatching(/^azapi_resource\.Net_Subnet-web_/),
      expect.stringMatching(/^azurerm_network_security_rule\.Net_Allow-web_/),
    ]);
  });
  test('appSubnets named app1, app2 keep the addresses of appSubnetCidrs (migration without moved blocks)', () => {
    const byCidrs = synth({
      newNetwork: {
        name: 'vnet-aoai',
        addressSpace: '10.20.0.0/16',
        endpointSubnetCidr: '10.20.1.0/24',
        appSubnetCidrs: ['10.20.2.0/24', '10.20.3.0/24'],
      },
    });
    const byName = synth(
      newNet([
        { name: 'app1', cidr: '10.20.2.0/24' },
        { name: 'app2', cidr: '10.20.3.0/24' },
      ]),
    );
    expect(diff(byCidrs, byName)).toEqual({ added: [], removed: [], changed: [] });
  });
  test('with appSubnetCidrs (by position) removing the first rewrites the second in place: why appSubnets exists', () => {
    const cidrs = (list: string[]) => ({
      newNetwork: {
        name: 'vnet-aoai',
        addressSpace: '10.20.0.0/16',
        endpointSubnetCidr: '10.20.1.0/24',
        appSubnetCidrs: list,
      },
    });
    const d = diff(synth(cidrs(['10.20.2.0/24', '10.20.3.0/24'])), synth(cidrs(['10.20.3.0/24'])));
    expect(d.changed).toContainEqual(expect.stringMatching(/^azapi_resource\.Net_Subnet-app1_/));
  });
});

describe('NSG priorities: derived from the name, collisions refused at synth', () => {
  /** Two names whose derived priorities collide, found by search under the documented scheme. */
  function collidingNames(): [string, string] {
    const seen = new Map<number, string>();
    for (let i = 0; ; i++) {
      const name = `src${i}`;
      const p = derived(name);
      if (seen.has(p)) return [seen.get(p)!, name];
      seen.set(p, name);
    }
  }
  test('two sources whose names derive one priority are refused, naming both and the fix', () => {
    const [a, b] = collidingNames();
    expect(() =>
      synth({
        existingNetwork: {
          virtualNetworkId: VNET,
          endpointSubnetId: SUBNET,
          allowedSources: [
            { name: a, cidr: '10.1.0.0/24' },
            { name: b, cidr: '10.2.0.0/24' },
          ],
        },
      }),
    ).toThrow(
      new RegExp(
        `^existingNetwork.allowedSources\\[1\\].priority: invalid value ${derived(a)}. NSG priorities must be unique, and existingNetwork.allowedSources\\[0\\] \\(${a}\\) has ${derived(a)} too \\(derived from the name: .*\\); give one of them an explicit priority`,
      ),
    );
  });
  test('an explicit priority resolves the collision', () => {
    const [a, b] = collidingNames();
    const json = synth({
      existingNetwork: {
        virtualNetworkId: VNET,
        endpointSubnetId: SUBNET,
        allowedSources: [
          { name: a, cidr: '10.1.0.0/24' },
          { name: b, cidr: '10.2.0.0/24', priority: 4000 },
        ],
      },
    });
    const priorities = Object.values<any>(resourcesOf(json, 'azurerm_network_security_rule')).map(
      (r) => r.priority,
    );
    expect(priorities.sort()).toEqual([derived(a), 4000, 4096].sort());
  });
});
