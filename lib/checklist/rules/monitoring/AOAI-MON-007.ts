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
);
