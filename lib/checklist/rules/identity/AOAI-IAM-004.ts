import { CONTRIBUTOR_LEVEL_ROLE_GUIDS, ROLE_NAMES } from '../../../azure-facts';
import { isLiteral } from '../../model';
import { Rule, bad } from '../../rule';
import { ROLES } from '../fail-closed';
import { UNKNOWN_ROLE, isPrivileged, perAssignment, roleLabel, unknownBuiltIn, where } from './shared';

export const rule: Rule = {
  id: 'AOAI-IAM-004',
  constant: 'IAM_USER_CONTRIBUTOR',
  summary: 'No contributor-level role for individual users.',
  severity: 'error',
  phase: 'Identity and Access',
  title: 'Individual users hold no contributor-level role on the account',
  rationale:
    "The guide's access audit: users get OpenAI User through groups; contributor-level roles belong to automation and admins' groups.",
  references: { mcsb: 'PA-7' },
  failClosed: `${ROLES} An unset or unknown principal type may be a user.`,
  evaluate: (m) =>
    perAssignment(m, 'not contributor-level for a user', (r, role, relation) => {
      const type = r.values.principal_type;
      // An unset or unknown principal type may be a user: the worst case.
      const maybeUser = type === 'User' || !isLiteral(type) || type === undefined;
      const contributor =
        CONTRIBUTOR_LEVEL_ROLE_GUIDS.includes(role) ||
        role === UNKNOWN_ROLE ||
        unknownBuiltIn(role) ||
        (role.startsWith('custom:') && isPrivileged(m, role));
      return maybeUser && contributor
        ? bad(
            r.address,
            `${type === 'User' ? 'user' : 'a principal that may be a user'} ${r.values.principal_id} has contributor-level ${roleLabel(role)} ${where(relation)}`,
            {
              principal_type: type ?? '(unset)',
              role: ROLE_NAMES[role] ?? role,
            },
          )
        : undefined;
    }),
};
