/**
 * Fleet collision test (FleetCollisions over every stack of an app): two accounts in one stack and one resource
 * group, the reference app over the fleet fixture, and the negative controls: the same apps with one name made
 * constant must fail.
 */
import { join } from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { synthFleet } from './fleet';
import { newStack, resourcesOf } from './helpers';
import { checkDocument } from '../lib/checklist/engine';
import { FleetCollisions } from '../lib/checklist/fleet-collisions';
import { HardenedAzureOpenAI, HardenedAzureOpenAIProps } from '../lib/hardened-azure-openai';
import { SUBSCRIPTION_COVERAGE_KIND, SubscriptionCoverage } from '../lib/subscription-baseline';
import { addReferenceStacks } from '../stacks/reference-app';

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
    monitoring: { subscriptionCoverage: SubscriptionCoverage.byBaselineStackName('aoai-subscription') },
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

describe('the reference app over the fleet fixture (dev + prod in one subscription and region, prod in a second)', () => {
  const app = Testing.app();
  addReferenceStacks(app, join(__dirname, 'fixtures', 'fleet.json'));
  const documents = synthFleet(app);
  const byName = Object.fromEntries(documents.map((d) => [d.stackName, d.document]));

  test('four stacks: the subscription baseline and one account stack per environment and region', () => {
    expect(documents.map((d) => d.stackName)).toEqual([
      'aoai-subscription',
      'aoai-dev-swedencentral',
      'aoai-prod-swedencentral',
      'aoai-prod-francecentral',
    ]);
  });
  test('no two resources of the fleet claim one (scope, type, name)', () => {
    expect(FleetCollisions.find(documents)).toEqual([]);
  });
  test('the subscription singletons exist once, in the baseline stack only', () => {
    const owners = (type: string) =>
      documents
        .filter((d) => Object.keys(resourcesOf(d.document, type) ?? {}).length > 0)
        .map((d) => d.stackName);
    // One Defender plan per subscription and resource type (Microsoft.Security/pricings is a subscription singleton,
    // learn.microsoft.com/rest/api/defenderforcloud/pricings) and one Activity Log export.
    // Written as an update of the plan (no Free-on-destroy): still in the baseline stack only.
    expect(owners('azurerm_security_center_subscription_pricing')).toEqual([]);
    const planOwners = documents
      .filter((d) =>
        Object.values<any>(resourcesOf(d.document, 'azapi_update_resource') ?? {}).some((r) =>
          /^Microsoft\.Security\/pricings@/.test(r.type),
        ),
      )
      .map((d) => d.stackName);
    expect(planOwners).toEqual(['aoai-subscription']);
    const subscriptionSettings = documents.flatMap((d) =>
      Object.values<any>(resourcesOf(d.document, 'azurerm_monitor_diagnostic_setting') ?? {})
        .filter((s) => /azurerm_subscription/.test(String(s.target_resource_id)))
        .map(() => d.stackName),
    );
    expect(subscriptionSettings).toEqual(['aoai-subscription']);
  });
  test('every stack passes the checklist with no error, and the account stacks report their coverage by the baseline', () => {
    for (const { stackName, document } of documents) {
      const report = checkDocument(document, { today: '2026-11-28' });
      expect([stackName, report.summary.errors]).toEqual([stackName, 0]);
    }
    const coverage = Object.values<any>(
      resourcesOf(byName['aoai-prod-francecentral'], 'terraform_data'),
    ).find((r) => r.input?.kind === SUBSCRIPTION_COVERAGE_KIND);
    expect(coverage.input).toMatchObject({ baseline_stack: 'aoai-subscription' });
  });
  test('negative control: the same fleet with one constant resource group name collides', () => {
    const copies = documents.map((d) => {
      const copy = structuredClone(d.document);
      for (const rg of Object.values<any>(resourcesOf(copy, 'azurerm_resource_group') ?? {})) {
        rg.name = 'rg-aoai';
      }
      return { stackName: d.stackName, document: copy };
    });
    expect(() => FleetCollisions.assertNone(copies)).toThrow(
      /^3 name collision\(s\):\n- Microsoft.Network\/privateDnsZones "privatelink.cognitiveservices.azure.com" in .*\/resourcegroups\/rg-aoai: [^\n]*\n- Microsoft.Network\/privateDnsZones "privatelink.openai.azure.com" [^\n]*\n- Microsoft.Resources\/resourceGroups "rg-aoai" in \/subscriptions\/\(arm_subscription_id\): aoai-subscription: .*, aoai-dev-swedencentral: .*, aoai-prod-swedencentral: .*, aoai-prod-francecentral: /,
    );
  });
});
