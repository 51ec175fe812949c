import {
  ALL_LOGS_CATEGORY_GROUP,
  ALL_METRICS_CATEGORY,
  AUDIT_RETENTION_DAYS,
  REQUIRED_LOG_CATEGORIES,
} from '../../azure-facts';
import { DETECTIONS } from '../../detections';
import { isReference, retentionGuardCondition } from '../../plan-guards';
import { SUBSCRIPTION_BASELINE_KIND, SUBSCRIPTION_COVERAGE_KIND } from '../../subscription-markers';
import { KNOWN_AFTER_APPLY, TfModel, TfResource, asArray, block, isLiteral } from '../model';
import { guardStands } from '../records';
import {
  AccountView,
  Rule,
  RuleResult,
  accounts,
  bad,
  deferredToPlan,
  na,
  ok,
  perAccount,
  pointsAt,
} from '../rule';

const phase = 'Monitoring' as const;

function queryRules(
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

function metricAlerts(
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
function queryCountThreshold(query: string, column: string): number | undefined {
  const m = new RegExp(`where\\s+${column}\\s*>\\s*(\\d+)`).exec(query);
  return m ? Number(m[1]) : undefined;
}

/** Two values name the same target: a shared reference, or the same literal or expression text. */
function sameTarget(m: TfModel, x: unknown, y: unknown): boolean {
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
function firingProblem(m: TfModel, r: TfResource): string | undefined {
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
function alertRule(
  id: string,
  title: string,
  rationale: string,
  maxSeverity: number,
  find: (
    m: TfModel,
  ) => Array<{ r: TfResource; severity: number; ok: boolean; detail: string; value: unknown }>,
): Rule {
  return {
    id,
    severity: id === 'AOAI-MON-009' ? 'warning' : 'error',
    phase,
    title,
    rationale,
    references: { mcsb: 'LT-1' },
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

function diagnosticsFor(m: TfModel, a: AccountView): TfResource[] {
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
function coverageGap(r: TfResource, failing: Record<string, any> | undefined): string | undefined {
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
function markers(m: TfModel, kind: string): TfResource[] {
  return m.ofType('terraform_data').filter((r) => r.values.input?.kind === kind);
}

/** How an account stack declared its subscription covered, as a finding message; undefined when it did not. */
function coverageDeclared(m: TfModel): { address: string; message: string } | undefined {
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

export const MONITORING_RULES: Rule[] = [
  {
    id: 'AOAI-MON-001',
    severity: 'error',
    phase,
    title: 'Diagnostics send Audit, RequestResponse and Trace logs and AllMetrics to Log Analytics',
    rationale:
      'Detections and investigations need the request and audit logs in a workspace; nothing is logged by default.',
    references: { azurePolicy: '1b4d1c4e-934c-4703-944c-27c82c06bebb', mcsb: 'LT-3' },
    evaluate: (m) =>
      perAccount(m, (a) => {
        const settings = diagnosticsFor(m, a);
        // A diagnostic setting of the account written through azapi: a write (update_resource, PATCH/PUT
        // resource_action) changes one in place, and a resource with the name of one judged here replaces it
        // (ARM PUT of Microsoft.Insights/diagnosticSettings/<name> on the account).
        const onAccount = (r: TfResource) =>
          pointsAt(m, r.values.parent_id, a) ||
          (typeof r.values.resource_id === 'string' &&
            pointsAt(
              m,
              r.values.resource_id.replace(/\/providers\/Microsoft\.Insights\/diagnosticSettings\/.*$/i, ''),
              a,
            ));
        const names = settings.map((x) => String(x.values.name ?? '').toLowerCase());
        const overwrite = m
          .ofType('azapi_resource', 'azapi_update_resource', 'azapi_resource_action')
          .filter(
            (r) =>
              /^Microsoft\.Insights\/diagnosticSettings@/i.test(String(r.values.type ?? '')) && onAccount(r),
          )
          .find(
            (r) =>
              r.type !== 'azapi_resource' ||
              !isLiteral(r.values.name) ||
              names.includes(String(r.values.name).toLowerCase()),
          );
        if (overwrite) {
          return bad(
            overwrite.address,
            'an azapi write changes or replaces a diagnostic setting of the account: the setting judged here is not the one Azure keeps',
            overwrite.values.body ?? '(no body)',
          );
        }
        if (!settings.length) {
          return bad(a.resource.address, 'no diagnostic setting on the account', '(none)');
        }
        for (const s of settings) {
          if (!s.values.log_analytics_workspace_id) continue;
          const logs = asArray(s.values.enabled_log);
          const categories = logs.map((l) => l.category).filter(Boolean);
          const groups = logs.map((l) => l.category_group).filter(Boolean);
          const metrics = asArray(s.values.enabled_metric).map((x) => x.category);
          const logsOk =
            groups.includes(ALL_LOGS_CATEGORY_GROUP) ||
            REQUIRED_LOG_CATEGORIES.every((c) => categories.includes(c));
          const workspace = m
            .references(s.values.log_analytics_workspace_id)
            .map((x) => m.get(x)!)
            .find((r) => r.type === 'azurerm_log_analytics_workspace');
          // A daily cap stops ingestion for the rest of the day once reached (Microsoft Learn, "Set daily cap on
          // Log Analytics workspace"); azurerm 4.55 daily_quota_gb defaults to -1, no cap.
          const cap = workspace?.values.daily_quota_gb;
          if (cap !== undefined && cap !== null && !(isLiteral(cap) && Number(cap) === -1)) {
            return bad(
              workspace!.address,
              isLiteral(cap)
                ? `the workspace has a daily cap (${cap} GB): logs stop once it is reached, and attackers can reach it`
                : 'cannot verify the workspace has no daily cap: daily_quota_gb is not a literal',
              cap,
            );
          }
          if (logsOk && metrics.includes(ALL_METRICS_CATEGORY)) {
            return ok(
              s.address,
              `logs ${[...categories, ...groups].join(', ')} and ${ALL_METRICS_CATEGORY} to Log Analytics`,
            );
          }
          return bad(
            s.address,
            `diagnostic setting lacks ${REQUIRED_LOG_CATEGORIES.filter((c) => !categories.includes(c))
              .concat(metrics.includes(ALL_METRICS_CATEGORY) ? [] : [ALL_METRICS_CATEGORY])
              .join(', ')}`,
            { enabled_log: logs, enabled_metric: metrics },
          );
        }
        return bad(
          settings[0].address,
          'no diagnostic setting sends to a Log Analytics workspace',
          settings.map((s) => s.address),
        );
      }),
  },
  {
    id: 'AOAI-MON-002',
    severity: 'error',
    phase,
    title: 'Log retention meets the audit requirement (365 days) and no deprecated retention_policy is used',
    rationale:
      'The guide keeps audit data a year; diagnostic-setting retention_policy is deprecated and ignored for Log Analytics.',
    references: { mcsb: 'LT-6' },
    evaluate: (m) =>
      perAccount(m, (a) => {
        for (const s of diagnosticsFor(m, a)) {
          // Terraform's plan JSON writes an unset block list as [] (seen in Terraform 1.11.4 `show -json`): only a
          // non-empty retention_policy is the deprecated block.
          const withRetention = asArray(s.values.enabled_log).find(
            (l) => asArray(l?.retention_policy).length > 0,
          );
          if (withRetention || asArray(s.values.metric).length) {
            return bad(
              s.address,
              'deprecated retention_policy or metric block; set retention on the workspace',
              withRetention?.retention_policy ?? s.values.metric,
            );
          }
          const workspace = m
            .references(s.values.log_analytics_workspace_id)
            .map((x) => m.get(x)!)
            .find((r) => r.type === 'azurerm_log_analytics_workspace');
          if (!workspace) {
            return ok(
              s.address,
              'workspace managed outside this configuration: verify its retention after deploy',
            );
          }
          const raw = workspace.values.retention_in_days ?? 30;
          if (!isLiteral(raw)) {
            // A reference is accepted only while the precondition the construct wrote checks it at plan.
            return isReference(raw) && guardStands(m, workspace, retentionGuardCondition(raw))
              ? ok(
                  workspace.address,
                  `retention ${raw} is checked at plan by a precondition (at least ${AUDIT_RETENTION_DAYS} days)`,
                )
              : bad(
                  workspace.address,
                  'cannot verify the workspace retention: it is not known from this input, and no precondition checks it at plan',
                  raw,
                );
          }
          const days = Number(raw);
          if (!(days >= AUDIT_RETENTION_DAYS)) {
            return bad(workspace.address, `retention ${days} days is below ${AUDIT_RETENTION_DAYS}`, days);
          }
          const table = shortTableRetention(m, workspace, days);
          if (table) return bad(table.address, table.message, table.value);
          return ok(workspace.address, `retention ${days} days`);
        }
        return bad(a.resource.address, 'no diagnostic setting, so no retention', '(none)');
      }),
  },
  {
    id: 'AOAI-MON-003',
    severity: 'warning',
    phase,
    title: 'The subscription Activity Log is exported to Log Analytics',
    rationale:
      'Deployment, RAI policy and key-listing changes, and RBAC denials, are only in the Activity Log.',
    references: { mcsb: 'LT-3' },
    evaluate: (m) => {
      const baseline = markers(m, SUBSCRIPTION_BASELINE_KIND)[0];
      if (accounts(m).length === 0 && !baseline) return [na('no Azure OpenAI account in this configuration')];
      const exports = m.ofType('azurerm_monitor_diagnostic_setting').filter((d) => {
        const target = String(d.values.target_resource_id ?? '');
        // A subscription: a literal /subscriptions/<id>, the subscription data source, or "/subscriptions/<id>"
        // cut from a resource ID (this package's form: join("/", slice(split("/", <id>), 0, 3))).
        return (
          /^\/subscriptions\/[^/]+$/.test(target) ||
          /^\$\{data\.azurerm_subscription\.[^.}]+\.id\}$/.test(target) ||
          /slice\(split\("\/", [^)]+\), 0, 3\)/.test(target)
        );
      });
      const good = exports.find(
        (d) =>
          asArray(d.values.enabled_log).some((l) => l.category === 'Administrative') &&
          d.values.log_analytics_workspace_id,
      );
      const declared = good || baseline ? undefined : coverageDeclared(m);
      return [
        good
          ? ok(good.address, 'Activity Log (Administrative) exported')
          : declared
            ? ok(declared.address, declared.message)
            : bad(
                baseline?.address ?? accounts(m)[0].resource.address,
                'no subscription diagnostic setting exports the Administrative Activity Log, and no subscription coverage is declared',
                exports.map((e) => e.address),
              ),
      ];
    },
  },
  {
    id: 'AOAI-MON-004',
    severity: 'error',
    phase,
    title: 'Detection: high request rate from one caller (over 50 requests in 5 minutes)',
    rationale: 'Bursts from one caller indicate abuse, scraping or model extraction.',
    references: { mcsb: 'LT-1' },
    evaluate: (m) => {
      if (accounts(m).length === 0) return [na('no Azure OpenAI account in this configuration')];
      const rule = queryRules(m).find(
        (q) =>
          /RequestResponse/.test(q.query) &&
          /count\(\)/.test(q.query) &&
          /CallerIPAddress/.test(q.query) &&
          /RequestCount/.test(q.query),
      );
      if (!rule) {
        return [bad(accounts(m)[0].resource.address, 'missing detection: request rate per caller', '(none)')];
      }
      const limit = queryCountThreshold(rule.query, 'RequestCount');
      const problem = firingProblem(m, rule.r);
      if (problem) {
        return [
          bad(
            rule.r.address,
            `request-rate detection cannot fire: ${problem}`,
            block(rule.r.values.criteria),
          ),
        ];
      }
      return [
        limit !== undefined && limit <= 50 && rule.windowMinutes <= 5
          ? ok(rule.r.address, `> ${limit} requests in ${rule.windowMinutes} min`)
          : bad(rule.r.address, 'request-rate detection is looser than 50 requests in 5 minutes', {
              threshold: limit,
              window_minutes: rule.windowMinutes,
            }),
      ];
    },
  },
  alertRule(
    'AOAI-MON-005',
    'Alert: high content filter rate (over 20 filtered requests in 5 minutes, Sev 2)',
    'Repeated filter hits are the signature of jailbreak and prompt-injection campaigns.',
    2,
    (m) => [
      ...metricAlerts(m, 'RAIRejectedRequests').map((a) => ({
        r: a.r,
        severity: a.severity,
        ok: a.threshold <= 20 && a.windowMinutes <= 5,
        detail: `RAIRejectedRequests > ${a.threshold} in ${a.windowMinutes} min`,
        value: { threshold: a.threshold, window_minutes: a.windowMinutes },
      })),
      ...queryRules(m)
        .filter((q) => /content_filter/.test(q.query))
        .map((q) => {
          const limit = queryCountThreshold(q.query, 'FilterCount');
          return {
            r: q.r,
            severity: q.severity,
            ok: limit !== undefined && limit <= 20 && q.windowMinutes <= 5,
            detail: `> ${limit} filtered in ${q.windowMinutes} min`,
            value: { threshold: limit, window_minutes: q.windowMinutes },
          };
        }),
    ],
  ),
  alertRule(
    'AOAI-MON-006',
    'Alert: API key authentication used (Sev 3)',
    'With keys disabled, any key-based call is an attack or a misconfigured client.',
    3,
    (m) =>
      queryRules(m)
        // Key calls are the requests whose properties_s has no Entra objectId (field-facts.md §1.5).
        .filter((q) => /identity_claim|objectId/.test(q.query))
        .map((q) => ({
          r: q.r,
          severity: q.severity,
          ok: q.threshold === 0,
          detail: 'key-based calls alert on any occurrence',
          value: { threshold: q.threshold },
        })),
  ),
  alertRule(
    'AOAI-MON-007',
    'Alert: deployment configuration change (deployments and RAI policies write/delete, Sev 3)',
    'Model and filter changes must go through change management.',
    3,
    (m) =>
      queryRules(m)
        .filter((q) => /DEPLOYMENTS\/WRITE/i.test(q.query))
        .map((q) => {
          const covers = ['DEPLOYMENTS/DELETE', 'RAIPOLICIES/WRITE', 'RAIPOLICIES/DELETE'].every((op) =>
            q.query.toUpperCase().includes(op),
          );
          return {
            r: q.r,
            severity: q.severity,
            ok: covers && q.threshold === 0,
            detail: 'deployment and RAI policy writes and deletes',
            value: { query_covers_all_operations: covers, threshold: q.threshold },
          };
        }),
  ),
  alertRule(
    'AOAI-MON-008',
    'Alert: unusual token consumption (over 500K tokens in an hour, Sev 2)',
    'Token floods are a cost-based denial of service.',
    2,
    (m) =>
      metricAlerts(m, 'TokenTransaction').map((a) => ({
        r: a.r,
        severity: a.severity,
        ok: a.threshold <= 500000 && a.windowMinutes <= 60,
        detail: `TokenTransaction > ${a.threshold} in ${a.windowMinutes} min`,
        value: { threshold: a.threshold, window_minutes: a.windowMinutes },
      })),
  ),
  alertRule(
    'AOAI-MON-009',
    'Alert: new IP address accessing the service (first seen, Sev 4)',
    'A first-seen caller is worth a look: leaked identities are used from new places.',
    4,
    (m) =>
      queryRules(m)
        .filter((q) => /!in\s*\(/.test(q.query) && /CallerIPAddress/.test(q.query))
        .map((q) => ({
          r: q.r,
          severity: q.severity,
          ok: true,
          detail: 'first-seen caller IPs logged for review',
          value: null,
        })),
  ),
  {
    id: 'AOAI-MON-010',
    severity: 'error',
    phase,
    title: 'Alerts of severity 0-3 notify an action group defined with them',
    rationale: 'An alert nobody receives detects nothing.',
    references: { mcsb: 'IR-2' },
    evaluate: (m) => {
      if (accounts(m).length === 0) return [na('no Azure OpenAI account in this configuration')];
      const groups = m.ofType('azurerm_monitor_action_group');
      const results: RuleResult[] = [];
      const wired = (v: unknown) =>
        groups.some((g) => m.refersTo(v, g)) ||
        asArray(v).some((x) => typeof x === 'string' && /\/actionGroups\//i.test(x));
      for (const q of queryRules(m).filter((x) => x.severity <= 3)) {
        const ids = block(q.r.values.action)?.action_groups;
        results.push(
          wired(ids)
            ? ok(q.r.address, 'notifies an action group')
            : bad(q.r.address, 'alert has no action group', ids ?? '(none)'),
        );
      }
      for (const r of m.ofType('azurerm_monitor_metric_alert', 'azurerm_monitor_activity_log_alert')) {
        if (Number(r.values.severity ?? 3) > 3) continue;
        const ids = asArray(r.values.action).map((x) => x?.action_group_id);
        results.push(
          ids.length && wired(ids)
            ? ok(r.address, 'notifies an action group')
            : bad(r.address, 'alert has no action group', ids),
        );
      }
      // An alert processing rule of type suppression removes every action group from the alerts fired in its
      // scopes (Microsoft Learn, "Alert processing rules": Suppression; azurerm 4.55
      // monitor_alert_processing_rule_suppression: scopes, enabled default true; azapi
      // Microsoft.AlertsManagement/actionRules with an action RemoveAllActionGroups). Its condition and schedule
      // only narrow it, so an enabled one is judged as silencing these alerts (fail closed; exempt it with a reason).
      const suppressions = [
        ...m.ofType('azurerm_monitor_alert_processing_rule_suppression'),
        ...m
          .ofType('azapi_resource')
          .filter(
            (r) =>
              /^Microsoft\.AlertsManagement\/actionRules@/i.test(String(r.values.type ?? '')) &&
              /RemoveAllActionGroups/i.test(JSON.stringify(r.values.body ?? 'RemoveAllActionGroups')),
          ),
      ].filter((r) => r.values.enabled !== false && r.values.body?.properties?.enabled !== false);
      for (const sup of suppressions) {
        results.push(
          bad(
            sup.address,
            'an alert processing rule suppresses notifications (removes all action groups) from the alerts in its scopes: they notify nobody',
            sup.values.scopes ?? sup.values.body?.properties?.scopes ?? '(unknown scopes)',
          ),
        );
      }
      return results.length ? results : [bad(accounts(m)[0].resource.address, 'no alerts at all', '(none)')];
    },
  },
  {
    id: 'AOAI-MON-011',
    severity: 'error',
    phase,
    title: 'Microsoft Defender for AI: the subscription plan is Standard and the account setting is Enabled',
    rationale:
      'Defender for AI raises alerts for jailbreak campaigns, credential theft and data exfiltration through the model.',
    references: { mcsb: 'LT-1' },
    evaluate: (m) => {
      const plan = m
        .ofType('azurerm_security_center_subscription_pricing')
        .find((p) => p.values.resource_type === 'AI');
      const baseline = markers(m, SUBSCRIPTION_BASELINE_KIND)[0];
      if (baseline && accounts(m).length === 0) {
        // A subscription baseline stack: judge its plan.
        if (!plan) return [bad(baseline.address, 'no Defender plan with resource_type "AI"', '(none)')];
        return [
          plan.values.tier === 'Standard'
            ? ok(plan.address, 'plan Standard')
            : bad(plan.address, 'Defender for AI tier is not Standard', plan.values.tier),
        ];
      }
      const declared = plan ? undefined : coverageDeclared(m);
      return perAccount(m, (a) => {
        if (!plan && !declared) {
          return bad(
            a.resource.address,
            'no Defender plan with resource_type "AI", and no subscription coverage is declared',
            '(none)',
          );
        }
        if (plan && plan.values.tier !== 'Standard') {
          return bad(plan.address, 'Defender for AI tier is not Standard', plan.values.tier);
        }
        // The plan is per subscription: written through another provider configuration (an alias for another
        // subscription) it may cover a subscription that is not the account's.
        const providerOf = (r: TfResource) =>
          String(r.values.provider ?? 'azurerm').replace(/^\$\{|\}$/g, '');
        if (plan && a.declared && providerOf(plan) !== providerOf(a.resource)) {
          return bad(
            plan.address,
            `the Defender plan is written through provider ${providerOf(plan)}, the account through ${providerOf(a.resource)}: it may cover another subscription`,
            providerOf(plan),
          );
        }
        // azapi_update_resource is how this package manages the setting (it has no DELETE); azapi_resource also counts.
        // Every write of the setting counts: a second one that disables it is applied too.
        const settings = m
          .ofType('azapi_resource', 'azapi_update_resource', 'azapi_resource_action')
          .filter(
            (r) =>
              /defenderForAISettings@/i.test(String(r.values.type)) &&
              (pointsAt(m, r.values.parent_id, a) ||
                (typeof r.values.resource_id === 'string' &&
                r.values.resource_id.includes('/defenderForAISettings/')
                  ? pointsAt(m, r.values.resource_id.replace(/\/defenderForAISettings\/.*$/i, ''), a)
                  : false)),
          );
        if (!settings.length) {
          return bad(a.resource.address, 'no defenderForAISettings on the account', '(none)');
        }
        const off = settings.find((r) => {
          const body = r.values.body;
          return !body || typeof body !== 'object' || body.properties?.state !== 'Enabled';
        });
        if (off) {
          return bad(
            off.address,
            'defenderForAISettings state is not Enabled',
            off.values.body?.properties?.state,
          );
        }
        return plan
          ? ok(plan.address, 'plan Standard, account setting Enabled')
          : ok(declared!.address, `plan ${declared!.message}; account setting Enabled`);
      });
    },
  },
  {
    id: 'AOAI-MON-012',
    severity: 'error',
    phase,
    title: 'Alert rules and action groups are enabled, and notify only over HTTPS',
    rationale:
      'An alert rule or action group with enabled = false, or a webhook over plain http, keeps the resource in the plan while nothing fires or the alert travels in clear text.',
    references: { mcsb: 'LT-1' },
    evaluate: (m) => {
      if (accounts(m).length === 0) return [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')];
      const results: RuleResult[] = [];
      // azurerm 4.55: `enabled` defaults to true on these four resource types (registry docs of each resource).
      for (const r of m.ofType(
        'azurerm_monitor_scheduled_query_rules_alert_v2',
        'azurerm_monitor_metric_alert',
        'azurerm_monitor_activity_log_alert',
        'azurerm_monitor_action_group',
      )) {
        const enabled = r.values.enabled;
        // Not set (absent, null in a plan, or unknown and bound to nothing in the configuration): the provider
        // default applies, `enabled` Default true on all four (terraform-provider-azurerm internal/services/monitor).
        if (enabled !== undefined && enabled !== null && enabled !== true && enabled !== KNOWN_AFTER_APPLY) {
          results.push(
            bad(
              r.address,
              isLiteral(enabled)
                ? 'switched off (enabled = false)'
                : 'cannot verify it is enabled: enabled is not a literal',
              enabled,
            ),
          );
          continue;
        }
        if (r.type === 'azurerm_monitor_action_group') {
          const urls = [
            ...asArray(r.values.webhook_receiver).map((w) => w?.service_uri),
            ...asArray(r.values.logic_app_receiver).map((w) => w?.callback_url),
            ...asArray(r.values.azure_function_receiver).map((w) => w?.http_trigger_url),
          ];
          // A receiver URL from a variable is known at plan (and may be sensitive): judged on plan JSON.
          const insecure = urls.find((u) =>
            isLiteral(u) ? !/^https:\/\//i.test(String(u ?? '')) : !deferredToPlan(m, u),
          );
          if (insecure !== undefined) {
            results.push(
              bad(
                r.address,
                isLiteral(insecure)
                  ? 'a receiver is not HTTPS'
                  : 'cannot verify a receiver URL is HTTPS: it is not a literal',
                insecure,
              ),
            );
            continue;
          }
        }
        results.push(ok(r.address, 'enabled'));
      }
      return results.length ? results : [na('no alert rules or action groups in this input')];
    },
  },
  {
    id: 'AOAI-MON-013',
    severity: 'error',
    phase,
    title: "Every log alert query is one of the package's detections, unchanged",
    rationale:
      'A query rewritten to match nothing while keeping its keywords still satisfies a keyword check; comparing it with the detection catalog (lib/detections.ts, whitespace-normalized) proves it is the tested query.',
    references: { mcsb: 'LT-1' },
    evaluate: (m) => {
      if (accounts(m).length === 0) return [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')];
      const catalog = new Map(DETECTIONS.map((d) => [normalizeQuery(d.query), d.key]));
      const results = queryRules(m).map((q) => {
        const raw = block(q.r.values.criteria)?.query;
        const key = typeof raw === 'string' ? catalog.get(normalizeQuery(raw)) : undefined;
        return key
          ? ok(q.r.address, `detection ${key}, as catalogued`)
          : bad(
              q.r.address,
              "cannot verify the query: it is not one of the package's detections (exempt it with a reason if it is your own)",
              raw ?? '(no query)',
            );
      });
      return results.length ? results : [na('no log alert rules in this input')];
    },
  },
  {
    id: 'AOAI-MON-014',
    severity: 'warning',
    phase,
    title: 'Every action group reaches someone: it has at least one receiver',
    rationale:
      "An alert routed to an action group without receivers notifies nobody. A warning, not an error: the package's own default groups have none until the user names the security, FinOps and change teams (add them before go-live; `--fail-on warning` makes this blocking).",
    references: { mcsb: 'IR-2' },
    evaluate: (m) => {
      if (accounts(m).length === 0) return [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')];
      const results = m.ofType('azurerm_monitor_action_group').map((g) => {
        const given = ACTION_GROUP_RECEIVERS.filter((k) => asArray(g.values[k]).length > 0);
        // A receiver list given by reference (a dynamic block over a variable) is known at plan.
        const deferred = ACTION_GROUP_RECEIVERS.filter(
          (k) => g.values[k] !== undefined && !isLiteral(g.values[k]),
        );
        if (given.length) return ok(g.address, `receivers: ${given.join(', ')}`);
        if (deferred.length) {
          return ok(g.address, `receivers from an expression (${deferred.join(', ')}): judged on the plan`);
        }
        return bad(g.address, 'action group has no receiver: its alerts notify nobody', '(no receivers)');
      });
      return results.length ? results : [na('no action groups in this input')];
    },
  },
];

/**
 * Receiver blocks of azurerm_monitor_action_group (azurerm 4.55.0 schema, @cdktf/provider-azurerm
 * lib/monitor-action-group: arm_role_receiver ... webhook_receiver).
 */
const ACTION_GROUP_RECEIVERS = [
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
function shortTableRetention(
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
