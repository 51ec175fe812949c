import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdktf';
import {
  AccountRole,
  ContentFilterPolicy,
  IdentityLockdown,
  OpenAIAccount,
  PrincipalType,
  PrivateNetworking,
  SecurityMonitoring,
} from '../lib';
import {
  accountWrites,
  applyGraphProblems,
  buildApplyGraph,
  destroyOrder,
  unbackedLiterals,
  unorderedAccountWrites,
} from './apply-graph';
import { newStack, synthJson } from './helpers';
import { referenceJson } from './reference';
import { loadStackConfigs } from '../stacks/config';
import { HardenedOpenAIStack } from '../stacks/hardened-openai-stack';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000001';
const IMPORTED_ID = `${SUB}/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/aoai-x`;

/** Every phase on an account imported with fromAttributes, with an existing network and central DNS. */
function importedAccountJson(): any {
  const stack = newStack();
  const account = OpenAIAccount.fromAttributes(stack, 'Imported', {
    accountId: IMPORTED_ID,
    customSubdomainName: 'aoai-x',
    location: 'westeurope',
  });
  account.addDeployment({ name: 'gpt', modelName: 'gpt-4o', modelVersion: '2024-08-06' });
  account.addDeployment({ name: 'embed', modelName: 'text-embedding-3-large', modelVersion: '1' });
  new ContentFilterPolicy(stack, 'Filter', {
    account,
    blocklists: [{ name: 'corp', items: [{ pattern: 'alpha' }, { pattern: 'beta' }] }],
  });
  new IdentityLockdown(stack, 'Identity', {
    account,
    grants: [
      {
        displayName: 'chat-api',
        principalId: '00000000-0000-0000-0000-0000000000aa',
        principalType: PrincipalType.SERVICE_PRINCIPAL,
        role: AccountRole.INVOKE,
      },
    ],
  });
  const net = `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v`;
  new PrivateNetworking(stack, 'Net', {
    account,
    existingNetwork: {
      virtualNetworkId: net,
      endpointSubnetId: `${net}/subnets/pe`,
      allowedSources: [{ name: 'app', cidr: '10.9.2.0/24' }],
    },
    existingPrivateDnsZoneIds: [
      `${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com`,
      `${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.cognitiveservices.azure.com`,
    ],
    additionalDnsLinkedVirtualNetworkIds: [net],
    dnsLinkOwner: 'aoai-graph',
  });
  new SecurityMonitoring(stack, 'Mon', { account });
  return synthJson(stack);
}

/** The created account with the opt-in lock and two deployments. */
function lockedAccountJson(): any {
  const stack = newStack();
  const account = new OpenAIAccount(stack, 'Account', {
    name: 'aoai-locked',
    resourceGroupName: 'rg',
    location: 'swedencentral',
    managementLock: true,
    deployments: [
      { name: 'gpt', modelName: 'gpt-4o', modelVersion: '2024-08-06' },
      { name: 'mini', modelName: 'gpt-4o-mini', modelVersion: '2024-07-18' },
    ],
  });
  new ContentFilterPolicy(stack, 'Filter', {
    account,
    blocklists: [{ name: 'b', items: [{ pattern: 'x' }] }],
  });
  new SecurityMonitoring(stack, 'Mon', { account });
  return synthJson(stack);
}

const fixtureStacks = loadStackConfigs(join(__dirname, 'fixtures', 'fleet.json')).map((config) => {
  const stack = new HardenedOpenAIStack(Testing.app(), config);
  return [`fleet fixture: ${config.stackName}`, JSON.parse(Testing.synth(stack))] as [string, any];
});

const CASES: Array<[string, any]> = [
  ['reference stack', referenceJson()],
  ...fixtureStacks,
  ['imported account, existing network, central DNS', importedAccountJson()],
  ['created account with the opt-in management lock', lockedAccountJson()],
];

describe.each(CASES)('apply graph: %s', (_name, json) => {
  const graph = buildApplyGraph(json);
  test('(a) every literal naming another resource of the stack is backed by a dependency', () => {
    expect(unbackedLiterals(graph)).toEqual([]);
  });
  test('(b) every two writes on one account are ordered', () => {
    const writes = [...accountWrites(graph).values()];
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.flat().length).toBeGreaterThan(3);
    expect(unorderedAccountWrites(graph)).toEqual([]);
  });
  test('(c) the graph is acyclic and destroy runs dependents first', () => {
    expect(applyGraphProblems(json)).toEqual([]);
    const order = destroyOrder(graph);
    const at = (pattern: RegExp) => order.findIndex((a) => pattern.test(a));
    const allAt = (pattern: RegExp) => order.flatMap((a, i) => (pattern.test(a) ? [i] : []));
    // Deployments go before the RAI policy they reference (raiPolicies/delete refuses a policy in use,
    // docs/azure-facts.md §2); blocklist items before their blocklist.
    const policy = order.find((a) =>
      /^azapi_resource\..*ContentFilter|^azapi_resource\.Filter_Resource/.test(a),
    );
    if (policy) {
      for (const d of allAt(/^azurerm_cognitive_deployment\./)) expect(d).toBeLessThan(order.indexOf(policy));
    }
    for (const [address, node] of graph.nodes) {
      if (/raiBlocklistItems@/.test(String(node.values.type))) {
        const parent = /^\$\{(azapi_resource\.[^.]+)\.id\}$/.exec(node.values.parent_id)![1];
        expect(order.indexOf(address)).toBeLessThan(order.indexOf(parent));
      }
    }
    // DNS links before their zone.
    for (const [address, node] of graph.nodes) {
      if (node.type === 'azurerm_private_dns_zone_virtual_network_link') {
        const zone = /^\$\{(azurerm_private_dns_zone\.[^.]+)\.name\}$/.exec(
          node.values.private_dns_zone_name,
        );
        if (zone) expect(order.indexOf(address)).toBeLessThan(order.indexOf(zone[1]));
      }
    }
    // An opt-in lock is removed before anything on the account.
    const lock = at(/^azurerm_management_lock\./);
    if (lock >= 0) {
      for (const w of [...accountWrites(graph).values()].flat()) {
        if (!w.startsWith('azurerm_management_lock.')) expect(lock).toBeLessThan(order.indexOf(w));
      }
    }
  });
});

describe('the helper catches the defects it is for', () => {
  test('a copy with a literal zone name fails (a)', () => {
    // What main synthesized before: the zone's name and resource group as literals, no reference to the zone.
    const json = referenceJson();
    const links = json.resource.azurerm_private_dns_zone_virtual_network_link;
    const [linkKey, link] = Object.entries<any>(links)[0];
    const zoneKey = /azurerm_private_dns_zone\.([^.]+)\.name/.exec(link.private_dns_zone_name)![1];
    const zone = json.resource.azurerm_private_dns_zone[zoneKey];
    link.private_dns_zone_name = zone.name;
    link.resource_group_name = zone.resource_group_name;
    expect(unbackedLiterals(buildApplyGraph(json))).toEqual([
      expect.objectContaining({
        resource: `azurerm_private_dns_zone_virtual_network_link.${linkKey}`,
        attribute: 'private_dns_zone_name',
        names: `azurerm_private_dns_zone.${zoneKey}`,
      }),
    ]);
  });
  test('a copy whose blocklist items are not chained fails (b): they would run in parallel with a deployment', () => {
    // What main synthesized before: items ordered only by azapi locks, which azurerm deployments ignore.
    const json = referenceJson();
    const policy = Object.values<any>(json.resource.azapi_resource).find((r) => /raiPolicies@/.test(r.type));
    const chained = policy.depends_on.find((d: string) =>
      /raiBlocklistItems@/.test(json.resource.azapi_resource[d.split('.')[1]].type),
    );
    expect(chained).toBeDefined();
    expect(unorderedAccountWrites(buildApplyGraph(json))).toEqual([]);
    policy.depends_on = policy.depends_on.filter((d: string) => d !== chained);
    const pairs = unorderedAccountWrites(buildApplyGraph(json));
    const withDeployment = pairs.filter(
      (pair) => pair.includes(chained) && pair.some((a) => a.startsWith('azurerm_cognitive_deployment.')),
    );
    expect(withDeployment).toHaveLength(1);
  });
  test('a dependency cycle fails (c)', () => {
    const json = referenceJson();
    const [zoneKey] = Object.keys(json.resource.azurerm_private_dns_zone);
    const [linkKey] = Object.keys(json.resource.azurerm_private_dns_zone_virtual_network_link);
    json.resource.azurerm_private_dns_zone[zoneKey].depends_on = [
      `azurerm_private_dns_zone_virtual_network_link.${linkKey}`,
    ];
    expect(() => applyGraphProblems(json)).toThrow(/dependency cycle/);
  });
  test('the README example passes too (checked in readme.test.ts with the same helper)', () => {
    const text = readFileSync(join(__dirname, 'readme.test.ts'), 'utf8');
    expect(text).toMatch(/applyGraphProblems\(config\)/);
  });
});
