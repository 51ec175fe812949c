import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import {
  MonitorActionGroup,
  MonitorActionGroupEmailReceiver,
  MonitorActionGroupWebhookReceiver,
  monitorActionGroupEmailReceiverToTerraform,
  monitorActionGroupWebhookReceiverToTerraform,
} from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorActivityLogAlert } from '@cdktf/provider-azurerm/lib/monitor-activity-log-alert';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { MonitorMetricAlert } from '@cdktf/provider-azurerm/lib/monitor-metric-alert';
import { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
import { Fn, IResolveContext, Lazy, TerraformIterator } from 'cdktf';
import { Construct } from 'constructs';
import { AccountWriteStage, IOpenAIAccount } from './account';
import { azapiProviderFor } from './azapi/provider';
import { AzapiUpdateResource } from './azapi/update-resource';
import {
  ALL_LOGS_CATEGORY_GROUP,
  ALL_METRICS_CATEGORY,
  AUDIT_RETENTION_DAYS,
  COGNITIVE_API_VERSION,
  QUERY_RULE_FREQUENCIES,
} from './azure-facts';
import { ACTIVITY_LOG_ALERTS, DETECTIONS, DetectionAudience, METRIC_ALERTS } from './detections';
import { HardeningRecord } from './hardening-record';
import { withHclOutput } from './hcl';
import { OptOut, validateOptOut } from './opt-out';
import {
  EMAIL_ADDRESS,
  EMAIL_GUARD_PATTERN,
  HTTPS_GUARD_PATTERN,
  listPatternGuardCondition,
  patternGuardCondition,
  retentionGuardCondition,
} from './record-format';
import { SubscriptionBaseline, SubscriptionCoverage } from './subscription-baseline';
import {
  AZURE_NAME_RULES,
  fail,
  isListToken,
  isUnresolved,
  literalElements,
  redactSecrets,
  rejectDuplicates,
  validateAzureName,
  validateIntegerRange,
  validateResourceId,
} from './validation';

/** An action group's receivers. */
export interface ActionGroupOptions {
  /**
   * Short name shown in notifications (1-12 characters).
   * @default - "aoai-sec", "aoai-finops" or "aoai-change"
   */
  readonly shortName?: string;
  /**
   * E-mail addresses to notify.
   * @default []
   */
  readonly emailAddresses?: string[];
  /**
   * HTTPS webhook URIs (ITSM, chat) to call. A URI that carries a credential (a `sig=`, `code=` or `key=`
   * query parameter, or user info) must come from a sensitive `TerraformVariable`
   * (`new TerraformVariable(this, 'hook', { type: 'string', sensitive: true }).stringValue`), so it never lands
   * in cdk.tf.json or a report; written literally it is refused.
   * @default []
   */
  readonly webhookUris?: string[];
}

/** Settings of the security monitoring. */
export interface SecurityMonitoringProps {
  /** The account to monitor. */
  readonly account: IOpenAIAccount;
  /**
   * Resource group for the workspace, alerts and action groups.
   * @default - the account's resource group
   */
  readonly resourceGroupName?: string;
  /**
   * An existing Log Analytics workspace (its retention is then the workspace owner's responsibility).
   * @default - a workspace is created with 365-day retention
   */
  readonly existingWorkspaceId?: string;
  /**
   * Name of the created workspace.
   * @default - log-<account name>
   */
  readonly workspaceName?: string;
  /**
   * Retention of the created workspace, in days (365 or more: the guide keeps audit data a year).
   * @default 365
   */
  readonly retentionInDays?: number;
  /**
   * How the subscription's once-per-subscription resources (Activity Log export, Defender for AI plan) are
   * provided: by a SubscriptionBaseline stack, managed elsewhere (with a reason), or created in this stack.
   * Account stacks never create them unless told to, so stacks sharing a subscription do not fight over them.
   * @default - none created; the checklist reports AOAI-MON-003 and AOAI-MON-011 until a coverage is declared
   */
  readonly subscriptionCoverage?: SubscriptionCoverage;
  /**
   * Security team receivers (content filter, key use, request rate, RBAC denials, token consumption).
   * @default - an action group without receivers; add them before go-live
   */
  readonly securityTeam?: ActionGroupOptions;
  /**
   * FinOps receivers (token consumption).
   * @default - an action group without receivers
   */
  readonly finOps?: ActionGroupOptions;
  /**
   * Change management receivers (deployment, RAI policy and blocklist changes).
   * @default - an action group without receivers
   */
  readonly changeManagement?: ActionGroupOptions;
  /**
   * Evaluation frequency override for the 5-minute log alerts (a frequency Azure accepts, e.g. PT5M, PT15M).
   * @default - each detection's own frequency
   */
  readonly logAlertFrequency?: string;
  /**
   * Turn on the account's Defender for AI setting (the subscription plan comes from subscriptionCoverage).
   * @default true
   */
  readonly defenderForAI?: boolean;
  /**
   * The reason for turning Defender for AI off.
   * @default - required when defenderForAI is false
   */
  readonly defenderForAIOptOut?: OptOut;
  /**
   * Tags for created resources.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

const GuardedLogAnalyticsWorkspace = withHclOutput(LogAnalyticsWorkspace);

/** Query parameters and user info that carry a credential in a webhook URI (Logic App `sig`, Functions `code`). */
const CREDENTIAL_IN_URI =
  /^[a-z][a-z0-9+.-]*:\/\/[^/]*@|[?&](sig|code|key|token|secret|password|api-key|apikey)=/i;

/** A literal webhook URI: https, and no credential written into the configuration. */
function validateWebhookUri(field: string, uri: string): void {
  if (isUnresolved(uri)) return;
  if (typeof uri !== 'string' || !/^https:\/\/[^\s]+$/.test(uri)) {
    fail(field, uri, 'Use an https:// URI: alert payloads must not travel in clear text.');
  }
  if (CREDENTIAL_IN_URI.test(uri)) {
    fail(
      field,
      redactSecrets(uri),
      'The URI carries a credential, which would be written in clear text into cdk.tf.json and the state; pass it from a sensitive TerraformVariable (sensitive: true) instead.',
    );
  }
}

/**
 * Receivers from a literal list (one block per element, numbered) or a whole-list reference (a dynamic block
 * over the list, so a sensitive list is never expanded at synth).
 */
function receivers<T>(
  values: string[],
  make: (value: string, name: string) => T,
  toTerraform: (receiver: T) => any,
): any {
  if (!isListToken(values)) return values.map((v, i) => make(v, `${i + 1}`));
  const each = TerraformIterator.fromList(values);
  // A dynamic block's content goes to Terraform as written (cdktf's TerraformDynamicExpression does not map the
  // binding's property names), so it is converted to Terraform's argument names here. Found by Terraform itself
  // (__tests__/terraform/corpus.tf.test.ts): 'No argument or block type is named "emailAddress"'.
  return each.dynamic(toTerraform(make(each.value, Fn.tostring(Fn.sum([Fn.index(values, each.value), 1])))));
}

/** Preconditions that every referenced value of a receiver list matches `pattern` at plan. */
function guardsFor(values: string[], pattern: string, errorMessage: string) {
  const guard = (produce: (ctx: IResolveContext) => string) => ({
    condition: Lazy.stringValue({ produce }),
    errorMessage,
  });
  if (isListToken(values)) {
    // The list the dynamic block iterates (receivers(): TerraformIterator.fromList writes toset(<list>)).
    return [guard((ctx) => listPatternGuardCondition(pattern, ctx.resolve(Fn.toset(values))))];
  }
  return values
    .filter(isUnresolved)
    .map((v) => guard((ctx) => patternGuardCondition(pattern, ctx.resolve(v))));
}

/** Action groups by audience: key, options, default short name, label, field name. */
function ACTION_GROUPS(
  props: SecurityMonitoringProps,
): Array<[string, ActionGroupOptions | undefined, string, string, string]> {
  return [
    ['security', props.securityTeam, 'aoai-sec', 'Security team', 'securityTeam'],
    ['finops', props.finOps, 'aoai-finops', 'FinOps', 'finOps'],
    ['change', props.changeManagement, 'aoai-change', 'Change management', 'changeManagement'],
  ];
}

function validateLogAlertFrequency(frequency: string | undefined): void {
  if (frequency !== undefined && !isUnresolved(frequency) && !QUERY_RULE_FREQUENCIES.includes(frequency)) {
    fail('logAlertFrequency', frequency, `Use one of: ${QUERY_RULE_FREQUENCIES.join(', ')}.`);
  }
}

function validateDefenderOptOut(props: SecurityMonitoringProps): OptOut | undefined {
  const optOut = validateOptOut('defenderForAIOptOut', props.defenderForAIOptOut);
  if (props.defenderForAI === false && !optOut) {
    fail(
      'defenderForAI',
      false,
      'Defender for AI detects jailbreaks, data leakage and credential theft; keep it on, or pass defenderForAIOptOut with a reason.',
    );
  }
  return optOut;
}

/**
 * Phase 4, monitoring: diagnostics to Log Analytics, the guide's detections and alert table, action groups, and the
 * account's Defender for AI setting. The subscription's Activity Log export and Defender plan come from
 * subscriptionCoverage (a SubscriptionBaseline here or in its own stack, or a declaration).
 *
 * @example
 * import { App, TerraformStack } from 'cdktf';
 * import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
 * import { OpenAIAccount, SecurityMonitoring, SubscriptionBaseline, SubscriptionCoverage } from 'cdktf-azure-openai-hardening';
 *
 * const app = new App();
 * const baseline = new TerraformStack(app, 'aoai-subscription-baseline');
 * new AzurermProvider(baseline, 'azurerm', { features: [{}] });
 * new SubscriptionBaseline(baseline, 'Baseline', {
 *   namePrefix: 'aoai-platform',
 *   activityLogWorkspaceId: '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-platform/providers/Microsoft.OperationalInsights/workspaces/log-platform',
 * });
 * const stack = new TerraformStack(app, 'aoai');
 * new AzurermProvider(stack, 'azurerm', { features: [{}] });
 * const account = new OpenAIAccount(stack, 'Account', {
 *   name: 'aoai-prod-swc', resourceGroupName: 'rg-aoai-prod', location: 'swedencentral',
 *   deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
 * });
 * new SecurityMonitoring(stack, 'Monitoring', {
 *   account,
 *   securityTeam: { emailAddresses: ['secops@contoso.com'] },
 *   subscriptionCoverage: SubscriptionCoverage.byBaselineStack(baseline),
 * });
 */
export class SecurityMonitoring extends Construct {
  /** The Log Analytics workspace ID. @attribute */
  public readonly workspaceId: string;
  /** The created workspace, if any. */
  public readonly workspace?: LogAnalyticsWorkspace;
  /** Action groups by audience (security, finops, change). */
  public readonly actionGroups: Record<string, MonitorActionGroup> = {};
  /** The diagnostic setting on the account. */
  public readonly diagnosticSetting: MonitorDiagnosticSetting;
  /** The subscription baseline, when subscriptionCoverage is SubscriptionCoverage.inThisStack(). */
  public subscriptionBaseline?: SubscriptionBaseline;
  private readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: SecurityMonitoringProps) {
    super(scope, id);
    const account = props.account;
    this.namePrefix = account.accountName;
    const rg = props.resourceGroupName ?? account.resourceGroupName;
    validateLogAlertFrequency(props.logAlertFrequency);
    const defenderOptOut = validateDefenderOptOut(props);

    this.workspace = this.createWorkspace(props, rg);
    this.workspaceId = this.workspace?.id ?? props.existingWorkspaceId!;
    this.diagnosticSetting = this.sendDiagnostics(account);
    this.coverSubscription(props.subscriptionCoverage);
    for (const [key, options, defaultShort, label, field] of ACTION_GROUPS(props)) {
      this.actionGroups[key] = this.createActionGroup(
        account,
        rg,
        key,
        options,
        defaultShort,
        label,
        field,
        props.tags,
      );
    }
    // AzureActivity rows are in this workspace only when this stack exports the subscription's Activity Log to it.
    const activityLogHere = props.subscriptionCoverage?.mode === 'this-stack';
    this.createDetections(account, rg, props, activityLogHere);
    this.createMetricAlerts(account, rg, props.tags);
    this.createActivityLogAlerts(account, rg, props.tags, activityLogHere);
    this.enableDefender(account, props.defenderForAI !== false, defenderOptOut);
  }

  /** The created workspace (365-day retention, no local auth), or none when an existing one is given. */
  private createWorkspace(props: SecurityMonitoringProps, rg: string): LogAnalyticsWorkspace | undefined {
    if (props.existingWorkspaceId) {
      validateResourceId(
        'existingWorkspaceId',
        props.existingWorkspaceId,
        'Microsoft.OperationalInsights/workspaces',
        '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>',
      );
      return undefined;
    }
    const account = props.account;
    const retention = props.retentionInDays ?? AUDIT_RETENTION_DAYS;
    validateIntegerRange(
      'retentionInDays',
      retention,
      AUDIT_RETENTION_DAYS,
      730,
      'The guide keeps audit data at least a year (longer terms belong in archive tiers).',
    );
    if (props.workspaceName !== undefined) {
      validateAzureName('workspaceName', props.workspaceName, AZURE_NAME_RULES.logAnalyticsWorkspace);
    }
    const workspace = new GuardedLogAnalyticsWorkspace(this, 'Workspace', {
      name: props.workspaceName ?? `log-${account.accountName}`,
      resourceGroupName: rg,
      location: account.location,
      sku: 'PerGB2018',
      // Retention lives on the workspace; diagnostic-setting retention_policy is deprecated.
      retentionInDays: retention,
      localAuthenticationEnabled: false,
      tags: props.tags,
      // A retention given by reference is judged by Terraform at plan (see plan-guards.ts).
      lifecycle: isUnresolved(retention)
        ? {
            precondition: [
              {
                condition: Lazy.stringValue({
                  produce: (ctx) => retentionGuardCondition(ctx.resolve(retention)),
                }),
                errorMessage: `Hardening: retentionInDays must be at least ${AUDIT_RETENTION_DAYS} days (the guide keeps audit data a year).`,
              },
            ],
          }
        : undefined,
    });
    // The record lists the guard, which is what lets the checklist accept the reference (AOAI-MON-002).
    if (isUnresolved(retention)) HardeningRecord.of(this);
    return workspace;
  }

  /** The account's diagnostic setting: every log category (allLogs) and AllMetrics to the workspace. */
  private sendDiagnostics(account: IOpenAIAccount): MonitorDiagnosticSetting {
    return new MonitorDiagnosticSetting(this, 'AccountDiagnostics', {
      name: 'aoai-security-diagnostics',
      targetResourceId: account.accountId,
      logAnalyticsWorkspaceId: this.workspaceId,
      // The allLogs group: every category the resource type offers, including AzureOpenAIRequestUsage (missing from
      // a hand-written list) and any added later. Category groups exist for microsoft.cognitiveservices/accounts
      // (docs/field-facts.md §1.1; docs/azure-facts.md §7.1-7.2); every category lands in AzureDiagnostics.
      enabledLog: [{ categoryGroup: ALL_LOGS_CATEGORY_GROUP }],
      enabledMetric: [{ category: ALL_METRICS_CATEGORY }],
    });
  }

  /** One action group per audience, with validated e-mail and webhook receivers. */
  private createActionGroup(
    account: IOpenAIAccount,
    rg: string,
    key: string,
    options: ActionGroupOptions | undefined,
    defaultShort: string,
    label: string,
    field: string,
    tags: { [key: string]: string } | undefined,
  ): MonitorActionGroup {
    const shortName = options?.shortName ?? defaultShort;
    validateAzureName(`${field}.shortName`, shortName, AZURE_NAME_RULES.actionGroupShortName);
    const emails = options?.emailAddresses ?? [];
    literalElements(emails).forEach((e, i) => {
      if (!isUnresolved(e) && !EMAIL_ADDRESS.test(e)) {
        fail(`${field}.emailAddresses[${i}]`, e, 'Use an e-mail address such as secops@contoso.com.');
      }
    });
    rejectDuplicates(
      `${field}.emailAddresses`,
      literalElements(emails),
      (e) => e,
      'List each address once.',
      true,
    );
    const hooks = options?.webhookUris ?? [];
    literalElements(hooks).forEach((u, i) => validateWebhookUri(`${field}.webhookUris[${i}]`, u));
    return new MonitorActionGroup(this, `ActionGroup-${key}`, {
      name: `ag-${account.accountName}-${key}`,
      resourceGroupName: rg,
      shortName,
      emailReceiver: receivers(
        emails,
        (emailAddress, name): MonitorActionGroupEmailReceiver => ({
          name: `${label} ${name}`,
          emailAddress,
          useCommonAlertSchema: true,
        }),
        monitorActionGroupEmailReceiverToTerraform,
      ),
      webhookReceiver: receivers(
        hooks,
        (serviceUri, name): MonitorActionGroupWebhookReceiver => ({
          name: `${label} webhook ${name}`,
          serviceUri,
          useCommonAlertSchema: true,
        }),
        monitorActionGroupWebhookReceiverToTerraform,
      ),
      tags,
      // Receivers given by reference are judged by Terraform at plan (record-format.ts); the hardening record lists
      // the guards, which is what lets the checklist accept the references (AOAI-MON-012, AOAI-MON-014).
      lifecycle: this.receiverGuards(field, emails, hooks),
    });
  }

  private actionGroupIds(audiences: DetectionAudience[]): string[] {
    return audiences.filter((a) => a !== 'review').map((a) => this.actionGroups[a].id);
  }

  /**
   * The log detections, scoped to the workspace that receives their rows. Detections that read AzureActivity run
   * here only when this stack exports the Activity Log to this workspace; otherwise the activity log alerts watch
   * those events (createActivityLogAlerts).
   */
  private createDetections(
    account: IOpenAIAccount,
    rg: string,
    props: SecurityMonitoringProps,
    activityLogHere: boolean,
  ): void {
    // A workspace created in this apply has no AzureDiagnostics or AzureActivity table until the first record
    // arrives, and Azure validates a log alert's query at creation: "failed to resolve table or column" (400).
    // So skip Azure's validation for a new workspace; our tests parse and analyse every query against the
    // documented columns and the captured record shapes instead (__tests__/detections.test.ts).
    const skipQueryValidation = this.workspace !== undefined ? true : undefined;
    for (const d of DETECTIONS.filter((x) => activityLogHere || !x.readsActivityLog)) {
      const frequency =
        d.evaluationFrequency === 'PT5M' && props.logAlertFrequency
          ? props.logAlertFrequency
          : d.evaluationFrequency;
      const window = frequency === d.evaluationFrequency ? d.windowDuration : frequency;
      const groupsFor = this.actionGroupIds(d.audiences);
      new MonitorScheduledQueryRulesAlertV2(this, `Detection-${d.key}`, {
        name: `${account.accountName}-${d.key}`,
        displayName: d.displayName,
        description: d.description,
        resourceGroupName: rg,
        location: account.location,
        scopes: [this.workspaceId],
        severity: d.severity,
        evaluationFrequency: frequency,
        windowDuration: window,
        queryTimeRangeOverride: d.queryTimeRangeOverride,
        criteria: [
          {
            query: d.query,
            timeAggregationMethod: 'Count',
            operator: 'GreaterThan',
            threshold: d.threshold,
            failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
          },
        ],
        action: groupsFor.length ? { actionGroups: groupsFor } : undefined,
        autoMitigationEnabled: false,
        enabled: true,
        skipQueryValidation,
        tags: props.tags,
      });
    }
  }

  /** The metric alerts on the account (tokens, content filter volumes). */
  private createMetricAlerts(account: IOpenAIAccount, rg: string, tags?: { [key: string]: string }): void {
    for (const m of METRIC_ALERTS) {
      new MonitorMetricAlert(this, `MetricAlert-${m.key}`, {
        name: `${account.accountName}-${m.key}`,
        description: `${m.displayName}. ${m.description}`,
        resourceGroupName: rg,
        scopes: [account.accountId],
        severity: m.severity,
        frequency: m.frequency,
        windowSize: m.windowSize,
        criteria: [
          {
            metricNamespace: 'Microsoft.CognitiveServices/accounts',
            metricName: m.metricName,
            aggregation: m.aggregation,
            operator: 'GreaterThan',
            threshold: m.threshold,
            dimension: m.splitByDimension
              ? [{ name: m.splitByDimension, operator: 'Include', values: ['*'] }]
              : undefined,
          },
        ],
        action: this.actionGroupIds(m.audiences).map((actionGroupId) => ({ actionGroupId })),
        tags,
      });
    }
  }

  /**
   * Activity log alerts on the account: the change alert always (construct ID `ChangeAlert`, kept), and the
   * others whose log detection is not run here because the Activity Log goes to another workspace.
   */
  private createActivityLogAlerts(
    account: IOpenAIAccount,
    rg: string,
    tags: { [key: string]: string } | undefined,
    activityLogHere: boolean,
  ): void {
    for (const a of ACTIVITY_LOG_ALERTS) {
      const always = a.key === 'config-change';
      if (!always && activityLogHere) continue;
      new MonitorActivityLogAlert(this, always ? 'ChangeAlert' : `ActivityAlert-${a.key}`, {
        name: `${account.accountName}-${a.key}`,
        description: a.description,
        resourceGroupName: rg,
        location: 'global',
        scopes: [account.accountId],
        criteria: {
          category: a.category,
          status: a.status,
          subStatus: a.subStatus,
          resourceTypes: a.resourceTypes ? [...a.resourceTypes] : undefined,
        },
        action: this.actionGroupIds(a.audiences).map((actionGroupId) => ({ actionGroupId })),
        tags,
      });
    }
  }

  /**
   * Plan-time guards for receivers given by reference: every e-mail receiver is an address, every webhook https://.
   * A whole-list reference is guarded over the list the dynamic block iterates (its for_each); an element given by
   * reference in a literal list is guarded alone. None: no lifecycle block.
   */
  private receiverGuards(field: string, emails: string[], hooks: string[]): any {
    const where = `Hardening: ${this.node.path}: ${field}`;
    const precondition = [
      ...guardsFor(
        emails,
        EMAIL_GUARD_PATTERN,
        `${where}.emailAddresses must be e-mail addresses such as secops@contoso.com: an alert sent anywhere else reaches nobody.`,
      ),
      ...guardsFor(
        hooks,
        HTTPS_GUARD_PATTERN,
        `${where}.webhookUris must be https:// URIs: alert payloads must not travel in clear text.`,
      ),
    ];
    if (precondition.length === 0) return undefined;
    HardeningRecord.of(this);
    return { precondition };
  }

  /** The account's Defender for AI setting (the subscription plan comes from subscriptionCoverage). */
  private enableDefender(account: IOpenAIAccount, enabled: boolean, optOut: OptOut | undefined): void {
    if (!enabled) {
      HardeningRecord.of(this).recordOptOut(account, ['AOAI-MON-011'], 'defenderForAIOptOut', optOut!);
      return;
    }
    azapiProviderFor(this);
    // azapi_update_resource, not azapi_resource: the setting has GET, PUT and PATCH but no DELETE in REST
    // 2025-06-01 (Microsoft.CognitiveServices/accounts/defenderForAISettings; docs/azure-facts.md §8; the spec's
    // examples are GetDefenderForAISetting and UpdateDefenderForAISetting, on the "Default" setting, with no
    // delete: Azure/azure-rest-api-specs specification/cognitiveservices/resource-manager/Microsoft.CognitiveServices/
    // stable/2025-06-01/examples/), so create-then-destroy semantics do not fit. Destroying this resource leaves
    // the setting as it is.
    const defender = new AzapiUpdateResource(this, 'DefenderForAISettings', {
      type: `Microsoft.CognitiveServices/accounts/defenderForAISettings@${COGNITIVE_API_VERSION}`,
      name: 'Default',
      parentId: account.accountId,
      body: { properties: { state: 'Enabled' } },
      locks: [account.accountId],
    });
    account._addAccountWrite(defender, AccountWriteStage.DEFENDER);
  }

  /** The declared subscription coverage: a baseline created here, or a declaration the checklist reports. */
  private coverSubscription(coverage: SubscriptionCoverage | undefined): void {
    if (!coverage) return;
    if (coverage.mode === 'this-stack') {
      this.subscriptionBaseline = new SubscriptionBaseline(this, 'SubscriptionBaseline', {
        ...coverage.baselineOptions,
        namePrefix: this.namePrefix,
        activityLogWorkspaceId: this.workspaceId,
      });
    } else {
      coverage.declare(this, 'SubscriptionCoverage');
    }
  }
}
