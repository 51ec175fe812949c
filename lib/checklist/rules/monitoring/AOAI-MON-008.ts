import { Rule } from '../../rule';
import { ALERT } from '../fail-closed';
import { alertRule, metricAlerts } from './shared';

export const rule: Rule = alertRule(
  {
    id: 'AOAI-MON-008',
    constant: 'MON_TOKEN_ALERT',
    summary: 'Alert: token consumption.',
    severity: 'error',
    phase: 'Monitoring',
    title: 'Alert: unusual token consumption (over 500K tokens in an hour, Sev 2)',
    rationale: 'Token floods are a cost-based denial of service.',
    references: { mcsb: 'LT-1' },
    failClosed: ALERT,
  },
  2,
  (m) =>
    metricAlerts(m, 'TokenTransaction').map((a) => ({
      r: a.r,
      severity: a.severity,
      ok: a.threshold <= 500000 && a.windowMinutes <= 60,
      detail: `TokenTransaction > ${a.threshold} in ${a.windowMinutes} min`,
      value: { threshold: a.threshold, window_minutes: a.windowMinutes },
    })),
);
