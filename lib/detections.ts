/**
 * The guide's KQL detections and alert table, corrected where its KQL is wrong:
 * - `properties_s` carries no integer token count, so the request-rate rule counts requests only;
 *   token consumption comes from the TokenTransaction metric.
 * - Key-based calls carry no Entra ID claims: the rule looks for requests without an app or object ID,
 *   with column_ifexists because identity columns exist only once such a claim was logged.
 * - The content-filter rule matches the service's error code instead of a non-existent `resultType` field.
 * Every query is parsed and analysed against declared table schemas in the tests (Kusto language service).
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
}

const AOAI = 'AzureDiagnostics\n| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES"';

export const DETECTIONS: readonly DetectionDefinition[] = [
  {
    key: 'high-request-rate',
    displayName: 'Azure OpenAI: high request rate from one caller',
    description:
      'More than 50 requests in 5 minutes from one IP address: possible abuse or model extraction.',
    query: `${AOAI}
| where Category == "RequestResponse"
| summarize RequestCount = count() by CallerIPAddress, bin(TimeGenerated, 5m)
| where RequestCount > 50
| order by RequestCount desc`,
    threshold: 0,
    severity: 2,
    evaluationFrequency: 'PT5M',
    windowDuration: 'PT5M',
    audiences: ['security'],
  },
  {
    key: 'content-filter-hits',
    displayName: 'Azure OpenAI: high content filter rate',
    description:
      'More than 20 requests rejected by the content filter in 5 minutes: prompt injection or jailbreak attempts.',
    query: `${AOAI}
| where Category == "RequestResponse"
| where properties_s has "content_filter" or ResultSignature == "400" and properties_s has "ResponsibleAIPolicyViolation"
| summarize FilterCount = count() by CallerIPAddress, bin(TimeGenerated, 5m)
| where FilterCount > 20
| order by FilterCount desc`,
    threshold: 0,
    severity: 2,
    evaluationFrequency: 'PT5M',
    windowDuration: 'PT5M',
    audiences: ['security'],
  },
  {
    key: 'api-key-auth',
    displayName: 'Azure OpenAI: API key authentication used',
    description:
      'A request without Entra ID claims, i.e. authenticated with an API key (or an attempt after keys were disabled).',
    query: `${AOAI}
| where Category in ("RequestResponse", "Audit")
| extend AppId = tostring(column_ifexists("identity_claim_appid_g", "")), ObjectId = tostring(column_ifexists("identity_claim_oid_g", ""))
| where isempty(AppId) and isempty(ObjectId)
| project TimeGenerated, CallerIPAddress, OperationName, ResultSignature, _ResourceId`,
    threshold: 0,
    severity: 3,
    evaluationFrequency: 'PT5M',
    windowDuration: 'PT5M',
    audiences: ['security'],
  },
  {
    key: 'deployment-change',
    displayName: 'Azure OpenAI: deployment or content filter configuration changed',
    description:
      'A deployment, RAI policy or blocklist was written or deleted, or keys were listed or regenerated.',
    query: `AzureActivity
| where ResourceProviderValue =~ "MICROSOFT.COGNITIVESERVICES"
| where OperationNameValue in~ (
    "MICROSOFT.COGNITIVESERVICES/ACCOUNTS/DEPLOYMENTS/WRITE",
    "MICROSOFT.COGNITIVESERVICES/ACCOUNTS/DEPLOYMENTS/DELETE",
    "MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIPOLICIES/WRITE",
    "MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIPOLICIES/DELETE",
    "MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIBLOCKLISTS/WRITE",
    "MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIBLOCKLISTS/DELETE",
    "MICROSOFT.COGNITIVESERVICES/ACCOUNTS/LISTKEYS/ACTION",
    "MICROSOFT.COGNITIVESERVICES/ACCOUNTS/REGENERATEKEY/ACTION")
| where ActivityStatusValue in~ ("Success", "Succeeded", "Start")
| project TimeGenerated, Caller, CallerIpAddress, OperationNameValue, ActivityStatusValue, _ResourceId`,
    threshold: 0,
    severity: 3,
    evaluationFrequency: 'PT5M',
    windowDuration: 'PT5M',
    audiences: ['change'],
  },
  {
    key: 'rbac-denied',
    displayName: 'Azure OpenAI: authorization denied',
    description:
      'A management operation on the account was denied by RBAC (Activity Log), e.g. a workload identity trying to change deployments.',
    query: `AzureActivity
| where ResourceProviderValue =~ "MICROSOFT.COGNITIVESERVICES"
| where ActivityStatusValue =~ "Failed"
| where tostring(Properties_d.statusCode) == "Forbidden" or ActivitySubstatusValue == "Forbidden"
| project TimeGenerated, Caller, CallerIpAddress, OperationNameValue, _ResourceId`,
    threshold: 0,
    severity: 3,
    evaluationFrequency: 'PT15M',
    windowDuration: 'PT15M',
    audiences: ['security'],
  },
  {
    key: 'new-caller-ip',
    displayName: 'Azure OpenAI: new IP address calling the service',
    description:
      'An IP address not seen in the previous two days made requests in the last hour. Logged for review.',
    query: `let known = ${AOAI.replace('\n', '\n    ')}
    | where TimeGenerated between (ago(2d) .. ago(1h))
    | distinct CallerIPAddress;
${AOAI}
| where TimeGenerated > ago(1h)
| where isnotempty(CallerIPAddress)
| where CallerIPAddress !in (known)
| summarize FirstSeen = min(TimeGenerated), Requests = count() by CallerIPAddress`,
    threshold: 0,
    severity: 4,
    evaluationFrequency: 'PT1H',
    windowDuration: 'PT1H',
    queryTimeRangeOverride: 'P2D',
    audiences: ['review'],
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
    description: 'More than 20 requests blocked by the content filter in 5 minutes (RAIRejectedRequests).',
    metricName: 'RAIRejectedRequests',
    aggregation: 'Total',
    threshold: 20,
    severity: 2,
    frequency: 'PT1M',
    windowSize: 'PT5M',
    audiences: ['security'],
  },
];

/** Activity-log operations that signal a configuration change (immediate activity log alert). */
export const CHANGE_ALERT_RESOURCE_TYPES: readonly string[] = [
  'Microsoft.CognitiveServices/accounts/deployments',
  'Microsoft.CognitiveServices/accounts/raiPolicies',
  'Microsoft.CognitiveServices/accounts/raiBlocklists',
];
