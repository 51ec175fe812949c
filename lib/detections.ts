/**
 * The guide's KQL detections and alert table, rebuilt on what Azure OpenAI really logs
 * (docs/field-facts.md; sample records in __tests__/fixtures/log-records/):
 * - Every category lands in AzureDiagnostics; the request fields live in the `properties_s` JSON string.
 * - There are no `identity_claim_*` columns on Cognitive Services rows: the caller's Entra object ID is
 *   `properties_s.objectId` (empty for API-key calls), `callerObjectId` in a newer, unconfirmed shape (§1.3, §1.5).
 * - No record holds prompt or completion text or a content-filter reason (§1.3, §1.6): filter outcomes come from
 *   the RAIRejectedRequests / RAIHarmfulRequests metrics, never from BlockedCalls (throttling, §2).
 * - `CallerIPAddress` is masked to three octets ("81.2.69.***", §1.2): per-caller rules see a /24, not a host.
 * - AzureActivity status values vary (Failure/Failed, Success/Succeeded/Start; §1.8): compare with in~.
 * - A newer shape writes two rows per call (§1.3): request counts de-duplicate on CorrelationId.
 * Nothing here can run KQL: the tests parse and analyse every query against a schema derived from the sample
 * records, and the post-deploy verify step is where each detection meets synthetic events.
 */

/** Which action group a detection notifies. */
export type DetectionAudience = 'security' | 'finops' | 'change' | 'review';

/** A log search alert (azurerm_monitor_scheduled_query_rules_alert_v2). */
export interface DetectionDefinition {
  /** Stable key, used in resource names and checklist rules. */
  readonly key: string;
  readonly displayName: string;
  readonly description: string;
  readonly query: string;
  /** Alert when the number of result rows is greater than this. */
  readonly threshold: number;
  readonly severity: number;
  readonly evaluationFrequency: string;
  readonly windowDuration: string;
  /** Longer look-back than the window, for first-seen baselines. */
  readonly queryTimeRangeOverride?: string;
  readonly audiences: DetectionAudience[];
  /** The columns and `properties_s` keys (as `properties_s.<key>`) the query relies on. */
  readonly reliesOn: string[];
  /** What the detection cannot see, so nobody mistakes silence for safety. */
  readonly cannotSee: string;
  /**
   * The detection reads `AzureActivity`, which is in the workspace the subscription's Activity Log export sends to.
   * Where that is not the account's workspace (the export belongs to a baseline stack or the platform), the
   * detection is an activity log alert on the account instead (`activityLogAlert`), which needs no export.
   */
  readonly readsActivityLog?: boolean;
}

const AOAI = 'AzureDiagnostics\n| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES"';

/** Collapse the two rows a call may log (field-facts §1.3) into one row per CorrelationId. */
const ONE_ROW_PER_CALL =
  '| summarize TimeGenerated = min(TimeGenerated), CallerIPAddress = take_any(CallerIPAddress) by CorrelationId';

/** Operations on the account that change its security posture (Activity Log OperationNameValue, upper case). */
export const CHANGE_OPERATIONS: readonly string[] = [
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/WRITE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/DELETE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/DEPLOYMENTS/WRITE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/DEPLOYMENTS/DELETE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIPOLICIES/WRITE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIPOLICIES/DELETE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIBLOCKLISTS/WRITE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIBLOCKLISTS/DELETE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIBLOCKLISTS/RAIBLOCKLISTITEMS/WRITE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIBLOCKLISTS/RAIBLOCKLISTITEMS/DELETE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/DEFENDERFORAISETTINGS/WRITE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/PRIVATEENDPOINTCONNECTIONS/WRITE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/PRIVATEENDPOINTCONNECTIONS/DELETE',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/LISTKEYS/ACTION',
  'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/REGENERATEKEY/ACTION',
  'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE',
  'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/DELETE',
  'MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/WRITE',
  'MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE',
];

/** Activity Log rows about the account or anything below it (role assignments and diagnostic settings included). */
const ON_AN_ACCOUNT =
  'AzureActivity\n| where _ResourceId contains "/providers/microsoft.cognitiveservices/accounts/"';

export const DETECTIONS: readonly DetectionDefinition[] = [
  {
    key: 'high-request-rate',
    displayName: 'Azure OpenAI: high request rate from one caller network',
    description:
      'More than 50 requests in 5 minutes from one caller /24 (Azure masks the last octet): possible abuse or model extraction.',
    // Counted over the whole window, not per bin(TimeGenerated, 5m): bins are floored to fixed 5-minute
    // boundaries, so a burst inside a 5-minute look-back that ends at evaluation time would be split across two
    // bins and cross the threshold in neither (KQL bin(): learn.microsoft.com/kusto/query/bin-function).
    query: `${AOAI}
| where Category == "RequestResponse"
${ONE_ROW_PER_CALL}
| summarize RequestCount = count() by CallerIPAddress
| where RequestCount > 50
| order by RequestCount desc`,
    threshold: 0,
    severity: 2,
    evaluationFrequency: 'PT5M',
    windowDuration: 'PT5M',
    audiences: ['security'],
    reliesOn: ['ResourceProvider', 'Category', 'CorrelationId', 'CallerIPAddress', 'TimeGenerated'],
    cannotSee:
      'Individual hosts: CallerIPAddress is masked to a /24, so many callers behind one network (or one NAT) count together; callers behind a gateway (APIM) all share its address. Requests rejected before logging (network-denied, 401/403) may leave no row.',
  },
  {
    key: 'api-key-auth',
    displayName: 'Azure OpenAI: API key authentication used',
    description:
      'A request whose log carries no Entra object ID, i.e. authenticated with an API key (key authentication should be off).',
    query: `${AOAI}
| where Category == "RequestResponse"
| extend p = parse_json(properties_s)
| extend CallerObjectId = coalesce(tostring(p.objectId), tostring(p.callerObjectId))
| summarize CallerObjectId = take_anyif(CallerObjectId, isnotempty(CallerObjectId)), TimeGenerated = min(TimeGenerated), CallerIPAddress = take_any(CallerIPAddress), OperationName = take_any(OperationName), ResultSignature = take_any(ResultSignature), _ResourceId = take_any(_ResourceId) by CorrelationId
| where isempty(CallerObjectId)
| project TimeGenerated, CallerIPAddress, OperationName, ResultSignature, CorrelationId, _ResourceId`,
    threshold: 0,
    severity: 3,
    evaluationFrequency: 'PT5M',
    windowDuration: 'PT5M',
    audiences: ['security'],
    reliesOn: [
      'ResourceProvider',
      'Category',
      'properties_s.objectId',
      'properties_s.callerObjectId',
      'CorrelationId',
    ],
    cannotSee:
      'Key calls Azure rejects before logging: with key authentication disabled (403 AuthenticationTypeDisabled) a request may leave no RequestResponse row (unconfirmed, field-facts §1.6), so this rule proves keys are not used successfully, not that nobody tried. Which key was used.',
  },
  {
    key: 'deployment-change',
    displayName: 'Azure OpenAI: account, deployment, content filter or access changed',
    description:
      'The account, a deployment, the RAI policy, a blocklist or its items, the Defender setting, a private endpoint connection, a role assignment or a diagnostic setting on the account was written or deleted, or keys were listed or regenerated.',
    query: `${ON_AN_ACCOUNT}
| where OperationNameValue in~ (
    ${CHANGE_OPERATIONS.map((op) => `"${op}"`).join(',\n    ')})
| where ActivityStatusValue in~ ("Success", "Succeeded")
| project TimeGenerated, Caller, CallerIpAddress, OperationNameValue, ActivityStatusValue, _ResourceId`,
    threshold: 0,
    severity: 3,
    evaluationFrequency: 'PT5M',
    windowDuration: 'PT5M',
    audiences: ['change'],
    readsActivityLog: true,
    reliesOn: ['_ResourceId', 'OperationNameValue', 'ActivityStatusValue', 'Caller'],
    cannotSee:
      "Data-plane actions (model calls) and changes made through another subscription's Activity Log that is not exported to this workspace; it needs the subscription Activity Log export.",
  },
  {
    key: 'rbac-denied',
    displayName: 'Azure OpenAI: authorization denied',
    description:
      'A management operation on the account was denied by RBAC (Activity Log), e.g. a workload identity trying to change deployments or list keys.',
    query: `${ON_AN_ACCOUNT}
| where ActivityStatusValue in~ ("Failure", "Failed")
| where ActivitySubstatusValue =~ "Forbidden" or Properties has "AuthorizationFailed" or Properties has "Forbidden"
| project TimeGenerated, Caller, CallerIpAddress, OperationNameValue, ActivityStatusValue, _ResourceId`,
    threshold: 0,
    severity: 3,
    evaluationFrequency: 'PT15M',
    windowDuration: 'PT15M',
    audiences: ['security'],
    readsActivityLog: true,
    reliesOn: ['_ResourceId', 'ActivityStatusValue', 'ActivitySubstatusValue', 'Properties'],
    cannotSee:
      'Data-plane denials (401 PermissionDenied on model calls): they are not in the Activity Log, and whether they reach RequestResponse is unconfirmed (field-facts §1.6). Whether ARM writes every AuthorizationFailed denial to AzureActivity is itself unconfirmed (§1.8).',
  },
  {
    key: 'new-caller-ip',
    displayName: 'Azure OpenAI: new caller network calling the service',
    description:
      'A caller /24 (Azure masks the last octet) not seen in the previous two days made requests in the last hour. Logged for review.',
    query: `let known = ${AOAI.replace('\n', '\n    ')}
    | where TimeGenerated between (ago(2d) .. ago(1h))
    | distinct CallerIPAddress;
${AOAI}
| where TimeGenerated > ago(1h)
| where isnotempty(CallerIPAddress)
| where CallerIPAddress !in (known)
| summarize FirstSeen = min(TimeGenerated), Requests = dcount(CorrelationId) by CallerIPAddress`,
    threshold: 0,
    severity: 4,
    evaluationFrequency: 'PT1H',
    windowDuration: 'PT1H',
    queryTimeRangeOverride: 'P2D',
    audiences: ['review'],
    reliesOn: ['ResourceProvider', 'CallerIPAddress', 'TimeGenerated', 'CorrelationId'],
    cannotSee:
      'A new host inside an already-seen /24 (the last octet is masked), and callers behind a shared gateway or NAT. Audit rows carry no caller IP at all.',
  },
];

/** A metric alert on the account. */
export interface MetricAlertDefinition {
  readonly key: string;
  readonly displayName: string;
  readonly description: string;
  readonly metricName: string;
  readonly aggregation: string;
  readonly threshold: number;
  readonly severity: number;
  readonly frequency: string;
  readonly windowSize: string;
  /** Split the alert by this dimension (one alert per value). */
  readonly splitByDimension?: string;
  readonly audiences: DetectionAudience[];
}

export const METRIC_ALERTS: readonly MetricAlertDefinition[] = [
  {
    key: 'token-consumption',
    displayName: 'Azure OpenAI: unusual token consumption',
    description:
      'More than 500,000 tokens in one hour on a deployment (TokenTransaction: prompt plus completion tokens). Metrics have no caller dimension; per-caller detail is in the request logs.',
    metricName: 'TokenTransaction',
    aggregation: 'Total',
    threshold: 500000,
    severity: 2,
    frequency: 'PT15M',
    windowSize: 'PT1H',
    splitByDimension: 'ModelDeploymentName',
    audiences: ['security', 'finops'],
  },
  {
    key: 'content-filter-rate',
    displayName: 'Azure OpenAI: content filter blocked volume',
    description:
      'More than 20 requests blocked by the content filter in 5 minutes (RAIRejectedRequests, "Blocked Volume"; not BlockedCalls, which counts throttled calls). Logs carry no filter outcome, so this metric is the signal: prompt injection or jailbreak attempts.',
    metricName: 'RAIRejectedRequests',
    aggregation: 'Total',
    threshold: 20,
    severity: 2,
    frequency: 'PT1M',
    windowSize: 'PT5M',
    audiences: ['security'],
  },
  {
    key: 'content-filter-harmful',
    displayName: 'Azure OpenAI: harmful content detected',
    description:
      'More than 20 requests flagged harmful in 5 minutes, blocked or annotated (RAIHarmfulRequests, "Harmful Volume Detected"): catches annotate-only filters that RAIRejectedRequests misses. Split by deployment.',
    metricName: 'RAIHarmfulRequests',
    aggregation: 'Total',
    threshold: 20,
    severity: 2,
    frequency: 'PT1M',
    windowSize: 'PT5M',
    splitByDimension: 'ModelDeploymentName',
    audiences: ['security'],
  },
];

/**
 * Resource types whose Administrative Activity Log events raise the immediate change alert (activity log alert,
 * scoped to the account). Operation names: learn.microsoft.com/azure/role-based-access-control/permissions/
 * ai-machine-learning (docs/azure-facts.md §7.7). `accounts` covers accounts/write (public access or key auth turned
 * back on), listKeys and regenerateKey; role assignments and diagnostic settings on the account are extension
 * resources of the account scope.
 */
export const CHANGE_ALERT_RESOURCE_TYPES: readonly string[] = [
  'Microsoft.CognitiveServices/accounts',
  'Microsoft.CognitiveServices/accounts/deployments',
  'Microsoft.CognitiveServices/accounts/raiPolicies',
  'Microsoft.CognitiveServices/accounts/raiBlocklists',
  'Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems',
  'Microsoft.CognitiveServices/accounts/defenderForAISettings',
  'Microsoft.CognitiveServices/accounts/privateEndpointConnections',
  'Microsoft.Authorization/roleAssignments',
  'Microsoft.Insights/diagnosticSettings',
];

/**
 * An activity log alert (azurerm_monitor_activity_log_alert) on the account: ARM events watched without a Log
 * Analytics export. Its `scopes` act as prefixes (REST 2020-10-01 activityLogAlerts: "a list of resource IDs that
 * will be used as prefixes"), so the account scope covers its deployments, RAI objects, role assignments and
 * diagnostic settings. A status filter keeps one notice per change (without one it fires on Start and again on
 * Succeeded).
 */
export interface ActivityLogAlertDefinition {
  /** Stable key, used in resource names and construct IDs. */
  readonly key: string;
  readonly description: string;
  readonly category: string;
  readonly status: string;
  readonly subStatus?: string;
  readonly resourceTypes?: readonly string[];
  readonly audiences: DetectionAudience[];
  /** The log detection it stands in for when the Activity Log is exported to another workspace. */
  readonly replacesDetection?: string;
}

export const ACTIVITY_LOG_ALERTS: readonly ActivityLogAlertDefinition[] = [
  {
    key: 'config-change',
    description:
      'Immediate notice of a completed write or delete on the account itself (public access, key auth), its deployments, RAI policy, blocklists and items, Defender setting, private endpoint connections, role assignments or diagnostic settings.',
    category: 'Administrative',
    status: 'Succeeded',
    resourceTypes: CHANGE_ALERT_RESOURCE_TYPES,
    audiences: ['change'],
    replacesDetection: 'deployment-change',
  },
  {
    key: 'rbac-denied',
    description:
      'A management operation on the account or below it was denied by RBAC (Activity Log status Failed, sub-status Forbidden), e.g. a workload identity trying to change deployments or list keys.',
    category: 'Administrative',
    status: 'Failed',
    subStatus: 'Forbidden',
    audiences: ['security'],
    replacesDetection: 'rbac-denied',
  },
];
