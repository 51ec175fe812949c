import { grants, scopeRelation } from './shared';
import { TfModel, TfResource, isLiteral } from '../../model';
import { Rule, RuleResult, accounts, bad, na, ok } from '../../rule';

const FIC_TYPE = /^Microsoft\.ManagedIdentity\/userAssignedIdentities\/federatedIdentityCredentials@/i;

/** Federated credentials in azurerm's shape: azurerm_federated_identity_credential, or azapi (REST spec property names). */
function credentials(m: TfModel): TfResource[] {
  return [
    ...m.ofType('azurerm_federated_identity_credential'),
    ...m
      .ofType('azapi_resource')
      .filter((r) => FIC_TYPE.test(String(r.values.type ?? '')))
      .map((r) => {
        const p = r.values.body && typeof r.values.body === 'object' ? (r.values.body.properties ?? {}) : {};
        return {
          ...r,
          values: {
            ...r.values,
            issuer: p.issuer ?? r.values.body,
            subject: p.subject,
            claims: p.claimsMatchingExpression,
          },
        };
      }),
  ];
}

/**
 * The identities (addresses) that hold a role on the account, inside it, on a scope that contains it or on a scope
 * this input cannot resolve: each grant's principal_id read as a reference to a user-assigned identity.
 */
function identitiesWithAccountRoles(m: TfModel): { known: Set<string>; unresolved: boolean } {
  const known = new Set<string>();
  let unresolved = false;
  for (const g of grants(m)) {
    if (!accounts(m).some((a) => scopeRelation(m, g.values.scope, a))) continue;
    const ids = m
      .references(g.values.principal_id)
      .filter((x) => m.get(x)?.type === 'azurerm_user_assigned_identity');
    if (ids.length) ids.forEach((x) => known.add(x));
    else if (!isLiteral(g.values.principal_id)) unresolved = true;
  }
  return { known, unresolved };
}

export const rule: Rule = {
  id: 'AOAI-IAM-006',
  constant: 'IAM_FEDERATED_CREDENTIALS',
  summary: 'Federated credentials on identities that hold account roles are reviewed.',
  severity: 'error',
  phase: 'Identity and Access',
  title:
    'No federated credential lets an outside subject act as an identity that holds a role on the account',
  rationale:
    'A federated identity credential lets any token from its issuer with its subject act as the identity, with every role it holds: a credential trusting a repository, cluster or tenant outside the workload hands the account to whoever controls it. Each one on an identity that holds an account role is named with its issuer and subject and needs an exemption that says whose they are',
  references: { mcsb: 'IM-3' },
  sources: [
    'https://learn.microsoft.com/entra/workload-id/workload-identity-federation',
    'https://learn.microsoft.com/entra/workload-id/workload-identities-flexible-federated-identity-credentials',
  ],
  failClosed:
    'A credential (azurerm_federated_identity_credential, azapi federatedIdentityCredentials) on an identity that holds a role related to the account, or whose identity or the identities holding account roles cannot be resolved from this input, fails naming issuer and subject; an issuer or subject that is not a literal, or a claims-matching expression (wildcards), is named as such. Exempt each with the reason that says who the subject is.',
  evaluate: (m) => {
    if (accounts(m).length === 0) return [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')];
    const fics = credentials(m);
    if (!fics.length) return [ok(undefined, 'no federated identity credential on any identity')];
    const { known, unresolved } = identitiesWithAccountRoles(m);
    return fics.map((f): RuleResult => {
      const parents = m
        .references(f.values.parent_id)
        .filter((x) => m.get(x)?.type === 'azurerm_user_assigned_identity');
      const holds = parents.some((p) => known.has(p));
      if (parents.length && !holds && !unresolved) {
        return ok(f.address, `its identity ${parents.join(', ')} holds no role on the account`);
      }
      const what = [
        isLiteral(f.values.issuer) ? `issuer ${f.values.issuer}` : 'an issuer that is not a literal',
        f.values.claims !== undefined
          ? 'a claims-matching expression (wildcard subjects)'
          : isLiteral(f.values.subject)
            ? `subject ${f.values.subject}`
            : 'a subject that is not a literal',
      ].join(', ');
      return bad(
        f.address,
        `${holds ? `identity ${parents.join(', ')} holds a role on the account` : 'its identity may hold a role on the account (not resolved from this input)'}: tokens with ${what} act as it; exempt it with a reason that says whose issuer and subject these are`,
        { issuer: f.values.issuer, subject: f.values.subject },
      );
    });
  },
};
