import { normalizeQuery, queryRules } from './shared';
import { DETECTIONS } from '../../../detections';
import { block } from '../../model';
import { Rule, accounts, bad, na, ok } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-MON-013',
  constant: 'MON_KNOWN_DETECTIONS',
  summary: "Deployed log alert queries are the package's detections, unchanged.",
  severity: 'error',
  phase: 'Monitoring',
  title: "Every log alert query is one of the package's detections, unchanged",
  rationale:
    'A query rewritten to match nothing while keeping its keywords still satisfies a keyword check; comparing it with the detection catalog (lib/detections.ts, whitespace-normalized) proves it is the tested query.',
  references: { mcsb: 'LT-1' },
  failClosed:
    'A query that is not, whitespace aside, one of lib/detections.ts is "cannot verify" unless exempted.',
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
};
