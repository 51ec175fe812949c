/**
 * How each rule fails closed: what it does with a value it cannot know from the input (an expression, a variable,
 * an unresolved data source, a plan's unknown, an account managed elsewhere). docs/rules.md prints it per rule;
 * __tests__/docs.test.ts keeps one entry per rule.
 */
const SETTING =
  'Judged on the account and on every azapi write to it (azapi_update_resource by resource_id or by name and parent_id, azapi_resource_action PATCH, PUT or DELETE; ARM property names in any case), however it names the account (reference, literal ID, data source; a name passed through another resource is an account of its own); a value that is not a literal, an azapi body that is an expression, or a setting no resource here sets on an account managed elsewhere is "cannot verify" (error).';
const ATTACHED =
  'Attachments are found by reference, by literal account ID or by the same ID expression; none found is a failure, never "not applicable".';
const ROLES =
  'Grants are azurerm_role_assignment, PIM active and eligible assignments and azapi roleAssignments (azapi_resource, or a write by ID: update_resource, PUT resource_action). Roles resolved through literal GUIDs, names in any case, data.azurerm_role_definition and custom role actions (wildcards matched, NotActions subtracted); a role that cannot be named, or a built-in role name or GUID this checklist does not know, is judged as privileged; a scope inside the account (a deployment, filter policy or blocklist, by reference or child path) is judged as the account; a scope that cannot be resolved (a variable, a template around a reference, a data source of an account) may contain the account and is judged so.';
const ALERT =
  'A missing alert fails; thresholds and windows that are not literals do not meet the bound; an alert that cannot fire does not count (an operator other than GreaterThan or GreaterThanOrEqual, a dimension filter other than Include *, aggregation other than Count / Total, more than one failing period, muted actions, a log alert whose look-back (window_duration times evaluation periods, or override_query_time_range) is shorter than its evaluation_frequency or not a literal duration, a scope that is not the account or the workspace its diagnostics send to).';

export const FAIL_CLOSED: Readonly<Record<string, string>> = {
  'AOAI-NET-001': SETTING,
  'AOAI-NET-002': SETTING,
  'AOAI-NET-003': `${SETTING} Unset means Azure's AzureServices.`,
  'AOAI-NET-004': SETTING,
  'AOAI-NET-005': 'An expression is accepted (Azure requires the subdomain at creation); unset fails.',
  'AOAI-NET-006': `${ATTACHED} An endpoint written through azapi (Microsoft.Network/privateEndpoints) cannot be judged and fails; so does an azapi write that approves a private endpoint connection on the account, and an azapi resource or write (update, PUT/PATCH/DELETE action) of the endpoint's DNS zone group (privateDnsZoneGroups), which replaces or deletes the group judged here.`,
  'AOAI-NET-007': `${ATTACHED} A kind that is not a literal needs the widest zone set (AIServices); zone IDs from variables are judged on plan JSON; a zone whose every link has a count or for_each expression is not linked for certain; a public DNS server (other than Azure DNS 168.63.129.16) on the endpoint VNet or a linked VNet fails, since only Azure DNS answers from the zones (a private server may forward to it: verified after deploy; a server from a variable is judged on plan JSON).`,
  'AOAI-NET-008': `${ATTACHED} A subnet not managed here fails unless an azapi update enables its policies; any azapi write to the endpoint subnet that turns them off, moves it to another NSG or cannot be read fails.`,
  'AOAI-NET-009':
    'Sources must be private IPv4 ranges: service tags, wildcards and public ranges fail; a priority that is not a number counts as first; sources from variables are judged on plan JSON (unknown there: cannot verify); an interpolation that reads no variable, data source or resource is a constant and cannot be verified. Rules added as azapi securityRules children are judged; an azapi write of the securityRules of the NSG fails.',
  'AOAI-IAM-001': SETTING,
  'AOAI-IAM-002':
    'An identity type that is not a literal, or an account managed elsewhere, is "cannot verify".',
  'AOAI-IAM-003': ROLES,
  'AOAI-IAM-004': `${ROLES} An unset or unknown principal type may be a user.`,
  'AOAI-IAM-005': 'Judged on assignments scoped to the account.',
  'AOAI-CFP-001': `${ATTACHED} A deployment bound to no custom policy fails, as does an azapi write (update_resource, PATCH/PUT/DELETE resource_action) that rebinds it (raiPolicyName in any case) or cannot be read.`,
  'AOAI-CFP-002':
    'Every entry for a filter and source must hold (a weaker duplicate fails); names compare case-insensitively; ARM property names in any case are read as if honoured (a property spelled twice must hold in every spelling); flags that are not literal true fail. A bound policy is judged as written and as every azapi write to it leaves it (a body that cannot be read fails).',
  'AOAI-CFP-003': 'As AOAI-CFP-002.',
  'AOAI-CFP-004': 'As AOAI-CFP-002.',
  'AOAI-CFP-005': 'An unpinned or unset version fails.',
  'AOAI-CFP-006': 'A blocklist that does not block, or has no items, does not count.',
  'AOAI-CFP-007':
    'A blocking flag from an expression is judged on plan JSON, where it is a literal; an interpolation that reads no variable, data source or resource is judged at synth.',
  'AOAI-MON-001': `${ATTACHED} A setting that sends to no workspace does not count; a workspace with a daily cap (daily_quota_gb other than -1, or not a literal) fails, and so does an azapi write to a diagnostic setting of the account (or an azapi setting with the name of one judged here).`,
  'AOAI-MON-002':
    'A retention that is not a literal is "cannot verify" unless the workspace precondition the construct wrote (at least 365 days, evaluated by Terraform at plan) stands and the hardening record lists it; a workspace managed elsewhere is a post-deploy check. A table of the workspace (azurerm_log_analytics_workspace_table, or an azapi write of workspaces/tables) kept for less than 365 days in total (interactive plus archive) fails; a table retention that is not a literal is "cannot verify".',
  'AOAI-MON-003': 'A subscription target that is not recognisably the subscription does not count.',
  'AOAI-MON-004': ALERT,
  'AOAI-MON-005': ALERT,
  'AOAI-MON-006': ALERT,
  'AOAI-MON-007': ALERT,
  'AOAI-MON-008': ALERT,
  'AOAI-MON-009': ALERT,
  'AOAI-MON-010':
    'An action group ID that names no group here and is no literal action-group ID does not count; an enabled alert processing rule that removes all action groups fails, whatever its condition or schedule.',
  'AOAI-MON-011':
    'A missing plan or account setting fails unless subscription coverage is declared; every write of the account setting must set Enabled; a plan written through another provider configuration than the account may cover another subscription and fails.',
  'AOAI-MON-012':
    'An enabled flag that is not a literal is "cannot verify"; receiver URLs from variables are judged on plan JSON; one from an interpolation that reads nothing is "cannot verify".',
  'AOAI-MON-013':
    'A query that is not, whitespace aside, one of lib/detections.ts is "cannot verify" unless exempted.',
  'AOAI-MON-014':
    'Any receiver block counts (e-mail, SMS, voice, push, webhook, Logic App, Function, runbook, ITSM, Event Hub, ARM role); receivers generated from an expression are judged on plan JSON, where Terraform has expanded them.',
  'AOAI-CHK-001': 'Cannot be exempted: an input with nothing to judge never passes.',
  'AOAI-CHK-002':
    'Exemptable with a reason; otherwise every hidden module call, unknown kind, azapi write to a resource the rules judge as declared (alerts, diagnostics, workspace, Defender plan, endpoint; named by reference, by name with parent_id or by a written-out ID, a name that is not a literal matching any), azurerm or azapi resource managed by another provider than hashicorp/azurerm or azure/azapi (required_providers, the provider meta-argument, provider_name in a plan), resource a rule relies on whose count or for_each is an expression (Terraform JSON; azapi securityRules, subnet and account-child resources and writes, and the writes that alone harden an account managed elsewhere, included), block a rule relies on (zone group, network ACL, identity, logs, a Deny rule, alert actions) generated by a dynamic block over an expression, and azapi_resource_action that sends PUT, PATCH or DELETE to a child path (`action` appended to resource_id, a resource no rule maps) is an error. A literal count 0 or empty for_each creates nothing, and other dynamic blocks are judged as the blocks they generate.',
  'AOAI-CHK-003':
    'Cannot be exempted; a refused exemption exempts nothing. An expiry by reference is refused unless the record carries the precondition the construct wrote (a real date, not over, evaluated by Terraform at plan) and lists it; a plan or state shows no guard.',
  'AOAI-CHK-004':
    'An ignore_changes list that is not a literal is "cannot verify"; lifecycle is judged on Terraform JSON: on a plan or a state, which do not carry it, the rule is not applicable rather than compliant.',
};
