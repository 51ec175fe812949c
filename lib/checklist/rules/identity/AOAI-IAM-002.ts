import { isLiteral } from '../../model';
import { Rule, bad, ok, perAccount } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-IAM-002',
  constant: 'IAM_MANAGED_IDENTITY',
  summary: 'The account has a managed identity.',
  severity: 'error',
  phase: 'Identity and Access',
  title: 'The account has a managed identity',
  rationale:
    'A managed identity lets the account reach Key Vault, Search and storage without stored credentials.',
  references: {
    checkov: 'CKV_AZURE_238',
    azurePolicy: 'fe3fd216-4f83-4fc1-8984-2bbec80a3418',
    mcsb: 'IM-3',
  },
  failClosed: 'An identity type that is not a literal, or an account managed elsewhere, is "cannot verify".',
  evaluate: (m) =>
    perAccount(m, (a) => {
      if (!a.declared) {
        return bad(
          a.resource.address,
          'cannot verify the managed identity: the account is managed elsewhere and this input does not show its identity',
          '(not in this input)',
        );
      }
      const type = a.identityType;
      if (typeof type === 'string' && !isLiteral(type)) {
        return bad(
          a.resource.address,
          'cannot verify the managed identity: its type is not known from this input',
          type,
        );
      }
      return typeof type === 'string' && /SystemAssigned|UserAssigned/.test(type)
        ? ok(a.resource.address, type)
        : bad(a.resource.address, 'no managed identity', type ?? '(no identity block)');
    }),
};
