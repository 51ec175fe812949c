import { asArray, block } from '../../model';
import { Rule } from '../../rule';
import { ALERT } from '../fail-closed';
import { alertRule, queryRules } from './shared';

export const rule: Rule = alertRule(
  {
    id: 'AOAI-MON-007',
    constant: 'MON_CHANGE_ALERT',
    summary: 'Alert: deployment configuration change.',
    severity: 'error',
    phase: 'Monitoring',
    title: 'Alert: deployment configuration change (deployments and RAI policies write/delete, Sev 3)',
    rationale: 'Model and filter changes must go through change management.',
    references: { mcsb: 'LT-1' },
    failClosed: ALERT,
  },
  3,
  (m) => [
    ...queryRules(m)
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
    // An activity log alert on the account watches the same ARM events without an Activity Log export (the form
    // this package writes when the export goes to another workspace). No resource_types: every type.
    ...m.ofType('azurerm_monitor_activity_log_alert').map((r) => {
      const types = asArray(block(r.values.criteria)?.resource_types).map((t) => String(t).toLowerCase());
      const covers =
        types.length === 0 ||
        [
          'microsoft.cognitiveservices/accounts/deployments',
          'microsoft.cognitiveservices/accounts/raipolicies',
        ].every((t) => types.includes(t));
      return {
        r,
        severity: Number(r.values.severity ?? 3),
        ok: covers,
        detail: 'deployment and RAI policy writes and deletes (activity log alert on the account)',
        value: { resource_types: block(r.values.criteria)?.resource_types ?? null },
      };
    }),
  ],
);
