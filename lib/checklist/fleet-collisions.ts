/**
 * Fleet collision check: reads the synthesized Terraform JSON of every stack of an app (or of a whole fleet) and
 * collects, for each resource Azure names within a scope, its identity (scope, type, name); two resources with the
 * same identity would collide at apply ("already exists - needs to be imported") or, in separate states, overwrite
 * and delete each other. Like the checklist, it knows Terraform JSON only, so hand-written stacks are judged too.
 *
 * Besides names it checks the singletons Azure allows once per scope: one Defender plan per subscription and
 * resource type, one NSG association per subnet, one role assignment per (scope, role, principal), one custom
 * subdomain per cloud, and one private DNS zone of a given name per VNet (Azure: "A virtual network cannot be linked
 * to multiple zones with overlapping namespaces", learn.microsoft.com/azure/dns/private-dns-virtual-network-links).
 */

/** One stack's synthesized document (cdk.tf.json parsed). */
export interface StackDocument {
  /** The stack name (for messages). */
  readonly stackName: string;
  /** The parsed Terraform JSON. */
  readonly document: any;
}

/** What Azure keeps unique: a name of a type within a scope. */
export interface NamedIdentity {
  /** The stack the resource is in. */
  readonly stackName: string;
  /** Its Terraform address. */
  readonly address: string;
  /** The scope Azure keeps the name unique in (a subscription, resource group or parent resource ID), lower case. */
  readonly scope: string;
  /** The Azure resource type (or the singleton's kind). */
  readonly type: string;
  /** The name, lower case (Azure names are case-insensitive). */
  readonly name: string;
}

/** Two or more resources with one identity. */
export interface NameCollision {
  /** Where the name must be unique: a subscription, a resource group or Azure as a whole (global names). */
  readonly scope: string;
  /** The Terraform resource type that claims the name, e.g. azurerm_cognitive_account. */
  readonly type: string;
  /** The Azure name claimed twice. */
  readonly name: string;
  /** "<stack>: <address>" of each resource that claims the identity. */
  readonly claimedBy: string[];
}

/** Subscription label for a provider without subscription_id: the one ARM_SUBSCRIPTION_ID names at plan time. */
export const DEFAULT_SUBSCRIPTION = '/subscriptions/(arm_subscription_id)';

/** Collects the named identities of a fleet's stacks and reports duplicates. */
export class FleetCollisions {
  /** Every named identity of the given stacks. */
  public static identities(stacks: StackDocument[]): NamedIdentity[] {
    return stacks.flatMap((s) => new StackResolver(s).identities());
  }

  /** Identities claimed by more than one resource, in a stable order. */
  public static find(stacks: StackDocument[]): NameCollision[] {
    const byKey = new Map<string, { identity: NamedIdentity; claimedBy: string[] }>();
    for (const identity of FleetCollisions.identities(stacks)) {
      const key = `${identity.scope}|${identity.type.toLowerCase()}|${identity.name}`;
      const entry = byKey.get(key) ?? { identity, claimedBy: [] };
      entry.claimedBy.push(`${identity.stackName}: ${identity.address}`);
      byKey.set(key, entry);
    }
    return [...byKey.entries()]
      .filter(([, e]) => e.claimedBy.length > 1)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, e]) => ({
        scope: e.identity.scope,
        type: e.identity.type,
        name: e.identity.name,
        claimedBy: e.claimedBy,
      }));
  }

  /** Throws with one line per collision when any identity is claimed twice. */
  public static assertNone(stacks: StackDocument[]): void {
    const collisions = FleetCollisions.find(stacks);
    if (collisions.length === 0) return;
    throw new Error(
      `${collisions.length} name collision(s):\n` +
        collisions.map((c) => `- ${c.type} "${c.name}" in ${c.scope}: ${c.claimedBy.join(', ')}`).join('\n'),
    );
  }
}

/** ARM resource types of the azurerm resources whose names sit directly in a resource group. */
const RESOURCE_GROUP_TYPES: Record<string, string> = {
  azurerm_cognitive_account: 'Microsoft.CognitiveServices/accounts',
  azurerm_virtual_network: 'Microsoft.Network/virtualNetworks',
  azurerm_network_security_group: 'Microsoft.Network/networkSecurityGroups',
  azurerm_private_endpoint: 'Microsoft.Network/privateEndpoints',
  azurerm_private_dns_zone: 'Microsoft.Network/privateDnsZones',
  azurerm_user_assigned_identity: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  azurerm_log_analytics_workspace: 'Microsoft.OperationalInsights/workspaces',
  azurerm_monitor_action_group: 'Microsoft.Insights/actionGroups',
  azurerm_monitor_metric_alert: 'Microsoft.Insights/metricAlerts',
  azurerm_monitor_activity_log_alert: 'Microsoft.Insights/activityLogAlerts',
  azurerm_monitor_scheduled_query_rules_alert_v2: 'Microsoft.Insights/scheduledQueryRules',
};

const REFERENCE = /^\$\{((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)\.([a-z_]+)\}$/;
const SUBSCRIPTION_OF =
  /^\$\{join\("\/", slice\(split\("\/", ((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)\.id\), 0, 3\)\)\}$/;

class StackResolver {
  private readonly resources = new Map<string, { type: string; values: any }>();

  constructor(private readonly stack: StackDocument) {
    for (const [type, byName] of Object.entries<any>(stack.document.resource ?? {})) {
      for (const [name, values] of Object.entries<any>(byName ?? {})) {
        this.resources.set(`${type}.${name}`, { type, values });
      }
    }
    for (const [type, byName] of Object.entries<any>(stack.document.data ?? {})) {
      for (const [name, values] of Object.entries<any>(byName ?? {})) {
        this.resources.set(`data.${type}.${name}`, { type: `data.${type}`, values });
      }
    }
  }

  public identities(): NamedIdentity[] {
    const out: NamedIdentity[] = [];
    for (const [address, r] of this.resources) {
      for (const [scope, type, name] of this.claims(r.type, r.values)) {
        out.push({
          stackName: this.stack.stackName,
          address,
          scope: scope.toLowerCase(),
          type,
          name: String(name).toLowerCase(),
        });
      }
    }
    return out;
  }

  /** (scope, type, name) triples a resource claims. */
  private claims(type: string, v: any): Array<[string, string, string]> {
    const sub = this.subscriptionOf(v);
    const rg = (): string => `${sub}/resourceGroups/${this.resolve(v.resource_group_name)}`;
    const claims: Array<[string, string, string]> = [];
    const named = (scope: string, armType: string, name: unknown) =>
      claims.push([scope, armType, this.resolve(name)]);
    switch (type) {
      case 'azurerm_resource_group':
        named(sub, 'Microsoft.Resources/resourceGroups', v.name);
        break;
      case 'azurerm_subnet':
        named(
          `${rg()}/providers/Microsoft.Network/virtualNetworks/${this.resolve(v.virtual_network_name)}`,
          'subnets',
          v.name,
        );
        break;
      case 'azurerm_network_security_rule':
        named(
          `${rg()}/providers/Microsoft.Network/networkSecurityGroups/${this.resolve(v.network_security_group_name)}`,
          'securityRules',
          v.name,
        );
        break;
      case 'azurerm_private_dns_zone_virtual_network_link': {
        const zone = this.resolve(v.private_dns_zone_name);
        named(`${rg()}/providers/Microsoft.Network/privateDnsZones/${zone}`, 'virtualNetworkLinks', v.name);
        claims.push([this.resolve(v.virtual_network_id), 'linked private DNS zone name', zone]);
        break;
      }
      case 'azurerm_cognitive_deployment':
        named(this.resolve(v.cognitive_account_id), 'deployments', v.name);
        break;
      case 'azurerm_monitor_diagnostic_setting':
        named(this.resolve(v.target_resource_id), 'Microsoft.Insights/diagnosticSettings', v.name);
        break;
      case 'azurerm_security_center_subscription_pricing':
        named(sub, 'Microsoft.Security/pricings', v.resource_type ?? 'VirtualMachines');
        break;
      case 'azurerm_management_lock':
        named(this.resolve(v.scope), 'Microsoft.Authorization/locks', v.name);
        break;
      case 'azurerm_subnet_network_security_group_association':
        claims.push([this.resolve(v.subnet_id), 'network security group association', 'nsg']);
        break;
      case 'azurerm_role_assignment':
        claims.push([
          this.resolve(v.scope),
          'role assignment (role, principal)',
          `${this.resolve(v.role_definition_id)}|${this.resolve(v.principal_id)}`,
        ]);
        break;
      case 'azapi_update_resource':
      case 'azapi_resource':
        claims.push(...this.azapiClaims(type, v));
        break;
      default:
        if (RESOURCE_GROUP_TYPES[type] && v.resource_group_name !== undefined) {
          named(rg(), RESOURCE_GROUP_TYPES[type], v.name);
        }
    }
    if (type === 'azurerm_cognitive_account' && v.custom_subdomain_name !== undefined) {
      // The subdomain is global: <subdomain>.openai.azure.com.
      claims.push(['(global)', 'cognitive services custom subdomain', this.resolve(v.custom_subdomain_name)]);
    }
    return claims;
  }

  /** The claims of an azapi write: a resource by parent, type and name; the Defender plan written as an update. */
  private azapiClaims(type: string, v: any): Array<[string, string, string]> {
    const claims: Array<[string, string, string]> = [];
    if (type === 'azapi_update_resource') {
      // The Defender plan is written as an update (lib/subscription-baseline.ts): still one owner per
      // subscription, or two stacks' extension lists overwrite each other.
      const target = this.resolve(v.resource_id);
      const plan = /^(.*)\/providers\/Microsoft\.Security\/pricings\/([^/]+)$/i.exec(target);
      if (plan && /^Microsoft\.Security\/pricings@/i.test(String(v.type ?? ''))) {
        claims.push([plan[1], 'Microsoft.Security/pricings', plan[2]]);
      }
      return claims;
    }
    const armType = String(v.type ?? '').split('@')[0];
    const parent = this.resolve(v.parent_id);
    claims.push([parent, armType, this.resolve(v.name)]);
    if (/^Microsoft\.Network\/privateDnsZones\/virtualNetworkLinks$/i.test(armType)) {
      const vnet = this.resolve(v.body?.properties?.virtualNetwork?.id);
      claims.push([vnet, 'linked private DNS zone name', parent.split('/').pop() ?? parent]);
    }
    return claims;
  }

  /** The ARM ID of a resource this resolver can name, for references to it. */
  private idOf(type: string, v: any): string | undefined {
    const sub = this.subscriptionOf(v);
    if (type === 'azurerm_resource_group') return `${sub}/resourceGroups/${this.resolve(v.name)}`;
    if (type === 'data.azurerm_subscription') return sub;
    const rg = `${sub}/resourceGroups/${this.resolve(v.resource_group_name)}`;
    if (type === 'azurerm_subnet') {
      return `${rg}/providers/Microsoft.Network/virtualNetworks/${this.resolve(v.virtual_network_name)}/subnets/${this.resolve(v.name)}`;
    }
    if (type === 'azurerm_cognitive_deployment') {
      return `${this.resolve(v.cognitive_account_id)}/deployments/${this.resolve(v.name)}`;
    }
    if (type === 'azapi_resource') {
      const armType = String(v.type ?? '')
        .split('@')[0]
        .split('/');
      const parent = this.resolve(v.parent_id);
      return /\/providers\//i.test(parent) && armType.length > 2
        ? `${parent}/${armType[armType.length - 1]}/${this.resolve(v.name)}`
        : `${parent}/providers/${armType.join('/')}/${this.resolve(v.name)}`;
    }
    if (RESOURCE_GROUP_TYPES[type]) {
      return `${rg}/providers/${RESOURCE_GROUP_TYPES[type]}/${this.resolve(v.name)}`;
    }
    return undefined;
  }

  /** The subscription a resource is created in: its provider's subscription_id, or ARM_SUBSCRIPTION_ID's. */
  private subscriptionOf(v: any): string {
    const [providerType, alias] = String(v?.provider ?? 'azurerm').split('.');
    const configs: any[] = [].concat(this.stack.document.provider?.[providerType] ?? []);
    const config = configs.find((c) => (c?.alias ?? undefined) === alias);
    const id = config?.subscription_id;
    return id && !String(id).includes('${') ? `/subscriptions/${id}` : DEFAULT_SUBSCRIPTION;
  }

  /**
   * A value with references to resources of this stack replaced by their names or IDs; a value this resolver
   * cannot follow stays as written, qualified by the stack (so it never matches another stack's by accident).
   */
  private resolve(value: unknown, depth = 0): string {
    if (value === undefined || value === null) return '(unset)';
    const text = String(value);
    if (!text.includes('${')) return text;
    const ref = REFERENCE.exec(text);
    const target = ref && this.resources.get(ref[1]);
    if (ref && target && depth < 10) {
      if (ref[2] === 'id') {
        const id = this.idOf(target.type, target.values);
        if (id) return id;
      } else if (target.values[ref[2]] !== undefined) {
        // An attribute the configuration sets (name, resource_group_name, ...) resolves to its value.
        return this.resolve(target.values[ref[2]], depth + 1);
      }
    }
    const sub = SUBSCRIPTION_OF.exec(text);
    const subTarget = sub && this.resources.get(sub[1]);
    if (subTarget && depth < 10) {
      const id = this.idOf(subTarget.type, subTarget.values);
      if (id) return id.split('/').slice(0, 3).join('/');
    }
    return `(${this.stack.stackName}) ${text}`;
  }
}
