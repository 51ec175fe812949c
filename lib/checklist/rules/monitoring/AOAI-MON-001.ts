import { ALL_LOGS_CATEGORY_GROUP, ALL_METRICS_CATEGORY, REQUIRED_LOG_CATEGORIES } from '../../../azure-facts';
import { TfResource, asArray, isLiteral } from '../../model';
import { Rule, bad, ok, perAccount, pointsAt } from '../../rule';
import { ATTACHED } from '../fail-closed';
import { diagnosticsFor } from './shared';

export const rule: Rule = {
  id: 'AOAI-MON-001',
  constant: 'MON_DIAGNOSTICS',
  summary: 'Diagnostics send the required logs and metrics to Log Analytics.',
  severity: 'error',
  phase: 'Monitoring',
  title: 'Diagnostics send Audit, RequestResponse and Trace logs and AllMetrics to Log Analytics',
  rationale:
    'Detections and investigations need the request and audit logs in a workspace; nothing is logged by default.',
  references: { azurePolicy: '1b4d1c4e-934c-4703-944c-27c82c06bebb', mcsb: 'LT-3' },
  failClosed: `${ATTACHED} A setting that sends to no workspace does not count; a workspace with a daily cap (daily_quota_gb other than -1, or not a literal) fails, and so does an azapi write to a diagnostic setting of the account (or an azapi setting with the name of one judged here).`,
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
};
