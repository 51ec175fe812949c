import { AUDIT_RETENTION_DAYS } from '../../../azure-facts';
import {
  SUBSCRIPTION_COVERAGE_KIND,
  isReference,
  listPatternGuardCondition,
  patternGuardCondition,
} from '../../../record-format';
import { TfModel, TfResource, asArray, block, isLiteral } from '../../model';
import { guardStands } from '../../records';
import { AccountView, Rule, RuleMetadata, accounts, bad, na, ok, pointsAt } from '../../rule';

export function queryRules(
  m: TfModel,
): Array<{ r: TfResource; query: string; threshold: number; severity: number; windowMinutes: number }> {
  return m.ofType('azurerm_monitor_scheduled_query_rules_alert_v2').map((r) => {
    const c = block(r.values.criteria) ?? {};
    return {
      r,
      query: String(c.query ?? ''),
      threshold: Number(c.threshold),
      severity: Number(r.values.severity),
      windowMinutes: isoMinutes(r.values.window_duration),
    };
  });
}

export function metricAlerts(
  m: TfModel,
  metric: string,
): Array<{ r: TfResource; threshold: number; severity: number; windowMinutes: number }> {
  return m.ofType('azurerm_monitor_metric_alert').flatMap((r) =>
    asArray(r.values.criteria)
      .filter((c) => c?.metric_name === metric)
      .map((c) => ({
        r,
        threshold: Number(c.threshold),
        severity: Number(r.values.severity ?? 3),
        windowMinutes: isoMinutes(r.values.window_size ?? 'PT5M'),
      })),
  );
}

/** Minutes in an ISO-8601 duration such as PT5M, PT1H, P1D. */
export function isoMinutes(v: unknown): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(String(v ?? ''));
  return m ? Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : NaN;
}

/** The threshold a query's own `where X > N` filter applies to a count column, when there is one. */
export function queryCountThreshold(query: string, column: string): number | undefined {
  const m = new RegExp(`where\\s+${column}\\s*>\\s*(\\d+)`).exec(query);
  return m ? Number(m[1]) : undefined;
}

/** Two values name the same target: a shared reference, or the same literal or expression text. */
export function sameTarget(m: TfModel, x: unknown, y: unknown): boolean {
  const rx = m.references(x);
  if (rx.length && m.references(y).some((r) => rx.includes(r))) return true;
  return typeof x === 'string' && typeof y === 'string' && x.trim().toLowerCase() === y.trim().toLowerCase();
}

/**
 * Why an alert rule cannot fire on what it is meant to watch, or undefined. Its condition must fire when the count
 * rises (operator GreaterThan or GreaterThanOrEqual; azurerm 4.55 docs of monitor_scheduled_query_rules_alert_v2
 * and monitor_metric_alert: operator is one of Equal, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual),
 * count every row or sum every value (time_aggregation_method Count, aggregation Total), on every dimension
 * value (a dimension filter other than Include "*" drops rows), after one failing period, and its scope must be
 * what the account sends its logs to (query rules: the diagnostic setting's workspace) or the account itself
 * (metric alerts). This package writes exactly that (lib/security-monitoring.ts).
 */
export function firingProblem(m: TfModel, r: TfResource): string | undefined {
  if (r.type === 'azurerm_monitor_activity_log_alert') return activityAlertProblem(m, r);
  const metric = r.type === 'azurerm_monitor_metric_alert';
  for (const c of asArray(r.values.criteria)) {
    if (!['GreaterThan', 'GreaterThanOrEqual'].includes(c?.operator)) {
      return `its condition uses operator ${JSON.stringify(c?.operator ?? '(unset)')}: it does not fire when the count rises`;
    }
    const filters = asArray(c?.dimension).filter(
      (d) => !(d?.operator === 'Include' && JSON.stringify(asArray(d?.values)) === '["*"]'),
    );
    if (filters.length) {
      return `a dimension filter (${filters.map((d) => `${d?.name} ${d?.operator} ${JSON.stringify(d?.values)}`).join('; ')}) hides rows from it`;
    }
    // A metric alert reads the metric of its namespace (azurerm 4.55 monitor_metric_alert criteria.metric_namespace,
    // required): the account's metrics are in Microsoft.CognitiveServices/accounts (Learn, "Supported metrics for
    // Microsoft.CognitiveServices/accounts"); the same metric name in another namespace watches something else.
    if (
      metric &&
      String(c?.metric_namespace ?? '')
        .trim()
        .toLowerCase() !== 'microsoft.cognitiveservices/accounts'
    ) {
      return `its criterion reads namespace ${JSON.stringify(c?.metric_namespace ?? '(unset)')}, not Microsoft.CognitiveServices/accounts: it does not watch the account's metric`;
    }
    if (metric && c?.aggregation !== 'Total') {
      return `aggregation ${JSON.stringify(c?.aggregation ?? '(unset)')} is not Total: it does not count every request`;
    }
    if (!metric && c?.time_aggregation_method !== 'Count') {
      return `time_aggregation_method ${JSON.stringify(c?.time_aggregation_method ?? '(unset)')} is not Count`;
    }
    const failing = block(c?.failing_periods);
    if (failing && Number(failing.minimum_failing_periods_to_trigger_alert) !== 1) {
      return `it needs ${JSON.stringify(failing.minimum_failing_periods_to_trigger_alert)} failing periods before it fires`;
    }
    const gap = metric ? undefined : coverageGap(r, failing);
    if (gap) return gap;
  }
  // Muting actions keeps the alert but calls no action group for that long after each firing (azurerm 4.55
  // monitor_scheduled_query_rules_alert_v2 mute_actions_after_alert_duration; REST muteActionsDuration).
  const muted = r.values.mute_actions_after_alert_duration;
  if (!metric && muted !== undefined && muted !== null && muted !== '') {
    return `its actions are muted for ${JSON.stringify(muted)} after each firing`;
  }
  const scopes = asArray(r.values.scopes);
  if (metric) {
    return scopes.some((x) => accounts(m).some((a) => pointsAt(m, x, a)))
      ? undefined
      : `it is scoped to ${JSON.stringify(scopes)}, not to the account`;
  }
  const workspaces = accounts(m).flatMap((a) =>
    diagnosticsFor(m, a)
      .map((d) => d.values.log_analytics_workspace_id)
      .filter((w) => w !== undefined && w !== null),
  );
  return scopes.some((x) => workspaces.some((w) => sameTarget(m, x, w)))
    ? undefined
    : `it is scoped to ${JSON.stringify(scopes)}, not to the workspace the account's diagnostics send to`;
}

/** An alert from the guide's alert table: present, at most the listed severity and threshold. */
export function alertRule(
  meta: RuleMetadata,
  maxSeverity: number,
  find: (
    m: TfModel,
  ) => Array<{ r: TfResource; severity: number; ok: boolean; detail: string; value: unknown }>,
): Rule {
  const title = meta.title;
  return {
    ...meta,
    evaluate: (m) => {
      if (accounts(m).length === 0) return [na('no Azure OpenAI account in this configuration')];
      const candidates = find(m);
      if (candidates.length === 0) {
        return [bad(accounts(m)[0].resource.address, `missing alert: ${title}`, '(none)')];
      }
      const judged = candidates.map((c) => {
        const problem = firingProblem(m, c.r);
        return problem ? { ...c, ok: false, detail: `the alert cannot fire: ${problem}` } : c;
      });
      const good = judged.find((c) => c.ok && c.severity <= maxSeverity);
      if (good) return [ok(good.r.address, good.detail)];
      const c = judged.find((x) => !x.ok) ?? judged[0];
      return [
        bad(
          c.r.address,
          c.ok && c.severity > maxSeverity
            ? `severity ${c.severity} is lower than Sev ${maxSeverity}`
            : c.detail,
          c.value,
        ),
      ];
    },
  };
}

export function diagnosticsFor(m: TfModel, a: AccountView): TfResource[] {
  return m
    .ofType('azurerm_monitor_diagnostic_setting')
    .filter((d) => pointsAt(m, d.values.target_resource_id, a));
}

/**
 * Why a log alert's runs leave rows no run looks at, or undefined. Each run queries back window_duration times
 * number_of_evaluation_periods, or override_query_time_range when set (Learn, scheduledQueryRules
 * LogAlertRuleProperties: "overrideQueryTimeRange: If specified then overrides the query time range (default is
 * WindowSize*NumberOfEvaluationPeriods)"), and runs every evaluation_frequency; a look-back shorter than the
 * interval never sees the rows in between (the log alert schedule's time window "should be greater than or equal
 * to" its frequency: Azure SDK for Java, monitor Schedule.withTimeWindowInMinutes). A frequency written as the
 * same expression as the window covers itself; other values that are not literal durations cannot be shown to
 * cover (fail closed). No frequency set: nothing to compare.
 */
export function coverageGap(r: TfResource, failing: Record<string, any> | undefined): string | undefined {
  const every = r.values.evaluation_frequency;
  if (every === undefined || every === null) return undefined;
  const override = r.values.override_query_time_range;
  const window = r.values.window_duration;
  const periods = failing?.number_of_evaluation_periods ?? 1;
  if (override === undefined || override === null) {
    if (window === every && isLiteral(periods) && Number(periods) >= 1) return undefined;
  }
  const everyMinutes = isoMinutes(every);
  const lookBack =
    override !== undefined && override !== null ? isoMinutes(override) : isoMinutes(window) * Number(periods);
  if (!Number.isFinite(everyMinutes) || !Number.isFinite(lookBack)) {
    return `its evaluation_frequency ${JSON.stringify(every)} and look-back (window_duration ${JSON.stringify(window)}${
      override !== undefined && override !== null
        ? `, override_query_time_range ${JSON.stringify(override)}`
        : ''
    }) are not literal durations: it cannot be shown to look at every interval`;
  }
  return lookBack < everyMinutes
    ? `it runs every ${everyMinutes} min but looks back ${lookBack} min: rows between runs are never evaluated`
    : undefined;
}

/** terraform_data resources of the given marker kind (subscription baseline or coverage declaration). */
export function markers(m: TfModel, kind: string): TfResource[] {
  return m.ofType('terraform_data').filter((r) => r.values.input?.kind === kind);
}

/** How an account stack declared its subscription covered, as a finding message; undefined when it did not. */
export function coverageDeclared(m: TfModel): { address: string; message: string } | undefined {
  const d = markers(m, SUBSCRIPTION_COVERAGE_KIND)[0];
  if (!d) return undefined;
  const input = d.values.input;
  if (input.covered_by === 'baseline-stack' && input.baseline_stack) {
    return { address: d.address, message: `declared: covered by the baseline stack ${input.baseline_stack}` };
  }
  if (input.covered_by === 'managed-elsewhere' && String(input.reason ?? '').trim().length >= 10) {
    return { address: d.address, message: `declared: managed outside this package (${input.reason})` };
  }
  return undefined;
}

/**
 * Receiver blocks of azurerm_monitor_action_group (azurerm 4.55.0 schema, @cdktf/provider-azurerm
 * lib/monitor-action-group: arm_role_receiver ... webhook_receiver).
 */
export const ACTION_GROUP_RECEIVERS = [
  'arm_role_receiver',
  'automation_runbook_receiver',
  'azure_app_push_receiver',
  'azure_function_receiver',
  'email_receiver',
  'event_hub_receiver',
  'itsm_receiver',
  'logic_app_receiver',
  'sms_receiver',
  'voice_receiver',
  'webhook_receiver',
];

/**
 * A table of the audit workspace kept for less than the audit retention. A table's retention overrides the
 * workspace's: `retentionInDays` (interactive, -1 or unset = the workspace's) plus archive gives
 * `totalRetentionInDays` (-1 or unset = the table's retention); archived rows are still retained. Sources: Azure
 * REST Microsoft.OperationalInsights/workspaces/tables (retentionInDays 4-730, -1 = workspace retention;
 * totalRetentionInDays 4-4383, -1 = table retention), Microsoft Learn "Manage data retention in a Log Analytics
 * workspace" (sample: retentionInDays 8, archiveRetentionInDays 22, totalRetentionInDays 30); azurerm 4.55.0
 * azurerm_log_analytics_workspace_table: workspace_id, retention_in_days, total_retention_in_days.
 */
export function shortTableRetention(
  m: TfModel,
  workspace: TfResource,
  workspaceDays: number,
): { address: string; message: string; value: unknown } | undefined {
  const tables = [
    ...m
      .ofType('azurerm_log_analytics_workspace_table')
      .filter((t) => m.refersTo(t.values.workspace_id, workspace))
      .map((t) => ({ t, retention: t.values.retention_in_days, total: t.values.total_retention_in_days })),
    ...m
      .ofType('azapi_resource', 'azapi_update_resource')
      .filter(
        (t) =>
          /^Microsoft\.OperationalInsights\/workspaces\/tables@/i.test(String(t.values.type ?? '')) &&
          (m.refersTo(t.values.parent_id, workspace) || m.refersTo(t.values.resource_id, workspace)),
      )
      .map((t) => {
        const properties = t.values.body?.properties ?? {};
        return { t, retention: properties.retentionInDays, total: properties.totalRetentionInDays };
      }),
  ];
  for (const { t, retention, total } of tables) {
    const unset = (v: unknown) => v === undefined || v === null || Number(v) === -1;
    const effective = !unset(total) ? total : !unset(retention) ? retention : workspaceDays;
    if (!isLiteral(effective)) {
      return {
        address: t.address,
        message: 'cannot verify the retention of a table of the audit workspace: it is not a literal',
        value: effective,
      };
    }
    if (!(Number(effective) >= AUDIT_RETENTION_DAYS)) {
      return {
        address: t.address,
        message: `a table of the audit workspace keeps its rows ${Number(effective)} days (interactive plus archive), below ${AUDIT_RETENTION_DAYS}`,
        value: { retention_in_days: retention ?? null, total_retention_in_days: total ?? null },
      };
    }
  }
  return undefined;
}

/** Whitespace-insensitive form of a KQL query, for comparison with the catalog. */
export function normalizeQuery(query: string): string {
  return query.replace(/\s+/g, ' ').trim();
}

/**
 * True when a receiver value given by reference is checked at plan by the precondition the construct wrote
 * (lib/record-format.ts) and the hardening record lists it: the value's own guard, or, for a dynamic block's
 * iterator value, the guard over the list its for_each iterates.
 */
export function receiverGuarded(
  m: TfModel,
  group: TfResource,
  blockName: string,
  value: unknown,
  pattern: string,
): boolean {
  if (!isReference(value)) return false;
  if (guardStands(m, group, patternGuardCondition(pattern, value))) return true;
  return (m.conditionalBlocks.get(group.address) ?? []).some(
    (d) =>
      d.block === blockName &&
      isReference(d.forEach) &&
      guardStands(m, group, listPatternGuardCondition(pattern, d.forEach)),
  );
}

/**
 * Why an activity log alert cannot fire on completed changes to the account, or undefined. It needs no Log Analytics
 * export: Azure evaluates the subscription's Activity Log events against it, its scopes acting as prefixes
 * (REST 2020-10-01 activityLogAlerts AlertRuleProperties.scopes), so a scope on the account covers its children.
 * A status filter other than Succeeded (or none) drops the completed write; a filter on caller, level, a resource ID,
 * an operation or a sub-status narrows it (azurerm 4.55 monitor_activity_log_alert criteria).
 */
function activityAlertProblem(m: TfModel, r: TfResource): string | undefined {
  const c = block(r.values.criteria) ?? {};
  if (c.category !== 'Administrative') {
    return `its category is ${JSON.stringify(c.category ?? '(unset)')}, not Administrative`;
  }
  const statuses = [c.status, ...asArray(c.statuses)].filter((x) => x !== undefined && x !== null);
  if (statuses.length && !statuses.some((x) => /^succeeded$/i.test(String(x)))) {
    return `its status filter ${JSON.stringify(statuses)} drops completed (Succeeded) changes`;
  }
  const narrowing = [
    'caller',
    'level',
    'levels',
    'resource_id',
    'resource_ids',
    'operation_name',
    'sub_status',
  ].filter((k) => c[k] !== undefined && c[k] !== null && !(Array.isArray(c[k]) && c[k].length === 0));
  if (narrowing.length) return `its criteria narrow it (${narrowing.join(', ')})`;
  const scopes = asArray(r.values.scopes);
  return scopes.some((x) => accounts(m).some((a) => pointsAt(m, x, a)))
    ? undefined
    : `it is scoped to ${JSON.stringify(scopes)}, not to the account`;
}

/**
 * Writes of the Defender for AI plan: `azurerm_security_center_subscription_pricing` with resource_type "AI" (its
 * subscription is its provider's), or an azapi write of `Microsoft.Security/pricings` named AI (this package's
 * form: azapi_update_resource on `${data.azurerm_subscription.<x>.id}/providers/Microsoft.Security/pricings/AI`,
 * whose subscription is that data source's provider's; REST pricings.json, pricingTier). `subscriptionFrom` is
 * the resource or data source whose provider decides the subscription, when it can be read.
 */
export function defenderPlans(
  m: TfModel,
): Array<{ address: string; resource: TfResource; tier: unknown; subscriptionFrom?: TfResource }> {
  const azurerm = m
    .ofType('azurerm_security_center_subscription_pricing')
    .filter(
      (p) => !isLiteral(p.values.resource_type) || String(p.values.resource_type).toLowerCase() === 'ai',
    )
    .map((p) => ({ address: p.address, resource: p, tier: p.values.tier, subscriptionFrom: p }));
  const azapi = m
    .ofType('azapi_update_resource', 'azapi_resource')
    .filter((r) => /^Microsoft\.Security\/pricings@/i.test(String(r.values.type ?? '')))
    .filter((r) =>
      r.type === 'azapi_resource'
        ? String(r.values.name ?? '').toLowerCase() === 'ai'
        : /\/pricings\/ai$/i.test(String(r.values.resource_id ?? '')),
    )
    .map((r) => {
      const target = r.type === 'azapi_resource' ? r.values.parent_id : r.values.resource_id;
      // In a plan the data source is read, so the ID is a literal: the data source whose id it starts with.
      const literalSub =
        typeof target === 'string' ? /^(\/subscriptions\/[^/]+)(\/|$)/i.exec(target)?.[1] : undefined;
      const from = m
        .references(target)
        .map((x) => m.get(x))
        .concat(
          literalSub
            ? m.dataSources.filter(
                (d) => String(d.values.id ?? '').toLowerCase() === literalSub.toLowerCase(),
              )
            : [],
        )
        .find((x) => x?.type === 'azurerm_subscription' || x?.type === 'azurerm_client_config');
      return {
        address: r.address,
        resource: r,
        tier: r.values.body?.properties?.pricingTier,
        subscriptionFrom: from,
      };
    });
  return [...azurerm, ...azapi];
}
