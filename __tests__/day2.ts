/**
 * What `terraform plan` would do between two synthesized documents, from the JSON alone: create, delete,
 * update in place, or replace (a changed argument the provider marks ForceNew), and which ARM locks sit above a
 * resource. Nothing here can plan against Azure, so the ForceNew facts come from the provider sources (cited).
 */

/**
 * Arguments whose change forces replacement, per resource type (paths use `.` for nested blocks).
 * - azurerm_cognitive_deployment: name, cognitive_account_id, model.*, sku.name/tier/family ForceNew; sku.capacity,
 *   rai_policy_name, version_upgrade_option update in place (AZURERM@v4.55.0
 *   internal/services/cognitive/cognitive_deployment_resource.go; docs/azure-facts.md §2).
 * - azurerm_role_assignment: name, scope, role_definition_id, role_definition_name, principal_id, principal_type,
 *   delegated_managed_identity_resource_id ForceNew; description and condition update in place
 *   (hashicorp/terraform-provider-azurerm internal/services/authorization/role_assignment_resource.go).
 * - azapi_resource / azapi_update_resource: name and parent_id force a new resource; `body` is updated in place
 *   (Azure/terraform-provider-azapi docs/resources/resource.md and update_resource.md: "Changing this forces a
 *   new resource to be created").
 * - azurerm_cognitive_account_rai_policy: name, cognitive_account_id, base_policy_name ForceNew (docs/azure-facts.md §3.1).
 */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  azurerm_cognitive_deployment: [
    'name',
    'cognitive_account_id',
    'model.format',
    'model.name',
    'model.version',
    'sku.name',
    'sku.tier',
    'sku.family',
  ],
  azurerm_role_assignment: [
    'name',
    'scope',
    'role_definition_id',
    'role_definition_name',
    'principal_id',
    'principal_type',
    'delegated_managed_identity_resource_id',
  ],
  azapi_resource: ['name', 'parent_id', 'resource_id'],
  azapi_update_resource: ['name', 'parent_id', 'resource_id'],
  azurerm_cognitive_account_rai_policy: ['name', 'cognitive_account_id', 'base_policy_name'],
};

export type Action = 'create' | 'delete' | 'update' | 'replace';

export interface PlannedChange {
  readonly address: string;
  readonly action: Action;
  /** Changed argument paths (update and replace). */
  readonly changed: string[];
}

function resources(json: any): Map<string, any> {
  const out = new Map<string, any>();
  for (const [type, byName] of Object.entries<any>(json.resource ?? {})) {
    for (const [name, values] of Object.entries<any>(byName)) out.set(`${type}.${name}`, values);
  }
  return out;
}

/** Leaf paths whose values differ (blocks with one element are read as objects, as cdktf writes them). */
function changedPaths(a: any, b: any, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (v: any) => v && typeof v === 'object' && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedPaths(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return [path];
}

/** The changes from `before` to `after`; meta-arguments (depends_on, lifecycle) change no resource. */
export function plannedChanges(before: any, after: any): PlannedChange[] {
  const [a, b] = [resources(before), resources(after)];
  const out: PlannedChange[] = [];
  for (const [address, values] of a) {
    if (!b.has(address)) {
      out.push({ address, action: 'delete', changed: [] });
      continue;
    }
    const strip = ({ depends_on: _d, lifecycle: _l, ...rest }: any) => rest;
    const changed = changedPaths(strip(values), strip(b.get(address)));
    if (!changed.length) continue;
    const type = address.split('.')[0];
    const forceNew = FORCE_NEW[type] ?? [];
    const replace = changed.some((p) => forceNew.some((f) => p === f || p.startsWith(`${f}.`)));
    out.push({ address, action: replace ? 'replace' : 'update', changed });
  }
  for (const address of b.keys()) if (!a.has(address)) out.push({ address, action: 'create', changed: [] });
  return out.sort((x, y) => x.address.localeCompare(y.address));
}

/** Arguments that place a resource below another in ARM (its parent, scope or target). */
const ARM_PARENT =
  /^(parent_id|resource_id|scope|target_resource_id|cognitive_account_id|resource_group_name|virtual_network_name|network_security_group_name|private_dns_zone_name|subnet_id)$/;

/**
 * The `azurerm_management_lock` resources whose scope is an ARM ancestor of `address` (or the resource itself):
 * a lock is inherited by every child and extension resource below its scope
 * (learn.microsoft.com/azure/azure-resource-manager/management/lock-resources).
 */
export function locksAbove(json: any, address: string): string[] {
  const all = resources(json);
  const ancestors = new Set<string>([address]);
  const queue = [address];
  while (queue.length) {
    const values = all.get(queue.pop()!);
    if (!values) continue;
    for (const [key, value] of Object.entries<any>(values)) {
      if (!ARM_PARENT.test(key) || typeof value !== 'string') continue;
      for (const m of value.matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+\}/g)) {
        if (!ancestors.has(m[1])) {
          ancestors.add(m[1]);
          queue.push(m[1]);
        }
      }
    }
  }
  return [...all]
    .filter(([a, v]) => a.startsWith('azurerm_management_lock.') && typeof v.scope === 'string')
    .filter(([, v]) => {
      const m = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.id\}$/.exec(v.scope);
      return m !== null && ancestors.has(m[1]);
    })
    .map(([a]) => a);
}
