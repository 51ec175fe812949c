import { Rule, bad } from '../../rule';
import { ROLES } from '../fail-closed';
import { UNKNOWN_ROLE, isPrivileged, perAssignment, roleLabel, unknownBuiltIn, where } from './shared';

export const rule: Rule = {
  id: 'AOAI-IAM-003',
  constant: 'IAM_PRIVILEGED_ROLES',
  summary: 'No privileged role on the account or a scope that contains it.',
  severity: 'error',
  phase: 'Identity and Access',
  title:
    'No Owner, Contributor, User Access Administrator, RBAC Administrator or Cognitive Services User on the account',
  rationale:
    'These roles list keys, change network settings or grant access; no workload needs them on the account.',
  references: { mcsb: 'PA-7' },
  failClosed: ROLES,
  evaluate: (m) =>
    perAssignment(m, 'not a privileged role', (r, role, relation) =>
      isPrivileged(m, role)
        ? bad(
            r.address,
            role === UNKNOWN_ROLE
              ? `cannot verify the role ${where(relation)}: ${roleLabel(role)}`
              : unknownBuiltIn(role)
                ? `cannot verify the role ${where(relation)}: ${roleLabel(role)} is not a role this checklist knows, and may list keys or write the account (exempt it with a reason, or define it here as a custom role)`
                : `privileged role ${roleLabel(role)} ${where(relation)}`,
            r.values.role_definition_id ?? r.values.role_definition_name ?? '(unset)',
          )
        : undefined,
    ),
};
