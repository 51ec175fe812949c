/**
 * Fleet collision test (FleetCollisions over every stack of an app): two accounts in one stack and one resource
 * group, and the negative control: the same app with one name made constant must fail.
 */
import { TerraformStack, Testing } from 'cdktf';
import { synthFleet } from './fleet';
import { newStack, resourcesOf } from './helpers';
import { FleetCollisions } from '../lib/fleet-collisions';
import { HardenedAzureOpenAI, HardenedAzureOpenAIProps } from '../lib/hardened-azure-openai';
import { SubscriptionCoverage } from '../lib/subscription-baseline';

function account(name: string, octet: number): HardenedAzureOpenAIProps {
  return {
    account: { name, resourceGroupName: 'rg-shared', location: 'swedencentral' },
    networking: {
      newNetwork: {
        name: `vnet-${name}`,
        addressSpace: `10.${octet}.0.0/16`,
        endpointSubnetCidr: `10.${octet}.1.0/24`,
        appSubnetCidrs: [`10.${octet}.2.0/24`],
      },
    },
    identity: { workloadIdentities: [{ name: `id-${name}-chat` }] },
    monitoring: { subscriptionCoverage: SubscriptionCoverage.byBaselineStack('aoai-subscription') },
  };
}

function twoAccountsInOneGroup(): TerraformStack {
  const stack = newStack();
  new HardenedAzureOpenAI(stack, 'Chat', account('aoai-chat', 30));
  new HardenedAzureOpenAI(stack, 'Search', account('aoai-search', 31));
  return stack;
}

describe('two HardenedAzureOpenAI in one stack and one resource group', () => {
  const stack = twoAccountsInOneGroup();
  const documents = synthFleet(stack.node.scope as any);
  const json = documents[0].document;

  test('no two resources claim one name in one scope', () => {
    expect(FleetCollisions.find(documents)).toEqual([]);
  });
  test('each privatelink zone is created once and both VNets are linked to it under per-account link names', () => {
    const zones = Object.values<any>(resourcesOf(json, 'azurerm_private_dns_zone'));
    expect(zones.map((z) => z.name).sort()).toEqual([
      'privatelink.cognitiveservices.azure.com',
      'privatelink.openai.azure.com',
    ]);
    const links = Object.values<any>(resourcesOf(json, 'azurerm_private_dns_zone_virtual_network_link'));
    expect(links.map((l) => l.name).sort()).toEqual([
      'link-aoai-chat-endpoint-vnet',
      'link-aoai-chat-endpoint-vnet',
      'link-aoai-search-endpoint-vnet',
      'link-aoai-search-endpoint-vnet',
    ]);
    expect(new Set(links.map((l) => l.virtual_network_id)).size).toBe(2);
  });
  test('negative control: a copy with a constant link name (the old "endpoint-vnet-link") collides', () => {
    const copy = structuredClone(json);
    for (const link of Object.values<any>(copy.resource.azurerm_private_dns_zone_virtual_network_link)) {
      link.name = 'endpoint-vnet-link';
    }
    expect(() => FleetCollisions.assertNone([{ stackName: 'copy', document: copy }])).toThrow(
      /2 name collision\(s\):\n- virtualNetworkLinks "endpoint-vnet-link" in \/subscriptions\/\(arm_subscription_id\)\/resourcegroups\/rg-shared\/providers\/microsoft.network\/privatednszones\/privatelink.cognitiveservices.azure.com: copy: .*Chat.*, copy: .*Search/,
    );
  });
  test('negative control: one workload identity name for both accounts collides', () => {
    const same = newStack();
    new HardenedAzureOpenAI(same, 'Chat', account('aoai-chat', 30));
    new HardenedAzureOpenAI(same, 'Search', {
      ...account('aoai-search', 31),
      identity: { workloadIdentities: [{ name: 'id-aoai-chat-chat' }] },
    });
    const collisions = FleetCollisions.find([
      { stackName: 'same', document: JSON.parse(Testing.synth(same)) },
    ]);
    expect(collisions.map((c) => [c.type, c.name])).toEqual([
      ['Microsoft.ManagedIdentity/userAssignedIdentities', 'id-aoai-chat-chat'],
    ]);
  });
});
