import { Rule } from '../../rule';
import { ALERT } from '../fail-closed';
import { alertRule, metricAlerts, queryCountThreshold, queryRules } from './shared';

export const rule: Rule = alertRule(
  {
    id: 'AOAI-MON-005',
    constant: 'MON_CONTENT_FILTER_ALERT',
    summary: 'Alert: content filter rate.',
    severity: 'error',
    phase: 'Monitoring',
    title: 'Alert: high content filter rate (over 20 filtered requests in 5 minutes, Sev 2)',
    rationale: 'Repeated filter hits are the signature of jailbreak and prompt-injection campaigns.',
    references: { mcsb: 'LT-1' },
    failClosed: ALERT,
  },
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
);
