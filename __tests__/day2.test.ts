/**
 * Day-2 changes on the reference stack: one blocklist pattern, one deployment SKU, one grant and one feature
 * toggle. From the two synthesized documents: which resources Terraform replaces or deletes (ForceNew facts in
 * day2.ts, cited), and that none of them sits under an ARM lock by default (a CanNotDelete lock is inherited by
 * every child and extension resource and fails their delete with ScopeLocked).
 */
import { join } from 'path';
import { applyGraphProblems } from './apply-graph';
import { PlannedChange, locksAbove, plannedChanges } from './day2';
import { referenceJson } from './reference';
import { DEFAULT_CONFIG, StackConfig, loadStackConfigs } from '../stacks/config';

function beforeConfig(base: StackConfig): Partial<StackConfig> {
  return {
    ...base,
    workloadIdentities: [...base.workloadIdentities, 'id-aoai-batch'],
    network: { ...base.network, apimSubnetCidr: base.network.apimSubnetCidr ?? '10.20.3.0/24' },
  };
}
function afterConfig(base: StackConfig): Partial<StackConfig> {
  return {
    ...base,
    // 1. one blocklist pattern edited
    blocklist: {
      ...base.blocklist,
      items: base.blocklist.items.map((item, i) => (i === 1 ? `${item} (edited)` : item)),
    },
    // 2. one deployment's SKU changed
    deployments: base.deployments.map((d, i) => (i === 0 ? { ...d, skuName: 'DataZoneStandard' } : d)),
    // 3. one grant removed (the batch workload's identity and its role assignment)
    workloadIdentities: base.workloadIdentities,
    // 4. one feature turned off: API Management access (its subnet and its NSG allow rule)
    network: { ...base.network, apimSubnetCidr: undefined },
  };
}

const CONFIGS: Array<[string, StackConfig]> = [
  ['reference stack', DEFAULT_CONFIG],
  ...loadStackConfigs(join(__dirname, 'fixtures', 'fleet.json')).map(
    (c) => [`fleet fixture: ${c.stackName}`, c] as [string, StackConfig],
  ),
];

describe.each(CONFIGS)('day-2 changes: %s', (_name, base) => {
  const before = referenceJson(beforeConfig(base));
  const after = referenceJson(afterConfig(base));
  const changes = plannedChanges(before, after);
  const destructive = changes.filter((c) => c.action === 'replace' || c.action === 'delete');
  const find = (type: string, action: string, pattern: RegExp = /./): PlannedChange[] =>
    changes.filter((c) => c.address.startsWith(`${type}.`) && c.action === action && pattern.test(c.address));

  test('both documents are sound apply graphs', () => {
    expect(applyGraphProblems(before)).toEqual([]);
    expect(applyGraphProblems(after)).toEqual([]);
  });
  test('the blocklist edit deletes one item and creates one (item names derive from the pattern)', () => {
    expect(find('azapi_resource', 'delete', /Blocklist/)).toHaveLength(1);
    expect(find('azapi_resource', 'create', /Blocklist/)).toHaveLength(1);
    // The blocklist and the policy stay: only the item changes.
    expect(find('azapi_resource', 'replace')).toEqual([]);
  });
  test('the SKU change replaces the deployment (sku.name is ForceNew)', () => {
    expect(find('azurerm_cognitive_deployment', 'replace')).toEqual([
      expect.objectContaining({ changed: ['sku.name'] }),
    ]);
  });
  test('the grant removal deletes one role assignment and its identity', () => {
    expect(find('azurerm_role_assignment', 'delete')).toHaveLength(1);
    expect(find('azurerm_user_assigned_identity', 'delete')).toHaveLength(1);
  });
  test('the feature toggle deletes the APIM subnet, its NSG and the endpoint NSG rule admitting it', () => {
    // The APIM subnet is an azapi subnet written with its own NSG.
    expect(find('azapi_resource', 'delete', /Subnet-apim/)).toHaveLength(1);
    expect(find('azurerm_network_security_group', 'delete', /ApimNsg/)).toHaveLength(1);
    expect(find('azurerm_network_security_rule', 'delete', /apim/)).toHaveLength(1);
  });
  test('nothing else is replaced or deleted', () => {
    expect(destructive.map((c) => c.address.split('.')[0]).sort()).toEqual([
      'azapi_resource', // the blocklist item
      'azapi_resource', // the APIM subnet
      'azurerm_cognitive_deployment',
      'azurerm_network_security_group', // the APIM subnet's NSG
      'azurerm_network_security_rule',
      'azurerm_role_assignment',
      'azurerm_user_assigned_identity',
    ]);
  });
  test('by default no replaced or deleted resource is under an ARM lock', () => {
    expect(Object.keys(before.resource.azurerm_management_lock ?? {})).toEqual([]);
    for (const c of destructive) expect(locksAbove(before, c.address)).toEqual([]);
  });
  test('a copy with the inherited account lock (what main had) is caught', () => {
    const locked = JSON.parse(JSON.stringify(before));
    const [accountKey] = Object.keys(locked.resource.azurerm_cognitive_account);
    locked.resource.azurerm_management_lock = {
      DeleteLock: {
        name: 'cannot-delete',
        lock_level: 'CanNotDelete',
        scope: `\${azurerm_cognitive_account.${accountKey}.id}`,
      },
    };
    const blocked = destructive.filter((c) => locksAbove(locked, c.address).length > 0).map((c) => c.address);
    // The deployment, the blocklist item and the role assignment are below the account; the identity, the
    // subnet and the NSG rule are not.
    expect(blocked.map((a) => a.split('.')[0]).sort()).toEqual([
      'azapi_resource',
      'azurerm_cognitive_deployment',
      'azurerm_role_assignment',
    ]);
  });
});
