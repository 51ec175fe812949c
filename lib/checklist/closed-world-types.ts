/**
 * The closed world (issue 25): in a configuration that holds an Azure OpenAI account, every resource, data source,
 * azapi resource type, provisioner and module call is looked up here. This table is the one source for
 * AOAI-CHK-005 and for the table in docs/rules.md (scripts/gen-rules.js prints it).
 *
 * - judged: a rule reads it (named in `rules`); when `writes` is set, AOAI-CHK-005 also fails the instances that
 *   write what no rule reads (a policy assignment that can remediate, a transformation that drops rows).
 * - inert: it cannot write to Azure or run code (a read, a value, a record).
 * - writer: it can write anything to Azure or run code, and no rule can read what it does: it fails AOAI-CHK-005
 *   unless exempted with a reason.
 * A type that is not listed is unknown: it may write to Azure or run code, so it fails AOAI-CHK-005 too.
 *
 * A `*` at the end of a type matches any suffix (azurerm_* data sources, Microsoft.CognitiveServices/accounts/*).
 */
export type ClosedWorldKind = 'resource' | 'data source' | 'azapi type' | 'provisioner' | 'module call';
export type ClosedWorldStatus = 'judged' | 'inert' | 'writer';

export interface ClosedWorldType {
  /** Terraform type, ARM type (azapi, without the API version), provisioner type, or `module`. */
  readonly type: string;
  readonly kind: ClosedWorldKind;
  readonly status: ClosedWorldStatus;
  /** Why it has this status (and, for writers, what to do instead). */
  readonly why: string;
  /** The rules that judge it (judged types). */
  readonly rules?: readonly string[];
  /** For a judged type: the values of one instance that write what no rule reads (a reason), else undefined. */
  readonly writes?: (
    values: Record<string, any>,
    lookup: (value: unknown) => Record<string, any>[],
  ) => string | undefined;
}

const ARM_TEMPLATE =
  'deploys an ARM template: it can create or change any resource (the account, its network, its grants) and the checklist does not read templates; write the resources as azurerm or azapi resources, or exempt it with a reason';
const SCRIPT =
  'runs a script (az CLI or PowerShell) in Azure with an identity: it can change anything that identity may, and the checklist cannot read what a script does';

/** A managed identity on a policy assignment is what lets deployIfNotExists and modify remediate (Learn, "Remediate non-compliant resources with Azure Policy": such assignments need a managed identity). */
function policyAssignmentWrites(
  v: Record<string, any>,
  lookup: (value: unknown) => Record<string, any>[],
): string | undefined {
  const identity = Array.isArray(v.identity) ? v.identity[0] : v.identity;
  if (identity && typeof identity === 'object') {
    return 'the assignment has a managed identity, so a deployIfNotExists or modify effect can change resources (remediation); no rule reads what it deploys';
  }
  for (const def of lookup(v.policy_definition_id)) {
    const effect = policyEffect(def);
    if (effect) return `its policy definition ${effect}`;
  }
  return undefined;
}

/** A policy definition's effect when it can write: modify, deployIfNotExists, or one given by a parameter or not a literal. */
export function policyEffect(def: Record<string, any>): string | undefined {
  let rule = def.policy_rule ?? def.body?.properties?.policyRule;
  if (typeof rule === 'string') {
    try {
      rule = JSON.parse(rule);
    } catch {
      return 'has a policy rule that cannot be read (an expression)';
    }
  }
  if (!rule || typeof rule !== 'object') return 'has a policy rule that cannot be read';
  const effect = rule.then?.effect ?? rule.then?.Effect;
  if (typeof effect !== 'string') return 'has no literal effect';
  if (/^(modify|deployifnotexists)$/i.test(effect)) return `has effect ${effect}, which changes resources`;
  if (/\[|\$\{/.test(effect)) {
    return `takes its effect from a parameter or expression (${effect}): it may be modify or deployIfNotExists`;
  }
  return undefined;
}

/** A data collection rule that transforms rows at ingestion (transform_kql other than `source`) can drop them. */
function dcrWrites(v: Record<string, any>): string | undefined {
  const flows = Array.isArray(v.data_flow) ? v.data_flow : v.data_flow ? [v.data_flow] : [];
  const body = v.body?.properties;
  const armFlows = Array.isArray(body?.dataFlows) ? body.dataFlows : [];
  if (String(v.kind ?? v.body?.kind ?? '').toLowerCase() === 'workspacetransforms') {
    return 'a workspace transformation rule (kind WorkspaceTransforms) runs a KQL transformation on every row the workspace ingests and can drop them';
  }
  for (const f of [
    ...flows.map((x: any) => x?.transform_kql),
    ...armFlows.map((x: any) => x?.transformKql),
  ]) {
    if (f !== undefined && f !== null && String(f).trim().toLowerCase() !== 'source') {
      return `a transformation at ingestion (${JSON.stringify(f)}) can drop or rewrite the rows the detections read`;
    }
  }
  return undefined;
}

/** A workspace with a transformation DCR (data_collection_rule_id): its transformation runs on ingestion. */
function workspaceWrites(
  v: Record<string, any>,
  lookup: (value: unknown) => Record<string, any>[],
): string | undefined {
  const id = v.data_collection_rule_id;
  if (id === undefined || id === null || id === '') return undefined;
  const dcrs = lookup(id);
  if (!dcrs.length) {
    return 'the workspace has a transformation data collection rule (data_collection_rule_id) this input does not show: it runs at ingestion and can drop rows';
  }
  return dcrs.map((d) => dcrWrites(d)).find((x) => x);
}

const role = (rules: string[]) => ({ rules });

export const CLOSED_WORLD_TYPES: readonly ClosedWorldType[] = [
  // The account and what protects it: judged by the rules.
  {
    type: 'azurerm_cognitive_account',
    kind: 'resource',
    status: 'judged',
    why: 'the account',
    ...role(['AOAI-NET-001', 'AOAI-IAM-001']),
  },
  {
    type: 'azurerm_ai_services',
    kind: 'resource',
    status: 'judged',
    why: 'the account (AIServices)',
    ...role(['AOAI-NET-001', 'AOAI-IAM-001']),
  },
  {
    type: 'azurerm_cognitive_deployment',
    kind: 'resource',
    status: 'judged',
    why: 'a model deployment of the account',
    ...role(['AOAI-CFP-001', 'AOAI-CFP-005']),
  },
  {
    type: 'azurerm_cognitive_account_rai_policy',
    kind: 'resource',
    status: 'judged',
    why: 'a content filter policy',
    ...role(['AOAI-CFP-002']),
  },
  {
    type: 'azurerm_cognitive_account_rai_blocklist',
    kind: 'resource',
    status: 'judged',
    why: 'a custom blocklist',
    ...role(['AOAI-CFP-006']),
  },
  {
    type: 'azurerm_private_endpoint',
    kind: 'resource',
    status: 'judged',
    why: 'the account endpoint',
    ...role(['AOAI-NET-006']),
  },
  {
    type: 'azurerm_private_dns_zone',
    kind: 'resource',
    status: 'judged',
    why: 'a privatelink zone',
    ...role(['AOAI-NET-007']),
  },
  {
    type: 'azurerm_private_dns_zone_virtual_network_link',
    kind: 'resource',
    status: 'judged',
    why: 'a zone link',
    ...role(['AOAI-NET-007']),
  },
  ...[
    'azurerm_private_dns_a_record',
    'azurerm_private_dns_aaaa_record',
    'azurerm_private_dns_cname_record',
  ].map((type): ClosedWorldType => ({
    type,
    kind: 'resource',
    status: 'judged',
    why: 'a record in a privatelink zone',
    rules: ['AOAI-NET-006'],
  })),
  {
    type: 'azurerm_virtual_network',
    kind: 'resource',
    status: 'judged',
    why: 'the endpoint VNet (DNS servers)',
    ...role(['AOAI-NET-007']),
  },
  {
    type: 'azurerm_virtual_network_dns_servers',
    kind: 'resource',
    status: 'judged',
    why: 'DNS servers of a VNet',
    ...role(['AOAI-NET-007']),
  },
  {
    type: 'azurerm_subnet',
    kind: 'resource',
    status: 'judged',
    why: 'the endpoint subnet',
    ...role(['AOAI-NET-008']),
  },
  {
    type: 'azurerm_subnet_network_security_group_association',
    kind: 'resource',
    status: 'judged',
    why: 'the endpoint subnet NSG',
    ...role(['AOAI-NET-008']),
  },
  {
    type: 'azurerm_network_security_group',
    kind: 'resource',
    status: 'judged',
    why: 'the endpoint NSG',
    ...role(['AOAI-NET-009']),
  },
  {
    type: 'azurerm_network_security_rule',
    kind: 'resource',
    status: 'judged',
    why: 'a rule of the endpoint NSG',
    ...role(['AOAI-NET-009']),
  },
  {
    type: 'azurerm_role_assignment',
    kind: 'resource',
    status: 'judged',
    why: 'a grant',
    ...role(['AOAI-IAM-003', 'AOAI-IAM-004', 'AOAI-IAM-005']),
  },
  {
    type: 'azurerm_pim_active_role_assignment',
    kind: 'resource',
    status: 'judged',
    why: 'a PIM grant',
    ...role(['AOAI-IAM-003']),
  },
  {
    type: 'azurerm_pim_eligible_role_assignment',
    kind: 'resource',
    status: 'judged',
    why: 'a PIM grant',
    ...role(['AOAI-IAM-003']),
  },
  {
    type: 'azurerm_role_definition',
    kind: 'resource',
    status: 'judged',
    why: 'a custom role: judged by its effective actions where it is granted',
    ...role(['AOAI-IAM-003']),
  },
  {
    type: 'azurerm_federated_identity_credential',
    kind: 'resource',
    status: 'judged',
    why: 'who may act as a workload identity',
    ...role(['AOAI-IAM-006']),
  },
  {
    type: 'azurerm_user_assigned_identity',
    kind: 'resource',
    status: 'judged',
    why: 'a workload or account identity (its grants and federated credentials are judged)',
    ...role(['AOAI-IAM-002', 'AOAI-IAM-006']),
  },
  {
    type: 'azurerm_management_lock',
    kind: 'resource',
    status: 'judged',
    why: 'a lock (deletion protection)',
    ...role(['AOAI-CHK-002']),
  },
  {
    type: 'azurerm_log_analytics_workspace',
    kind: 'resource',
    status: 'judged',
    why: 'the workspace',
    ...role(['AOAI-MON-001', 'AOAI-MON-002', 'AOAI-CHK-005']),
    writes: workspaceWrites,
  },
  {
    type: 'azurerm_log_analytics_workspace_table',
    kind: 'resource',
    status: 'judged',
    why: 'a workspace table retention',
    ...role(['AOAI-MON-002']),
  },
  {
    type: 'azurerm_monitor_diagnostic_setting',
    kind: 'resource',
    status: 'judged',
    why: 'diagnostics',
    ...role(['AOAI-MON-001', 'AOAI-MON-003']),
  },
  {
    type: 'azurerm_monitor_action_group',
    kind: 'resource',
    status: 'judged',
    why: 'alert receivers',
    ...role(['AOAI-MON-010', 'AOAI-MON-014']),
  },
  {
    type: 'azurerm_monitor_activity_log_alert',
    kind: 'resource',
    status: 'judged',
    why: 'an alert (an ARM-event detection where the Activity Log goes to another workspace)',
    ...role(['AOAI-MON-007', 'AOAI-MON-012']),
  },
  {
    type: 'azurerm_monitor_metric_alert',
    kind: 'resource',
    status: 'judged',
    why: 'an alert',
    ...role(['AOAI-MON-005', 'AOAI-MON-008']),
  },
  {
    type: 'azurerm_monitor_scheduled_query_rules_alert_v2',
    kind: 'resource',
    status: 'judged',
    why: 'a detection',
    ...role(['AOAI-MON-004', 'AOAI-MON-013']),
  },
  {
    type: 'azurerm_monitor_alert_processing_rule_suppression',
    kind: 'resource',
    status: 'judged',
    why: 'removes alert actions',
    ...role(['AOAI-MON-010']),
  },
  {
    type: 'azurerm_monitor_alert_processing_rule_action_group',
    kind: 'resource',
    status: 'inert',
    why: 'only adds action groups to alerts',
  },
  {
    type: 'azurerm_security_center_subscription_pricing',
    kind: 'resource',
    status: 'judged',
    why: 'the Defender plan',
    ...role(['AOAI-MON-011']),
  },
  {
    type: 'azurerm_monitor_data_collection_rule',
    kind: 'resource',
    status: 'judged',
    why: 'a data collection rule: one that transforms rows at ingestion can drop what the detections read',
    ...role(['AOAI-CHK-005']),
    writes: (v) => dcrWrites(v),
  },
  {
    type: 'azurerm_monitor_data_collection_rule_association',
    kind: 'resource',
    status: 'inert',
    why: 'associates a rule judged as azurerm_monitor_data_collection_rule',
  },
  // Azure Policy: an assignment that can remediate changes resources no rule reads.
  ...[
    'azurerm_resource_group_policy_assignment',
    'azurerm_subscription_policy_assignment',
    'azurerm_management_group_policy_assignment',
    'azurerm_resource_policy_assignment',
  ].map((type): ClosedWorldType => ({
    type,
    kind: 'resource',
    status: 'judged',
    why: 'a policy assignment: fails when it can remediate (a managed identity, or a definition here whose effect is modify, deployIfNotExists or a parameter)',
    rules: ['AOAI-CHK-005'],
    writes: policyAssignmentWrites,
  })),
  {
    type: 'azurerm_policy_definition',
    kind: 'resource',
    status: 'inert',
    why: 'does nothing until assigned; its effect is judged on the assignment',
  },
  {
    type: 'azurerm_policy_set_definition',
    kind: 'resource',
    status: 'inert',
    why: 'does nothing until assigned; its assignment is judged',
  },
  ...[
    'azurerm_resource_group_policy_remediation',
    'azurerm_subscription_policy_remediation',
    'azurerm_management_group_policy_remediation',
    'azurerm_resource_policy_remediation',
  ].map((type): ClosedWorldType => ({
    type,
    kind: 'resource',
    status: 'writer',
    why: 'a remediation task deploys or modifies resources through a policy (deployIfNotExists, modify); no rule reads what it changes',
  })),
  // ARM template deployments and deployment scripts: writers.
  ...[
    'azurerm_resource_group_template_deployment',
    'azurerm_subscription_template_deployment',
    'azurerm_management_group_template_deployment',
    'azurerm_tenant_template_deployment',
  ].map((type): ClosedWorldType => ({ type, kind: 'resource', status: 'writer', why: ARM_TEMPLATE })),
  ...[
    'azurerm_resource_deployment_script_azure_cli',
    'azurerm_resource_deployment_script_azure_power_shell',
  ].map((type): ClosedWorldType => ({ type, kind: 'resource', status: 'writer', why: SCRIPT })),
  // Containers of the account: creating them changes nothing the rules judge.
  {
    type: 'azurerm_resource_group',
    kind: 'resource',
    status: 'inert',
    why: 'a container; grants on it are judged as grants on what it contains',
  },
  {
    type: 'azurerm_subscription',
    kind: 'resource',
    status: 'inert',
    why: 'a subscription alias; grants on it are judged',
  },
  {
    type: 'azurerm_management_group',
    kind: 'resource',
    status: 'inert',
    why: 'a container; grants on it are judged',
  },
  // azapi: judged by the ARM type they write.
  {
    type: 'azapi_resource',
    kind: 'resource',
    status: 'judged',
    why: 'judged by its ARM type (the azapi types below)',
  },
  {
    type: 'azapi_update_resource',
    kind: 'resource',
    status: 'judged',
    why: 'judged by its ARM type (the azapi types below)',
  },
  {
    type: 'azapi_resource_action',
    kind: 'resource',
    status: 'judged',
    why: 'judged by its ARM type (the azapi types below); a POST action on a type with no entry is unknown',
  },
  // Terraform's own and value-only providers: no Azure writes and no code.
  {
    type: 'terraform_data',
    kind: 'resource',
    status: 'inert',
    why: 'holds a value (the hardening record); a provisioner on it is judged as a provisioner',
  },
  {
    type: 'null_resource',
    kind: 'resource',
    status: 'inert',
    why: 'holds nothing; a provisioner on it is judged as a provisioner',
  },
  { type: 'time_static', kind: 'resource', status: 'inert', why: 'a timestamp in state' },
  { type: 'time_offset', kind: 'resource', status: 'inert', why: 'a timestamp in state' },
  { type: 'time_rotating', kind: 'resource', status: 'inert', why: 'a timestamp in state' },
  { type: 'random_id', kind: 'resource', status: 'inert', why: 'a random value in state' },
  { type: 'random_string', kind: 'resource', status: 'inert', why: 'a random value in state' },
  { type: 'random_uuid', kind: 'resource', status: 'inert', why: 'a random value in state' },
  { type: 'random_integer', kind: 'resource', status: 'inert', why: 'a random value in state' },
  { type: 'random_pet', kind: 'resource', status: 'inert', why: 'a random value in state' },
  // Provisioners run code on the machine that applies (or on a remote host) with its Azure credentials.
  {
    type: 'local-exec',
    kind: 'provisioner',
    status: 'writer',
    why: 'runs a command where Terraform runs, with its Azure credentials (`az` can change anything they may)',
  },
  { type: 'remote-exec', kind: 'provisioner', status: 'writer', why: 'runs commands on a remote host' },
  {
    type: 'file',
    kind: 'provisioner',
    status: 'writer',
    why: 'copies files to a remote host (what runs them is not seen here)',
  },
  {
    type: 'module',
    kind: 'module call',
    status: 'judged',
    why: 'Terraform JSON shows a call, not its resources: judged by AOAI-CHK-002 (check the plan JSON, where each of its resources is looked up here)',
    rules: ['AOAI-CHK-002'],
  },
  // Data sources: reads.
  {
    type: 'azurerm_*',
    kind: 'data source',
    status: 'inert',
    why: 'azurerm data sources read (provider docs: a data source reads an existing resource)',
  },
  { type: 'azapi_resource', kind: 'data source', status: 'inert', why: 'a GET of a resource' },
  { type: 'azapi_resource_list', kind: 'data source', status: 'inert', why: 'a GET of a list' },
  { type: 'azapi_resource_id', kind: 'data source', status: 'inert', why: 'computes an ID' },
  { type: 'azapi_client_config', kind: 'data source', status: 'inert', why: 'reads the caller' },
  {
    type: 'azapi_resource_action',
    kind: 'data source',
    status: 'writer',
    why: 'sends an action (POST by default: regenerateKey, approve a connection, ...) at every plan',
  },
  { type: 'external', kind: 'data source', status: 'writer', why: 'runs a program at every plan' },
  { type: 'terraform_remote_state', kind: 'data source', status: 'inert', why: 'reads another state' },
  // azapi ARM types.
  {
    type: 'Microsoft.CognitiveServices/accounts',
    kind: 'azapi type',
    status: 'judged',
    why: 'the account',
    rules: ['AOAI-NET-001', 'AOAI-IAM-001'],
  },
  {
    type: 'Microsoft.CognitiveServices/accounts/*',
    kind: 'azapi type',
    status: 'judged',
    why: 'children of the account (deployments, filter policies, blocklists, Defender setting, endpoint connections)',
    rules: ['AOAI-CFP-001', 'AOAI-NET-006', 'AOAI-MON-011'],
  },
  {
    type: 'Microsoft.Network/privateEndpoints',
    kind: 'azapi type',
    status: 'judged',
    why: 'an endpoint',
    rules: ['AOAI-NET-006'],
  },
  {
    type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    kind: 'azapi type',
    status: 'judged',
    why: 'the endpoint zone group',
    rules: ['AOAI-NET-006'],
  },
  {
    type: 'Microsoft.Network/networkSecurityGroups',
    kind: 'azapi type',
    status: 'judged',
    why: 'an NSG',
    rules: ['AOAI-NET-009'],
  },
  {
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    kind: 'azapi type',
    status: 'judged',
    why: 'an NSG rule',
    rules: ['AOAI-NET-009'],
  },
  {
    type: 'Microsoft.Network/virtualNetworks/subnets',
    kind: 'azapi type',
    status: 'judged',
    why: 'a subnet',
    rules: ['AOAI-NET-008'],
  },
  ...[
    'Microsoft.Network/privateDnsZones/A',
    'Microsoft.Network/privateDnsZones/AAAA',
    'Microsoft.Network/privateDnsZones/CNAME',
  ].map((type): ClosedWorldType => ({
    type,
    kind: 'azapi type',
    status: 'judged',
    why: 'a record in a privatelink zone',
    rules: ['AOAI-NET-006'],
  })),
  {
    type: 'Microsoft.Network/privateDnsZones',
    kind: 'azapi type',
    status: 'judged',
    why: 'a zone: record writes through its actions are judged',
    rules: ['AOAI-NET-006'],
  },
  {
    type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    kind: 'azapi type',
    status: 'judged',
    why: 'links a zone to a VNet (hub DNS): fails when it lets VMs register records',
    rules: ['AOAI-CHK-005'],
    writes: (v) => {
      const reg = v.body?.properties?.registrationEnabled;
      return reg === undefined || reg === false
        ? undefined
        : `registrationEnabled ${JSON.stringify(reg)} lets VMs register their own names in the zone`;
    },
  },
  {
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
    kind: 'azapi type',
    status: 'judged',
    why: 'who may act as an identity',
    rules: ['AOAI-IAM-006'],
  },
  {
    type: 'Microsoft.Authorization/roleAssignments',
    kind: 'azapi type',
    status: 'judged',
    why: 'a grant',
    rules: ['AOAI-IAM-003'],
  },
  {
    type: 'Microsoft.Authorization/roleDefinitions',
    kind: 'azapi type',
    status: 'judged',
    why: 'a custom role, judged by its effective actions',
    rules: ['AOAI-IAM-003'],
  },
  {
    type: 'Microsoft.Authorization/policyAssignments',
    kind: 'azapi type',
    status: 'judged',
    why: 'a policy assignment (fails when it can remediate)',
    rules: ['AOAI-CHK-005'],
    writes: (v, lookup) =>
      policyAssignmentWrites(
        {
          identity: v.identity ?? v.body?.identity,
          policy_definition_id: v.body?.properties?.policyDefinitionId,
        },
        lookup,
      ),
  },
  {
    type: 'Microsoft.Security/pricings',
    kind: 'azapi type',
    status: 'judged',
    why: 'a Defender plan (this package writes the AI plan as an azapi_update_resource: no Free on destroy)',
    rules: ['AOAI-MON-011'],
  },
  {
    type: 'Microsoft.Insights/diagnosticSettings',
    kind: 'azapi type',
    status: 'judged',
    why: 'diagnostics',
    rules: ['AOAI-MON-001'],
  },
  {
    type: 'Microsoft.Insights/dataCollectionRules',
    kind: 'azapi type',
    status: 'judged',
    why: 'a data collection rule (fails when it transforms at ingestion)',
    rules: ['AOAI-CHK-005'],
    writes: (v) => dcrWrites(v),
  },
  {
    type: 'Microsoft.OperationalInsights/workspaces/tables',
    kind: 'azapi type',
    status: 'judged',
    why: 'a table retention',
    rules: ['AOAI-MON-002'],
  },
  {
    type: 'Microsoft.AlertsManagement/actionRules',
    kind: 'azapi type',
    status: 'judged',
    why: 'an alert processing rule',
    rules: ['AOAI-MON-010'],
  },
  { type: 'Microsoft.Resources/deployments', kind: 'azapi type', status: 'writer', why: ARM_TEMPLATE },
  { type: 'Microsoft.Resources/deploymentScripts', kind: 'azapi type', status: 'writer', why: SCRIPT },
  {
    type: 'Microsoft.PolicyInsights/remediations',
    kind: 'azapi type',
    status: 'writer',
    why: 'a remediation task deploys or modifies resources through a policy',
  },
];

/** The entry for a type of a kind (exact match first, then the longest `*` prefix), case-insensitive. */
export function closedWorldEntry(kind: ClosedWorldKind, type: string): ClosedWorldType | undefined {
  const t = type.toLowerCase();
  const entries = CLOSED_WORLD_TYPES.filter((e) => e.kind === kind);
  return (
    entries.find((e) => e.type.toLowerCase() === t) ??
    entries
      .filter((e) => e.type.endsWith('*') && t.startsWith(e.type.slice(0, -1).toLowerCase()))
      .sort((a, b) => b.type.length - a.type.length)[0]
  );
}
