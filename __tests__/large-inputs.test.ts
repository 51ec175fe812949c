import { referenceJson } from './reference';
import { runChecks } from '../lib/checklist/engine';
import { loadModel } from '../lib/checklist/model';

/** The sizes issue #8 asks for: 100 role assignments, 50 deployments, 500 blocklist items, 20 extra VNet links. */
export const LARGE = {
  deployments: Array.from({ length: 50 }, (_, i) => ({
    name: `deploy-${i}`,
    modelName: 'gpt-4o',
    modelVersion: '2024-08-06',
    capacity: 1,
  })),
  workloadIdentities: Array.from({ length: 100 }, (_, i) => `id-workload-${i}`),
  blocklist: { name: 'large', items: Array.from({ length: 500 }, (_, i) => `term-${i}`) },
  dnsLinkedVirtualNetworkIds: Array.from(
    { length: 20 },
    (_, i) =>
      `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke-${i}`,
  ),
};

describe('large inputs synthesize correctly', () => {
  const json = referenceJson({
    deployments: LARGE.deployments,
    workloadIdentities: LARGE.workloadIdentities,
    blocklist: LARGE.blocklist,
    network: {
      vnetName: 'vnet',
      addressSpace: '10.20.0.0/16',
      endpointSubnetCidr: '10.20.1.0/24',
      appSubnetCidrs: ['10.20.2.0/24'],
      dnsLinkedVirtualNetworkIds: LARGE.dnsLinkedVirtualNetworkIds,
    },
  });
  const of = (type: string) => Object.values<any>(json.resource[type] ?? {});

  test('50 deployments, each after the previous one, all on the strict policy', () => {
    const deployments = Object.entries<any>(json.resource.azurerm_cognitive_deployment);
    expect(deployments).toHaveLength(50);
    const byName = new Map(deployments.map(([key, d]) => [d.name, key]));
    for (let i = 1; i < 50; i++) {
      expect(json.resource.azurerm_cognitive_deployment[byName.get(`deploy-${i}`)!].depends_on).toEqual([
        `azurerm_cognitive_deployment.${byName.get(`deploy-${i - 1}`)}`,
      ]);
    }
    expect(new Set(deployments.map(([, d]) => d.rai_policy_name))).toEqual(
      new Set(['strict-production-filter']),
    );
  });
  test('100 role assignments, all OpenAI User on the account', () => {
    const assignments = of('azurerm_role_assignment');
    expect(assignments).toHaveLength(100);
    expect(new Set(assignments.map((a) => a.role_definition_id.split('/').pop()))).toEqual(
      new Set(['5e0bd9bd-7b93-4f28-af87-19fc36ad61bd']),
    );
  });
  test('500 blocklist items with distinct names', () => {
    const items = of('azapi_resource').filter((r) => /raiBlocklistItems@/.test(r.type));
    expect(items).toHaveLength(500);
    expect(new Set(items.map((i) => i.name)).size).toBe(500);
  });
  test('21 VNets linked to each of the two zones (the endpoint VNet plus 20)', () => {
    expect(of('azurerm_private_dns_zone_virtual_network_link')).toHaveLength(42);
  });
  test('the checklist passes', () => {
    expect(runChecks(loadModel(json), { today: '2026-11-28' }).summary.errors).toBe(0);
  });
});
