import { lifecycleFindings } from './shared';
import { na, ok, Rule } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-CHK-004',
  constant: 'CHK_LIFECYCLE',
  summary: 'No lifecycle setting hides or disarms a hardened attribute.',
  severity: 'error',
  phase: 'Checklist Integrity',
  title: 'No lifecycle setting hides or disarms a hardened attribute',
  rationale:
    'ignore_changes on public access, local auth, ACLs or outbound restriction (or on the endpoint, NSG rules, diagnostics, alerts and filter policy the other rules judge) lets a portal change stand unnoticed; a postcondition removed or replaced by a constant no longer stops an apply that reopens the account.',
  references: {},
  failClosed:
    'An ignore_changes list that is not a literal is "cannot verify"; lifecycle is judged on Terraform JSON: on a plan or a state, which do not carry it, the rule is not applicable rather than compliant.',
  evaluate: (m) => {
    // Terraform's plan and state JSON carry no lifecycle blocks (json-format "Configuration Representation":
    // expressions, count, for_each and depends_on, no lifecycle; Terraform 1.11.4's plan of the reference stack,
    // __tests__/fixtures/terraform/, has none). On them this rule has nothing to see: saying "every postcondition
    // is in place" there would vouch for what the input cannot show.
    if (m.format !== 'terraform-json') {
      return [
        na(
          'plan and state JSON carry no lifecycle blocks: ignore_changes and postconditions are judged on the configuration (cdk.tf.json)',
        ),
      ];
    }
    const found = lifecycleFindings(m);
    return found.length
      ? found
      : [
          ok(
            undefined,
            'no ignore_changes on hardened settings; every postcondition reads self and is in place',
          ),
        ];
  },
};
