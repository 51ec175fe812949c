import { perBoundPolicy } from './shared';
import { Rule, bad, ok } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-CFP-006',
  constant: 'CFP_BLOCKLIST',
  summary: 'A blocking custom blocklist with items is attached.',
  severity: 'warning',
  phase: 'Content Safety',
  title: 'A custom blocklist with items is attached to the policy',
  rationale:
    'Blocklists stop organisation-specific terms (code names, confidential markers) that no generic filter knows.',
  references: {},
  failClosed: 'A blocklist that does not block, or has no items, does not count.',
  evaluate: (m) =>
    perBoundPolicy(m, (p) => {
      const attached = p.blocklists.filter((b) => b.blocking);
      if (!attached.length) {
        return bad(p.resource.address, `policy ${p.name} has no blocking custom blocklist`, p.blocklists);
      }
      const items = m
        .ofType('azapi_resource')
        .filter((r) => /raiBlocklistItems@/i.test(String(r.values.type)));
      const blocklists = m
        .ofType('azapi_resource')
        .filter(
          (r) =>
            /\/raiBlocklists@/i.test(String(r.values.type)) && attached.some((b) => b.name === r.values.name),
        );
      const empty = blocklists.find((bl) => !items.some((it) => m.refersTo(it.values.parent_id, bl)));
      if (empty) return bad(empty.address, `blocklist ${empty.values.name} has no items`, []);
      return ok(p.resource.address, `blocklists ${[...new Set(attached.map((b) => b.name))].join(', ')}`);
    }),
};
