import { CONTRIBUTOR_LEVEL_ROLE_GUIDS, PRIVILEGED_ROLE_GUIDS, ROLE_NAMES } from '../../azure-facts';
import { TfModel, TfResource } from '../model';
import { AccountView, Rule, RuleResult, accounts, bad, na, ok, perAccount, roleGuid } from '../rule';

const phase = 'Identity and Access' as const;
const NAME_TO_GUID: Record<string, string> = Object.fromEntries(
  Object.entries(ROLE_NAMES).map(([guid, name]) => [name, guid]),
);

/** Role assignments whose scope is the account (by reference, or by a literal ID equal to a literal account ID). */
function assignmentsOn(model: TfModel, a: AccountView): TfResource[] {
  return model.ofType('azurerm_role_assignment').filter((r) => model.refersTo(r.values.scope, a.resource));
}

const roleLabel = (guid: string | undefined) =>
  guid ? `${ROLE_NAMES[guid] ?? 'custom role'} (${guid})` : '(unknown role)';

function perAssignment(
  model: TfModel,
  okMessage: string,
  check: (r: TfResource, guid: string | undefined) => RuleResult | undefined,
): RuleResult[] {
  const all = accounts(model);
  if (all.length === 0) return [na('no Azure OpenAI account in this configuration')];
  const results: RuleResult[] = [];
  for (const a of all) {
    const assignments = assignmentsOn(model, a);
    for (const r of assignments) {
      const guid = roleGuid(r, NAME_TO_GUID);
      results.push(check(r, guid) ?? ok(r.address, `${roleLabel(guid)}: ${okMessage}`));
    }
  }
  return results.length ? results : [na('no role assignments on the account')];
}

export const IDENTITY_RULES: Rule[] = [
  {
    id: 'AOAI-IAM-001',
    severity: 'error',
    phase,
    title: 'Key (local) authentication is disabled',
    rationale:
      'API keys grant full data-plane access without identity or audit trail and are the most common leak.',
    references: {
      checkov: 'CKV_AZURE_236',
      azurePolicy: '71ef260a-8f18-47b7-abcb-62d0673d94dc',
      mcsb: 'IM-1',
    },
    evaluate: (m) => {
      const declared = accounts(m).map((a) =>
        a.localAuthDisabled
          ? ok(a.resource.address, 'local auth disabled')
          : bad(
              a.resource.address,
              'key (local) authentication is enabled',
              a.raw.local_auth_enabled ?? a.raw.disableLocalAuth,
            ),
      );
      // Accounts managed elsewhere are hardened by an azapi_update_resource that sets disableLocalAuth.
      const patched = m
        .ofType('azapi_update_resource')
        .filter(
          (u) =>
            /^Microsoft\.CognitiveServices\/accounts@/i.test(String(u.values.type)) &&
            'disableLocalAuth' in (u.values.body?.properties ?? {}),
        )
        .map((u) =>
          u.values.body.properties.disableLocalAuth === true
            ? ok(u.address, 'imported account: local auth disabled')
            : bad(
                u.address,
                'imported account: disableLocalAuth is not true',
                u.values.body.properties.disableLocalAuth,
              ),
        );
      const results = [...declared, ...patched];
      return results.length ? results : [na('no Azure OpenAI account in this configuration')];
    },
  },
  {
    id: 'AOAI-IAM-002',
    severity: 'error',
    phase,
    title: 'The account has a managed identity',
    rationale:
      'A managed identity lets the account reach Key Vault, Search and storage without stored credentials.',
    references: {
      checkov: 'CKV_AZURE_238',
      azurePolicy: 'fe3fd216-4f83-4fc1-8984-2bbec80a3418',
      mcsb: 'IM-3',
    },
    evaluate: (m) =>
      perAccount(m, (a) =>
        a.identityType && /SystemAssigned|UserAssigned/.test(a.identityType)
          ? ok(a.resource.address, a.identityType)
          : bad(a.resource.address, 'no managed identity', a.identityType ?? '(no identity block)'),
      ),
  },
  {
    id: 'AOAI-IAM-003',
    severity: 'error',
    phase,
    title:
      'No Owner, Contributor, User Access Administrator, RBAC Administrator or Cognitive Services User on the account',
    rationale:
      'These roles list keys, change network settings or grant access; no workload needs them on the account.',
    references: { mcsb: 'PA-7' },
    evaluate: (m) =>
      perAssignment(m, 'not a privileged role', (r, guid) =>
        guid && PRIVILEGED_ROLE_GUIDS.includes(guid)
          ? bad(
              r.address,
              `privileged role ${roleLabel(guid)} on the account`,
              r.values.role_definition_id ?? r.values.role_definition_name,
            )
          : undefined,
      ),
  },
  {
    id: 'AOAI-IAM-004',
    severity: 'error',
    phase,
    title: 'Individual users hold no contributor-level role on the account',
    rationale:
      "The guide's access audit: users get OpenAI User through groups; contributor-level roles belong to automation and admins' groups.",
    references: { mcsb: 'PA-7' },
    evaluate: (m) =>
      perAssignment(m, 'not contributor-level for a user', (r, guid) =>
        r.values.principal_type === 'User' && guid && CONTRIBUTOR_LEVEL_ROLE_GUIDS.includes(guid)
          ? bad(r.address, `user ${r.values.principal_id} has contributor-level ${roleLabel(guid)}`, {
              principal_type: 'User',
              role: ROLE_NAMES[guid],
            })
          : undefined,
      ),
  },
  {
    id: 'AOAI-IAM-005',
    severity: 'warning',
    phase,
    title: 'Role assignments use the subscription-scoped role definition ID and an explicit principal type',
    rationale:
      'The unscoped /providers/... form forces replacement on every plan; an explicit principal type is needed under ABAC-constrained delegation.',
    references: {},
    evaluate: (m) =>
      perAssignment(m, 'scoped role definition ID, explicit principal type', (r) => {
        const id = r.values.role_definition_id;
        if (id !== undefined && !/^(\/subscriptions\/|\$\{)/.test(String(id))) {
          return bad(r.address, 'role_definition_id is not subscription-scoped', id);
        }
        if (!r.values.principal_type) return bad(r.address, 'principal_type is not set', '(unset)');
        return undefined;
      }),
  },
];
