/**
 * Fail-closed texts several rules share (each rule's `failClosed` says what it does with a value it cannot know from
 * the input); docs/rules.md prints them per rule.
 */
export const SETTING =
  'Judged on the account and on every azapi write to it (azapi_update_resource by resource_id or by name and parent_id, azapi_resource_action PATCH, PUT or DELETE; ARM property names in any case), however it names the account (reference, literal ID, data source; a name passed through another resource is an account of its own); a value that is not a literal, an azapi body that is an expression, or a setting no resource here sets on an account managed elsewhere is "cannot verify" (error).';
export const ATTACHED =
  'Attachments are found by reference, by literal account ID or by the same ID expression; none found is a failure, never "not applicable".';
export const ROLES =
  'Grants are azurerm_role_assignment, PIM active and eligible assignments and azapi roleAssignments (azapi_resource, or a write by ID: update_resource, PUT resource_action). Roles resolved through literal GUIDs, names in any case, data.azurerm_role_definition and custom role actions (wildcards matched, NotActions subtracted); a role that cannot be named, or a built-in role name or GUID this checklist does not know, is judged as privileged; a scope inside the account (a deployment, filter policy or blocklist, by reference or child path) is judged as the account; a scope that cannot be resolved (a variable, a template around a reference, a data source of an account) may contain the account and is judged so.';
export const ALERT =
  'A missing alert fails; thresholds and windows that are not literals do not meet the bound; an alert that cannot fire does not count (an operator other than GreaterThan or GreaterThanOrEqual, a dimension filter other than Include *, aggregation other than Count / Total, more than one failing period, muted actions, a log alert whose look-back (window_duration times evaluation periods, or override_query_time_range) is shorter than its evaluation_frequency or not a literal duration, a scope that is not the account or the workspace its diagnostics send to).';
