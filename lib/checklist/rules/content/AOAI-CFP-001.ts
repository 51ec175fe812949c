import { Rule, RuleResult, accounts, bad, na, ok } from '../../rule';
import { ATTACHED } from '../fail-closed';
import { boundPolicy, deploymentsOf, policiesOf } from './shared';

export const rule: Rule = {
  id: 'AOAI-CFP-001',
  constant: 'CFP_BOUND_POLICY',
  summary: 'Every deployment is bound to a custom content filter policy it depends on.',
  severity: 'error',
  phase: 'Content Safety',
  title: 'Every deployment is bound to a custom content filter policy defined with it, and depends on it',
  rationale:
    'A deployment left on Microsoft.Default/DefaultV2 gets Medium thresholds and no indirect-attack shield; the dependency orders create and destroy.',
  references: { azurePolicy: '5207647b-3e83-4e28-b836-c382cb5e2a2e' },
  failClosed: `${ATTACHED} A deployment bound to no custom policy fails, as does an azapi write (update_resource, PATCH/PUT/DELETE resource_action) that rebinds it (raiPolicyName in any case) or cannot be read.`,
  evaluate: (m) => {
    const results: RuleResult[] = [];
    for (const a of accounts(m)) {
      const policies = policiesOf(m, a);
      for (const d of deploymentsOf(m, a)) {
        const policy = boundPolicy(m, policies, d);
        if (!policy) {
          results.push(
            bad(
              d.resource.address,
              'deployment is not bound to a custom content filter policy',
              d.raiPolicyName ?? '(unset: service default)',
            ),
          );
        } else if (!m.dependsOnTransitively(d.resource, policy.resource.address)) {
          results.push(
            bad(
              d.resource.address,
              `deployment does not depend on policy ${policy.name}: it may be created before the policy or outlive it`,
              d.resource.values.depends_on ?? '(no depends_on)',
            ),
          );
        } else {
          results.push(ok(d.resource.address, `bound to ${policy.name}`));
        }
      }
    }
    return results.length ? results : [na('no model deployments in this configuration')];
  },
};
