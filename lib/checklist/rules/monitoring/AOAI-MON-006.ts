import { Rule } from '../../rule';
import { ALERT } from '../fail-closed';
import { alertRule, queryRules } from './shared';

export const rule: Rule = alertRule(
  {
    id: 'AOAI-MON-006',
    constant: 'MON_KEY_AUTH_ALERT',
    summary: 'Alert: API key use.',
    severity: 'error',
    phase: 'Monitoring',
    title: 'Alert: API key authentication used (Sev 3)',
    rationale: 'With keys disabled, any key-based call is an attack or a misconfigured client.',
    references: { mcsb: 'LT-1' },
    failClosed: ALERT,
  },
  3,
  (m) =>
    queryRules(m)
      // Key calls are the requests whose properties_s has no Entra objectId (docs/field-facts.md §1.5).
      .filter((q) => /identity_claim|objectId/.test(q.query))
      .map((q) => ({
        r: q.r,
        severity: q.severity,
        ok: q.threshold === 0,
        detail: 'key-based calls alert on any occurrence',
        value: { threshold: q.threshold },
      })),
);
