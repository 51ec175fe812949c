import { detections } from '../core';
import { memo, pollUntil, RunState, VerifyCheck } from './check';
import { call, describe } from './http';
import { kqlString, LogRows, logsQuerier } from './logs';
import { parseArmId, ServiceError, SkipCheck, VerifyContext } from './model';

/**
 * API versions: Log Analytics workspaces and tables 2022-10-01 (docs/field-facts.md §5.4); scheduled query rules
 * 2023-12-01 (stable, learn.microsoft.com/azure/templates/microsoft.insights/change-log/scheduledqueryrules);
 * alerts 2019-05-05-preview (docs/field-facts.md §5.3).
 */
const WORKSPACE_API_VERSION = '2022-10-01';
const QUERY_RULE_API_VERSION = '2023-12-01';
const ALERTS_API_VERSION = '2019-05-05-preview';

/**
 * The alert rules SecurityMonitoring creates, named `<account>-<key>`: a scheduled query rule per detection, a
 * metric alert per METRIC_ALERTS entry and the `config-change` activity log alert. API versions: metricAlerts
 * 2018-03-01 and activityLogAlerts 2020-10-01, the stable versions in learn.microsoft.com/azure/templates
 * (microsoft.insights/metricalerts, microsoft.insights/activitylogalerts).
 */
interface AlertRuleRef {
  readonly key: string;
  readonly type: 'scheduledQueryRules' | 'metricAlerts' | 'activityLogAlerts';
  readonly apiVersion: string;
}

function alertRules(): AlertRuleRef[] {
  return [
    ...currentDetections().map((d) => ({
      key: d.key,
      type: 'scheduledQueryRules' as const,
      apiVersion: QUERY_RULE_API_VERSION,
    })),
    ...detections.METRIC_ALERTS.map((m) => ({
      key: m.key,
      type: 'metricAlerts' as const,
      apiVersion: '2018-03-01',
    })),
    { key: 'config-change', type: 'activityLogAlerts', apiVersion: '2020-10-01' },
  ];
}

/** Tables whose retention matters: the account's diagnostics and the exported Activity Log (docs/field-facts.md §1.1, §1.8). */
const RETAINED_TABLES = ['AzureDiagnostics', 'AzureActivity'];

/**
 * How this run can make each detection fire. A detection is exercised only when its synthetic event was sent;
 * keys not listed here (or renamed in lib/detections.ts) are reported as not exercised.
 */
export const SYNTHETIC_EVENTS: Readonly<Record<string, string>> = {
  'api-key-auth': 'the API-key call of VERIFY-IAM-001',
  'rbac-denied': 'the denied deployment write of VERIFY-IAM-003',
  'high-request-rate': 'a paced burst of benign calls (--bursts)',
  // Metric alert on RAIRejectedRequests: calls the content filter rejected, here by the custom blocklist.
  'content-filter-rate': 'a paced burst of blocklist-term prompts (--bursts with --blocklist-term)',
};

/** Detections verify deliberately never triggers, and why. */
export const NOT_EXERCISABLE: Readonly<Record<string, string>> = {
  'deployment-change':
    'it needs a successful deployment, RAI policy or key operation, and verify never changes the account',
  'new-caller-ip': 'it needs a caller IP unseen for two days; verify cannot choose the address it calls from',
  'token-consumption': 'it needs more tokens in an hour than verify should spend',
  'content-filter-harmful':
    'it counts prompts a harm classifier flags (RAIHarmfulRequests); verify sends none on purpose (abuse monitoring), and a blocklist term is no harm category',
  'config-change': 'it needs a write on the account, and verify never changes the account',
};

/** Read at run time: lib/detections.ts is the single source of the queries. */
function currentDetections(): readonly detections.DetectionDefinition[] {
  return detections.DETECTIONS;
}

function armBase(ctx: VerifyContext): string {
  return ctx.config.armEndpoint.replace(/\/+$/, '');
}

interface WorkspaceInfo {
  readonly customerId: string;
  readonly retentionInDays?: number;
}

function requireWorkspace(ctx: VerifyContext): string {
  if (!ctx.config.workspaceId) {
    throw new SkipCheck('no Log Analytics workspace configured (workspaceId / --workspace-id)');
  }
  return ctx.config.workspaceId;
}

function workspaceInfo(ctx: VerifyContext, state: RunState): Promise<WorkspaceInfo> {
  const id = requireWorkspace(ctx);
  return memo(state, 'workspace', async () => {
    const answer = await call(ctx, `${armBase(ctx)}${id}?api-version=${WORKSPACE_API_VERSION}`, {
      audience: 'arm',
    });
    if (answer.status !== 200) throw new ServiceError(`workspace ${id}: ${describe(answer)}`);
    const customerId = ctx.config.workspaceCustomerId ?? answer.json?.properties?.customerId;
    if (!customerId) throw new ServiceError(`workspace ${id}: no properties.customerId in the answer`);
    return { customerId, retentionInDays: answer.json?.properties?.retentionInDays };
  });
}

async function querier(ctx: VerifyContext, state: RunState) {
  const ws = await workspaceInfo(ctx, state);
  return logsQuerier(ctx, ws.customerId);
}

/** Rows from our own time window only: events from before the run prove nothing about this run. */
async function queryWindow(ctx: VerifyContext, state: RunState, kql: string): Promise<LogRows> {
  const q = await querier(ctx, state);
  return q.query(kql, new Date(state.startedAt - 60_000), new Date(ctx.now() + 60_000));
}

function ruleId(ctx: VerifyContext, key: string, type: AlertRuleRef['type'] = 'scheduledQueryRules'): string {
  const account = parseArmId(ctx.config.accountId, 'Microsoft.CognitiveServices/accounts')!;
  const rg = ctx.config.alertResourceGroup ?? account.resourceGroup;
  const prefix = ctx.config.alertRulePrefix ?? account.name;
  // SecurityMonitoring names each alert rule `${accountName}-${key}`.
  return `/subscriptions/${account.subscription}/resourceGroups/${rg}/providers/Microsoft.Insights/${type}/${prefix}-${key}`;
}

function notExercisedReason(key: string, ctx: VerifyContext, state: RunState): string {
  if (NOT_EXERCISABLE[key]) return `not exercised: ${NOT_EXERCISABLE[key]}`;
  if (state.shortBursts.has(key)) return `not exercised: ${state.shortBursts.get(key)}`;
  if (SYNTHETIC_EVENTS[key]) {
    const bursts = SYNTHETIC_EVENTS[key].includes('--bursts');
    return `not exercised: its synthetic event (${SYNTHETIC_EVENTS[key]}) was not sent in this run${bursts && !ctx.config.bursts ? ': bursts are off' : ''}`;
  }
  return 'not exercised: verify has no synthetic event for this detection';
}

const logsCheck: VerifyCheck = {
  id: 'VERIFY-MON-001',
  checklistItem: 'MO-1',
  family: 'monitoring',
  title: 'Requests made by verify appear in Log Analytics within the time limit',
  phase: 'observe',
  async run(ctx, state) {
    requireWorkspace(ctx);
    const ids = [...new Set(state.acceptedRequestIds)];
    if (!ids.length || state.firstAcceptedAt === undefined) {
      throw new SkipCheck(
        state.unmarkedAccepted
          ? `${state.unmarkedAccepted} accepted call(s) carried no apim-request-id header (a gateway in front of the account?), so there is no CorrelationId to look for`
          : 'no data-plane call was accepted in this run, so there is no request to look for (VERIFY-IAM-002 must run and pass)',
      );
    }
    const deadline = (state.lastAcceptedAt ?? state.firstAcceptedAt) + ctx.config.logWaitSeconds * 1000;
    // CorrelationId of the AzureDiagnostics row is the apim-request-id response header (docs/field-facts.md §1.2).
    const kql = `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES"
| where CorrelationId in (${ids.map(kqlString).join(', ')})
| distinct CorrelationId`;
    let seen = new Set<string>();
    const result = await pollUntil(
      ctx,
      'VERIFY-MON-001',
      `${ids.length} marked request(s) in AzureDiagnostics`,
      deadline,
      async () => {
        const rows = await queryWindow(ctx, state, kql);
        seen = new Set(rows.rows.map((r) => String(r[0])));
        return ids.every((id) => seen.has(id)) ? true : undefined;
      },
    );
    const elapsed = Math.round((ctx.now() - state.firstAcceptedAt) / 1000);
    if (result.found) {
      // Measured to the poll that found them: the latency is at most this, at least one poll interval less.
      return {
        status: 'pass',
        detail: `all ${ids.length} marked request(s) logged; measured latency ${elapsed} s from the first call (polled every ${ctx.config.pollSeconds} s; Microsoft: usually 3 to 10 minutes)`,
      };
    }
    if (result.lastError && !seen.size) throw result.lastError;
    const missing = ids.filter((id) => !seen.has(id));
    return {
      status: 'fail',
      detail: `${missing.length} of ${ids.length} marked request(s) not in AzureDiagnostics within ${ctx.config.logWaitSeconds} s (apim-request-id ${missing.join(', ')}); Microsoft: resource logs usually arrive within 3 to 10 minutes`,
    };
  },
};

const retentionCheck: VerifyCheck = {
  id: 'VERIFY-MON-005',
  checklistItem: 'MO-4',
  family: 'monitoring',
  title: 'Workspace and table retention meet the minimum',
  phase: 'probe',
  async run(ctx, state) {
    const id = requireWorkspace(ctx);
    const min = ctx.config.minRetentionDays;
    const ws = await workspaceInfo(ctx, state);
    const seen: string[] = [];
    const short: string[] = [];
    if (typeof ws.retentionInDays !== 'number') {
      throw new ServiceError(`workspace ${id}: no properties.retentionInDays`);
    }
    seen.push(`workspace ${ws.retentionInDays} days`);
    if (ws.retentionInDays < min) short.push(`workspace ${ws.retentionInDays} days`);
    // A per-table setting overrides the workspace's, so the tables are checked too (docs/field-facts.md §5.4).
    for (const table of RETAINED_TABLES) {
      const answer = await call(
        ctx,
        `${armBase(ctx)}${id}/tables/${table}?api-version=${WORKSPACE_API_VERSION}`,
        {
          audience: 'arm',
        },
      );
      if (answer.status === 404) {
        seen.push(`${table} not created yet`);
        continue;
      }
      if (answer.status !== 200) throw new ServiceError(`table ${table}: ${describe(answer)}`);
      const days = answer.json?.properties?.retentionInDays;
      if (typeof days !== 'number') throw new ServiceError(`table ${table}: no properties.retentionInDays`);
      seen.push(`${table} ${days} days`);
      if (days < min) short.push(`${table} ${days} days`);
    }
    return short.length
      ? { status: 'fail', detail: `below the ${min}-day minimum: ${short.join(', ')}` }
      : { status: 'pass', detail: `${seen.join(', ')} (minimum ${min})` };
  },
};

function detectionCheck(d: detections.DetectionDefinition): VerifyCheck {
  const id = `VERIFY-MON-002/${d.key}`;
  return {
    id,
    checklistItem: 'MO-2',
    family: 'monitoring',
    title: `Detection "${d.key}" returns rows after its synthetic event`,
    phase: 'observe',
    async run(ctx, state) {
      requireWorkspace(ctx);
      if (!state.exercised.has(d.key)) throw new SkipCheck(notExercisedReason(d.key, ctx, state));
      const deadline = ctx.now() + ctx.config.alertWaitSeconds * 1000;
      const result = await pollUntil(ctx, id, `detection ${d.key}`, deadline, async () => {
        const rows = await queryWindow(ctx, state, d.query);
        return rows.rows.length ? rows.rows.length : undefined;
      });
      if (result.found) {
        return { status: 'pass', detail: `${result.found} row(s) after ${state.exercised.get(d.key)}` };
      }
      if (result.lastError) throw result.lastError;
      return {
        status: 'fail',
        detail: `no rows within ${ctx.config.alertWaitSeconds} s after ${state.exercised.get(d.key)}: the query does not match the events the service logs`,
      };
    },
  };
}

function alertRuleCheck(d: AlertRuleRef): VerifyCheck {
  return {
    id: `VERIFY-MON-003/${d.key}`,
    checklistItem: 'MO-3',
    family: 'monitoring',
    title: `Alert rule for "${d.key}" exists and is enabled`,
    phase: 'probe',
    async run(ctx) {
      const id = ruleId(ctx, d.key, d.type);
      const answer = await call(ctx, `${armBase(ctx)}${id}?api-version=${d.apiVersion}`, {
        audience: 'arm',
      });
      if (answer.status === 404) return { status: 'fail', detail: `${id} does not exist` };
      if (answer.status !== 200) throw new ServiceError(`${id}: ${describe(answer)}`);
      return answer.json?.properties?.enabled === true
        ? { status: 'pass', detail: `${id} enabled` }
        : {
            status: 'fail',
            detail: `${id} is disabled (properties.enabled = ${JSON.stringify(answer.json?.properties?.enabled)})`,
          };
    },
  };
}

function alertFiredCheck(d: AlertRuleRef): VerifyCheck {
  const id = `VERIFY-MON-004/${d.key}`;
  return {
    id,
    checklistItem: 'MO-3',
    family: 'monitoring',
    title: `Alert rule for "${d.key}" fires after its synthetic event`,
    phase: 'observe',
    async run(ctx, state) {
      if (!state.exercised.has(d.key)) throw new SkipCheck(notExercisedReason(d.key, ctx, state));
      const rule = ruleId(ctx, d.key, d.type);
      const sub = parseArmId(ctx.config.accountId, 'Microsoft.CognitiveServices/accounts')!.subscription;
      const url = `${armBase(ctx)}/subscriptions/${sub}/providers/Microsoft.AlertsManagement/alerts?api-version=${ALERTS_API_VERSION}&alertRule=${encodeURIComponent(rule)}&timeRange=1h`;
      const deadline = ctx.now() + ctx.config.alertWaitSeconds * 1000;
      const result = await pollUntil(ctx, id, `alert ${d.key}`, deadline, async () => {
        const answer = await call(ctx, url, { audience: 'arm' });
        if (answer.status !== 200) throw new ServiceError(`alerts: ${describe(answer)}`);
        // A new log alert is listed only once it fired; count only alerts that started during this run.
        return (answer.json?.value ?? []).find((a: any) => {
          const e = a?.properties?.essentials ?? {};
          return (
            String(e.alertRule ?? '').toLowerCase() === rule.toLowerCase() &&
            Date.parse(e.startDateTime) >= state.startedAt - 60_000
          );
        });
      });
      if (result.found) {
        const e = result.found.properties.essentials;
        return {
          status: 'pass',
          detail: `fired at ${e.startDateTime} (${e.monitorCondition ?? 'Fired'}, ${e.severity ?? ''})`,
        };
      }
      if (result.lastError) throw result.lastError;
      return {
        status: 'fail',
        detail: `${rule} did not fire within ${ctx.config.alertWaitSeconds} s after ${state.exercised.get(d.key)}`,
      };
    },
  };
}

/**
 * The monitoring checks: one detection check per log detection in lib/detections.ts, and an exists-and-enabled
 * and a fired check per alert rule (log, metric and activity log alerts).
 */
export function monitoringChecks(): VerifyCheck[] {
  const rules = alertRules();
  return [
    logsCheck,
    ...currentDetections().map(detectionCheck),
    ...rules.map(alertRuleCheck),
    ...rules.map(alertFiredCheck),
    retentionCheck,
  ];
}
