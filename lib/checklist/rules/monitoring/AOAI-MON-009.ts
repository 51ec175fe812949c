import { Rule } from '../../rule';
import { ALERT } from '../fail-closed';
import { alertRule, queryRules } from './shared';

export const rule: Rule = alertRule(
  {
    id: 'AOAI-MON-009',
    constant: 'MON_NEW_IP_ALERT',
    summary: 'Alert: first-seen caller IP.',
    severity: 'warning',
    phase: 'Monitoring',
    title: 'Alert: new IP address accessing the service (first seen, Sev 4)',
    rationale: 'A first-seen caller is worth a look: leaked identities are used from new places.',
    references: { mcsb: 'LT-1' },
    failClosed: ALERT,
  },
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
);
