import { SUBSCRIPTION_BASELINE_KIND } from '../../../record-format';
import { accounts, bad, ok, Rule } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-CHK-001',
  constant: 'CHK_NO_ACCOUNT',
  summary: 'The input has an Azure OpenAI account to judge.',
  exemptable: false,
  severity: 'error',
  phase: 'Checklist Integrity',
  title: 'The input has an Azure OpenAI account to judge',
  rationale:
    'An input with no account (a wrong file, an empty plan, a plan of another stack) would otherwise pass every rule as "not applicable"; it cannot be exempted.',
  references: {},
  failClosed: 'Cannot be exempted: an input with nothing to judge never passes.',
  evaluate: (m) => {
    const all = accounts(m);
    const baseline = m
      .ofType('terraform_data')
      .find((r) => r.values.input?.kind === SUBSCRIPTION_BASELINE_KIND);
    if (!all.length && baseline) {
      // A subscription baseline stack has no account by design: AOAI-MON-003 and AOAI-MON-011 judge it.
      return [
        ok(baseline.address, 'subscription baseline: its Activity Log export and Defender plan are judged'),
      ];
    }
    return all.length
      ? [
          ok(
            all[0].resource.address,
            `${all.length} account(s) judged: ${all.map((a) => a.resource.address).join(', ')}`,
          ),
        ]
      : [
          bad(
            undefined,
            'no Azure OpenAI account in this input: nothing was judged (is this the right file? a plan needs planned_values or resource_changes)',
            m.resources.length ? `${m.resources.length} other resource(s)` : '(no resources)',
          ),
        ];
  },
};
