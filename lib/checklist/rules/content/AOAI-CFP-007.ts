import { perBoundPolicy } from './shared';
import { Rule, bad, deferredToPlan, na, ok } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-CFP-007',
  constant: 'CFP_BLOCKLIST_BLOCKING',
  summary: 'Every attached custom blocklist blocks.',
  severity: 'error',
  phase: 'Content Safety',
  title: 'Every custom blocklist attached to a policy blocks',
  rationale:
    'A blocklist attached with blocking false only annotates: the terms it lists reach the model and the caller.',
  references: {},
  failClosed:
    'A blocking flag from an expression is judged on plan JSON, where it is a literal; an interpolation that reads no variable, data source or resource is judged at synth.',
  evaluate: (m) => {
    const results = perBoundPolicy(m, (p) => {
      // An expression (the package's blocking-by-source list from a variable) is known at plan: judged there.
      const open = p.blocklists.find((b) => !b.blocking && !deferredToPlan(m, b.blockingValue));
      if (open) {
        return bad(
          p.resource.address,
          `blocklist ${String(open.name)} on ${String(open.source)} does not block`,
          { blocklistName: open.name, source: open.source, blocking: open.blockingValue ?? '(unset)' },
        );
      }
      return p.blocklists.length
        ? ok(p.resource.address, `${p.blocklists.length} blocklist attachment(s), all blocking`)
        : { status: 'not-applicable' as const, message: `policy ${p.name} attaches no blocklist` };
    });
    // A missing policy is AOAI-CFP-002's finding; this rule judges the attachments that exist.
    const judged = results.filter((r) => r.status !== 'non-compliant' || r.value !== '(none)');
    return judged.length ? judged : [na('no custom content filter policy to judge')];
  },
};
