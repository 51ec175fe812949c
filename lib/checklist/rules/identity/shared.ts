import { PRIVILEGED_ROLE_GUIDS, ROLE_NAMES } from '../../../azure-facts';
import { TfModel, TfResource, asArray, isLiteral } from '../../model';
import {
  ACCOUNT_DATA_TYPES,
  AccountView,
  RuleResult,
  accountResourceGroup,
  accounts,
  azapiWrites,
  isAccountId,
  na,
  ok,
  pointsAt,
  resourceGroupName,
} from '../../rule';
export const NAME_TO_GUID: Record<string, string> = Object.fromEntries(
  Object.entries(ROLE_NAMES).map(([guid, name]) => [name.toLowerCase(), guid]),
);
/** A role this input cannot name: judged as the worst case (privileged) until an exemption says otherwise. */
export const UNKNOWN_ROLE = 'unknown';

/**
 * The role an assignment grants: a built-in GUID, UNKNOWN_ROLE when it cannot be known from this input, or
 * "custom:<address>" for a role defined here (judged by its actions).
 */
export function roleOf(m: TfModel, r: TfResource): string {
  const id = r.values.role_definition_id;
  const guid = /roleDefinitions\/([0-9a-f-]{36})\s*\}?\s*$/i.exec(String(id ?? ''))?.[1];
  if (guid) return guid.toLowerCase();
  if (id !== undefined && id !== null) {
    for (const target of m.references(id).map((x) => m.get(x)!)) {
      if (target.type === 'azurerm_role_definition' && !target.address.startsWith('data.')) {
        return `custom:${target.address}`;
      }
      if (
        target.type === 'azapi_resource' &&
        !target.address.startsWith('data.') &&
        /^Microsoft\.Authorization\/roleDefinitions@/i.test(String(target.values.type ?? ''))
      ) {
        return `custom:${target.address}`;
      }
      if (target.type === 'azurerm_role_definition') {
        const v = target.values;
        const g = /([0-9a-f-]{36})\s*$/i.exec(String(v.role_definition_id ?? v.id ?? ''))?.[1];
        if (g && isLiteral(v.role_definition_id ?? v.id)) return g.toLowerCase();
        if (typeof v.name === 'string' && isLiteral(v.name) && NAME_TO_GUID[v.name.toLowerCase()]) {
          return NAME_TO_GUID[v.name.toLowerCase()];
        }
      }
    }
    return UNKNOWN_ROLE;
  }
  const name = r.values.role_definition_name;
  if (typeof name === 'string' && isLiteral(name)) {
    return NAME_TO_GUID[name.trim().toLowerCase()] ?? `name:${name}`;
  }
  return UNKNOWN_ROLE;
}

/**
 * Operations that weaken the account or what protects it: its settings, keys, filter policies, deployments, Defender
 * setting and endpoint connection approval; the endpoint's network (NSG, subnet, VNet, endpoint, privatelink DNS);
 * access (role assignments and definitions, locks, policy, the workload identity's federated credentials);
 * template deployments and deployment scripts; diagnostics, the workspace, alerts and Defender plans. A custom role
 * that grants any of them (Actions minus NotActions, wildcards matched) is judged like Owner. Operation names as
 * Azure's resource provider operations list them ({Provider}/{resourceType}/{action}; Microsoft Learn,
 * "Azure permissions": https://learn.microsoft.com/azure/role-based-access-control/permissions/ai-machine-learning,
 * .../permissions/networking, .../permissions/management-and-governance, .../permissions/identity,
 * .../permissions/monitor, .../permissions/security, .../permissions/compute#microsoftresources).
 */
export const PRIVILEGED_OPERATIONS = [
  'Microsoft.CognitiveServices/accounts/write',
  'Microsoft.CognitiveServices/accounts/delete',
  'Microsoft.CognitiveServices/accounts/listKeys/action',
  'Microsoft.CognitiveServices/accounts/regenerateKey/action',
  'Microsoft.CognitiveServices/accounts/raiPolicies/write',
  'Microsoft.CognitiveServices/accounts/raiPolicies/delete',
  'Microsoft.CognitiveServices/accounts/raiBlocklists/write',
  'Microsoft.CognitiveServices/accounts/raiBlocklists/delete',
  'Microsoft.CognitiveServices/accounts/deployments/write',
  'Microsoft.CognitiveServices/accounts/deployments/delete',
  'Microsoft.CognitiveServices/accounts/defenderForAISettings/write',
  'Microsoft.CognitiveServices/accounts/privateEndpointConnections/write',
  'Microsoft.CognitiveServices/accounts/privateEndpointConnections/delete',
  'Microsoft.CognitiveServices/accounts/privateEndpointConnectionsApproval/action',
  'Microsoft.Network/networkSecurityGroups/write',
  'Microsoft.Network/networkSecurityGroups/securityRules/write',
  'Microsoft.Network/networkSecurityGroups/securityRules/delete',
  'Microsoft.Network/virtualNetworks/write',
  'Microsoft.Network/virtualNetworks/subnets/write',
  'Microsoft.Network/privateEndpoints/write',
  'Microsoft.Network/privateEndpoints/delete',
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write',
  'Microsoft.Network/privateDnsZones/write',
  'Microsoft.Network/privateDnsZones/A/write',
  'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write',
  'Microsoft.Authorization/roleAssignments/write',
  'Microsoft.Authorization/roleDefinitions/write',
  'Microsoft.Authorization/locks/delete',
  'Microsoft.Authorization/policyAssignments/write',
  'Microsoft.Authorization/policyExemptions/write',
  'Microsoft.ManagedIdentity/userAssignedIdentities/write',
  'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
  'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
  'Microsoft.Resources/deployments/write',
  'Microsoft.Resources/deploymentScripts/write',
  'Microsoft.Insights/diagnosticSettings/write',
  'Microsoft.Insights/diagnosticSettings/delete',
  'Microsoft.Insights/scheduledQueryRules/write',
  'Microsoft.Insights/metricAlerts/write',
  'Microsoft.Insights/activityLogAlerts/write',
  'Microsoft.Insights/actionGroups/write',
  'Microsoft.Insights/dataCollectionRules/write',
  'Microsoft.AlertsManagement/actionRules/write',
  'Microsoft.OperationalInsights/workspaces/write',
  'Microsoft.OperationalInsights/workspaces/delete',
  'Microsoft.OperationalInsights/workspaces/tables/write',
  'Microsoft.OperationalInsights/workspaces/purge/action',
  'Microsoft.Security/pricings/write',
];

/**
 * True when an Actions pattern grants the operation. Azure RBAC: a wildcard (*) in an action string matches any
 * characters ("Microsoft.CognitiveServices/*", "Microsoft.CognitiveServices/accounts/list*", or a leading wildcard
 * before "/write"), and
 * operation names compare case-insensitively; effective permissions are Actions minus NotActions. Source:
 * learn.microsoft.com/azure/role-based-access-control/role-definitions ("Actions", "NotActions", wildcards).
 */
export function grantsOperation(pattern: string, operation: string): boolean {
  const re = pattern
    .trim()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`, 'i').test(operation);
}

/** True when a role defined in this input can write to accounts, list their keys or grant access (judged like Owner). */
export function customRoleIsPrivileged(m: TfModel, role: string): boolean {
  const def = m.get(role.slice('custom:'.length));
  // azurerm_role_definition `permissions` (actions, not_actions), or an azapi Microsoft.Authorization/roleDefinitions
  // body's properties.permissions (actions, notActions: REST spec Microsoft.Authorization roleDefinitions).
  const azapi = def?.type === 'azapi_resource';
  const body = def?.values.body;
  const permissions = azapi
    ? body && typeof body === 'object'
      ? asArray(body.properties?.permissions)
      : body
    : asArray(def?.values.permissions);
  if (!Array.isArray(permissions) || !isLiteral(permissions)) return true;
  return permissions.some((p) => {
    const actions = asArray(p?.actions).map(String);
    const notActions = asArray(azapi ? p?.notActions : p?.not_actions).map(String);
    return PRIVILEGED_OPERATIONS.some(
      (op) => actions.some((a) => grantsOperation(a, op)) && !notActions.some((n) => grantsOperation(n, op)),
    );
  });
}

/**
 * A role given by a GUID or name this checklist does not know (not in lib/azure-facts.ts ROLE_NAMES): built-in
 * roles beyond those are many and change, and some hold Microsoft.CognitiveServices/* actions, so one that is not
 * known is judged as the worst case, like a role that cannot be named (exempt it with a reason, or define the
 * role here so its actions are judged).
 */
export function unknownBuiltIn(role: string): boolean {
  return role.startsWith('name:') || (/^[0-9a-f-]{36}$/.test(role) && !ROLE_NAMES[role]);
}

export function isPrivileged(m: TfModel, role: string): boolean {
  if (role === UNKNOWN_ROLE || unknownBuiltIn(role)) return true;
  if (role.startsWith('custom:')) return customRoleIsPrivileged(m, role);
  return PRIVILEGED_ROLE_GUIDS.includes(role);
}

export const roleLabel = (role: string) =>
  role === UNKNOWN_ROLE
    ? 'a role this input cannot name (variable, data source or unknown)'
    : role.startsWith('custom:')
      ? `custom role ${role.slice(7)}`
      : role.startsWith('name:')
        ? `role "${role.slice(5)}"`
        : `${ROLE_NAMES[role] ?? 'custom role'} (${role})`;

/** The role an azurerm resource group or a literal resource-group name resolves to (lower case), if known. */
export const rgOf = (m: TfModel, r: TfResource) => resourceGroupName(m, `\${${r.address}.name}`);

/**
 * How a scope's literal shape relates to the account, with every interpolation read as "anything": a management
 * group, the root or a subscription contain it; a resource group contains it unless both names are known and
 * differ; an account ID may be it; "anything" alone may be anything.
 */
export function shapeRelation(shape: string, accountRg: string | undefined, a: AccountView) {
  const s = shape.trim().toLowerCase().replace(/\/$/, '');
  const any = (x: string) => x.includes('\u0000');
  // Nothing known, or an interpolation or directive before the path (it may write any prefix, or none).
  if (s === '' || s.startsWith('\u0000')) return 'unknown' as const;
  if (/^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(s)) return 'contains' as const;
  if (/^\/subscriptions\/[^/]+$/.test(s)) return 'contains' as const;
  const rg = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)$/.exec(s)?.[1];
  if (rg) {
    if (any(rg)) return 'contains' as const;
    if (accountRg) return accountRg === rg ? ('contains' as const) : undefined;
    if (a.ids.some((id) => id.startsWith(`${s}/`))) return 'contains' as const;
    // The account's resource group is not known here: the worst case is that this is it.
    return a.ids.some((id) => isAccountId(id)) ? undefined : ('contains' as const);
  }
  // A resource inside the account (a deployment, a filter policy): a child path of one of its literal IDs.
  if (a.ids.some((id) => isAccountId(id) && s.startsWith(`${id}/`))) return 'inside' as const;
  const acct =
    /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)\/providers\/microsoft\.cognitiveservices\/accounts\/([^/]+)(\/.*)?$/.exec(
      s,
    );
  if (acct && (any(acct[1]) || any(acct[2]))) return 'unknown' as const;
  if (PROTECTOR_ARM_PATH.test(s)) return 'protects' as const;
  return undefined;
}

/**
 * What protects the account: its endpoint and the endpoint's network (NSG, subnet, VNet, privatelink DNS zones), the
 * workspace its logs go to, its diagnostics, alerts and action groups, and the identities that hold roles on it.
 * A grant on one of them is judged like a grant on the account (the same privileged roles, the same effective
 * operations): Owner on the endpoint NSG reopens the endpoint as surely as Owner on the account. A written-out ID
 * of such a type is judged so too (it may be this account's).
 */
export const PROTECTOR_TYPES = [
  'azurerm_network_security_group',
  'azurerm_network_security_rule',
  'azurerm_subnet',
  'azurerm_virtual_network',
  'azurerm_private_endpoint',
  'azurerm_private_dns_zone',
  'azurerm_log_analytics_workspace',
  'azurerm_user_assigned_identity',
  'azurerm_monitor_action_group',
  'azurerm_monitor_scheduled_query_rules_alert_v2',
  'azurerm_monitor_metric_alert',
  'azurerm_monitor_activity_log_alert',
  'azurerm_monitor_data_collection_rule',
  'azurerm_security_center_subscription_pricing',
];
const PROTECTOR_ARM_PATH =
  /\/providers\/microsoft\.(network\/(networksecuritygroups|virtualnetworks|privateendpoints|privatednszones)|operationalinsights\/workspaces|managedidentity\/userassignedidentities|insights\/(actiongroups|scheduledqueryrules|metricalerts|activitylogalerts|datacollectionrules|diagnosticsettings))\//;
const PROTECTOR_ARM_TYPE =
  /^Microsoft\.(Network\/(networkSecurityGroups|virtualNetworks|privateEndpoints|privateDnsZones)|OperationalInsights\/workspaces|ManagedIdentity\/userAssignedIdentities|Insights\/(actionGroups|scheduledQueryRules|metricAlerts|activityLogAlerts|dataCollectionRules|diagnosticSettings))(\/|@)/i;

/** True when `r` protects the account (see PROTECTOR_TYPES), as a resource or an azapi resource of such a type. */
export function protectsAccount(r: TfResource): boolean {
  if (PROTECTOR_TYPES.includes(r.type)) return true;
  return r.type === 'azapi_resource' && PROTECTOR_ARM_TYPE.test(String(r.values.type ?? ''));
}

/**
 * True when `r` is a resource inside the account: a deployment, RAI policy or blocklist of it (azurerm, by
 * cognitive_account_id), or an azapi child of type Microsoft.CognitiveServices/accounts/... whose parent is the
 * account or such a child. A role assignment's scope may be any resource ID (REST spec Microsoft.Authorization
 * roleAssignments: `scope` "the scope of the role assignment", a resource of any type), so a grant there lets its
 * role rewrite that child.
 */
export function insideAccount(m: TfModel, r: TfResource, a: AccountView, depth = 0): boolean {
  if (depth > 4) return false;
  if (
    [
      'azurerm_cognitive_deployment',
      'azurerm_cognitive_account_rai_policy',
      'azurerm_cognitive_account_rai_blocklist',
    ].includes(r.type)
  ) {
    return pointsAt(m, r.values.cognitive_account_id, a);
  }
  if (
    r.type !== 'azapi_resource' ||
    !/^Microsoft\.CognitiveServices\/accounts\//i.test(String(r.values.type ?? ''))
  ) {
    return false;
  }
  if (pointsAt(m, r.values.parent_id, a)) return true;
  return m
    .references(r.values.parent_id)
    .map((x) => m.get(x)!)
    .some((parent) => insideAccount(m, parent, a, depth + 1));
}

/**
 * How an assignment's scope relates to the account: "account" (the account itself), "contains" (its resource
 * group, subscription or management group), "unknown" (cannot be resolved from this input) or undefined.
 */
export function scopeRelation(
  m: TfModel,
  scope: unknown,
  a: AccountView,
): 'account' | 'inside' | 'contains' | 'protects' | 'unknown' | undefined {
  if (pointsAt(m, scope, a)) return 'account';
  if (typeof scope !== 'string') return 'unknown';
  const accountRg = accountResourceGroup(m, a);
  const refs = m.references(scope).map((x) => m.get(x)!);
  const whole = /^\$\{\s*((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?)\.id\s*\}$/.exec(
    scope.trim(),
  );
  if (whole && refs.length === 1) {
    // `${<resource>.id}`: the scope is that resource.
    const r = refs[0];
    if (r.type === 'azurerm_subscription' || r.type === 'azurerm_management_group') return 'contains';
    if (r.type === 'azurerm_resource_group') {
      const name = rgOf(m, r);
      return name && accountRg && name !== accountRg ? undefined : 'contains';
    }
    // A data source of an account this input does not resolve to a declared one may be this account.
    if (ACCOUNT_DATA_TYPES.includes(r.type) && r.address.startsWith('data.')) {
      return accounts(m).some((x) => x.aliases.includes(r.address)) ? undefined : 'unknown';
    }
    if (insideAccount(m, r, a)) return 'inside';
    if (protectsAccount(r) && !r.address.startsWith('data.')) return 'protects';
    // A data source of an azapi resource may read anything (the account, what protects it).
    if (r.type === 'azapi_resource' && r.address.startsWith('data.')) return 'unknown';
    // A reference to another resource (a key vault, a search service, another account): not the account.
    return undefined;
  }
  // A literal, or a template: interpolations stand for anything (e.g. /subscriptions/${data.x.subscription_id}).
  // Template directives (%{ if }...%{ endif }) choose between parts: each part stands for anything too.
  const shape = scope.replace(/\$\{[\s\S]*?\}/g, '\u0000').replace(/%\{[\s\S]*?\}/g, '\u0000');
  return shapeRelation(shape, accountRg, a);
}

/**
 * Every role grant in the input, in azurerm_role_assignment's shape: azurerm_role_assignment, the PIM active and
 * eligible assignments (scope, role_definition_id, principal_id; @cdktf/provider-azurerm 14.x typings of
 * pim-active-role-assignment and pim-eligible-role-assignment; no principal type) and azapi
 * Microsoft.Authorization/roleAssignments (parent_id is the scope; body.properties roleDefinitionId, principalId,
 * principalType: REST spec Microsoft.Authorization roleAssignments).
 */
export function grants(m: TfModel): TfResource[] {
  const type = /^Microsoft\.Authorization\/roleAssignments@/i;
  // A PUT of a role assignment by its ID (azapi_resource_action with method PUT, or azapi_update_resource, whose
  // resource_id is <scope>/providers/Microsoft.Authorization/roleAssignments/<name>: REST spec
  // Microsoft.Authorization roleAssignments, "Create by ID") grants as an azapi_resource does.
  const byId = (id: unknown) =>
    typeof id === 'string'
      ? id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]*\/?$/i, '')
      : id;
  const azapi = [
    ...m.ofType('azapi_resource').filter((r) => type.test(String(r.values.type ?? ''))),
    // A DELETE removes a grant: it never adds one.
    ...azapiWrites(m, type).filter((u) => String(u.values.method ?? '').toUpperCase() !== 'DELETE'),
  ].map((r) => {
    const body = r.values.body;
    const p = body && typeof body === 'object' ? (body.properties ?? {}) : {};
    return {
      ...r,
      values: {
        ...r.values,
        scope: r.type === 'azapi_resource' ? r.values.parent_id : byId(r.values.resource_id),
        // A body that cannot be read names no role: judged as the worst case.
        role_definition_id: p.roleDefinitionId ?? '${unknown}',
        principal_id: p.principalId,
        principal_type: p.principalType,
      },
    };
  });
  return [
    ...m.ofType(
      'azurerm_role_assignment',
      'azurerm_pim_active_role_assignment',
      'azurerm_pim_eligible_role_assignment',
    ),
    ...azapi,
  ];
}

/** Role assignments on the account, inside it, or on a scope that contains it (or whose scope cannot be resolved). */
export function assignmentsFor(m: TfModel, a: AccountView): Array<{ r: TfResource; relation: string }> {
  return grants(m).flatMap((r) => {
    const relation = scopeRelation(m, r.values.scope, a);
    return relation ? [{ r, relation }] : [];
  });
}

export const where = (relation: string) =>
  relation === 'account'
    ? 'on the account'
    : relation === 'inside'
      ? 'on a resource inside the account (a deployment or filter policy the role can rewrite)'
      : relation === 'contains'
        ? 'on a scope that contains the account'
        : relation === 'protects'
          ? 'on a resource that protects the account (its endpoint network, DNS zone, workspace, diagnostics, alerts or an identity), judged as on the account'
          : 'on a scope this input cannot resolve (it may contain the account)';

export function perAssignment(
  model: TfModel,
  okMessage: string,
  check: (r: TfResource, role: string, relation: string) => RuleResult | undefined,
): RuleResult[] {
  const all = accounts(model);
  if (all.length === 0) return [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')];
  const results: RuleResult[] = [];
  const seen = new Set<string>();
  for (const a of all) {
    for (const { r, relation } of assignmentsFor(model, a)) {
      if (seen.has(r.address)) continue;
      const role = roleOf(model, r);
      const result = check(r, role, relation);
      if (result || relation === 'account') {
        seen.add(r.address);
        results.push(result ?? ok(r.address, `${roleLabel(role)}: ${okMessage}`));
      }
    }
  }
  return results.length ? results : [na('no role assignments on the account')];
}
