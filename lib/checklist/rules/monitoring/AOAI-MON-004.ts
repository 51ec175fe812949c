import { block } from '../../model';
import { Rule, accounts, bad, na, ok } from '../../rule';
import { ALERT } from '../fail-closed';
import { firingProblem, queryCountThreshold, queryRules } from './shared';

export const rule: Rule = {
  id: 'AOAI-MON-004',
  constant: 'MON_REQUEST_RATE',
  summary: 'Detection: request rate per caller.',
  severity: 'error',
  phase: 'Monitoring',
  title: 'Detection: high request rate from one caller (over 50 requests in 5 minutes)',
  rationale: 'Bursts from one caller indicate abuse, scraping or model extraction.',
  references: { mcsb: 'LT-1' },
  failClosed: ALERT,
  evaluate: (m) => {
    if (accounts(m).length === 0) return [na('no Azure OpenAI account in this configuration')];
    const detection = queryRules(m).find(
      (q) =>
        /RequestResponse/.test(q.query) &&
        /count\(\)/.test(q.query) &&
        /CallerIPAddress/.test(q.query) &&
        /RequestCount/.test(q.query),
    );
    if (!detection) {
      return [bad(accounts(m)[0].resource.address, 'missing detection: request rate per caller', '(none)')];
    }
    const limit = queryCountThreshold(detection.query, 'RequestCount');
    const problem = firingProblem(m, detection.r);
    if (problem) {
      return [
        bad(
          detection.r.address,
          `request-rate detection cannot fire: ${problem}`,
          block(detection.r.values.criteria),
        ),
      ];
    }
    return [
      limit !== undefined && limit <= 50 && detection.windowMinutes <= 5
        ? ok(detection.r.address, `> ${limit} requests in ${detection.windowMinutes} min`)
        : bad(detection.r.address, 'request-rate detection is looser than 50 requests in 5 minutes', {
            threshold: limit,
            window_minutes: detection.windowMinutes,
          }),
    ];
  },
};
