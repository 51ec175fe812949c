import { perAssignment } from './shared';
import { KNOWN_AFTER_APPLY } from '../../model';
import { Rule, bad } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-IAM-005',
  constant: 'IAM_ASSIGNMENT_FORM',
  summary: 'Scoped role definition IDs and explicit principal types.',
  severity: 'warning',
  phase: 'Identity and Access',
  title: 'Role assignments use the subscription-scoped role definition ID and an explicit principal type',
  rationale:
    'The unscoped /providers/... form forces replacement on every plan; an explicit principal type is needed under ABAC-constrained delegation.',
  references: {},
  failClosed: 'Judged on assignments scoped to the account.',
  evaluate: (m) =>
    perAssignment(m, 'scoped role definition ID, explicit principal type', (r, _role, relation) => {
      if (relation !== 'account') return undefined;
      const id = r.values.role_definition_id;
      // Only an ID the configuration wrote can be unscoped. With role_definition_name, azurerm computes the ID
      // from the role found at the scope (role_definition_id is Optional+Computed; role_assignment_resource.go,
      // Create): a plan shows it null (unset) or known after apply, and this rule warned on Terraform's real plan
      // of such a grant until __tests__/checklist-inputs.test.ts compared plan and configuration verdicts.
      const written = id !== undefined && id !== null && id !== KNOWN_AFTER_APPLY;
      if (written && !/^(\/subscriptions\/|\$\{)/.test(String(id))) {
        return bad(r.address, 'role_definition_id is not subscription-scoped', id);
      }
      if (!r.values.principal_type) return bad(r.address, 'principal_type is not set', '(unset)');
      return undefined;
    }),
};
