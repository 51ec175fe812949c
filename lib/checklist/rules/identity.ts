import { CONTRIBUTOR_LEVEL_ROLE_GUIDS, PRIVILEGED_ROLE_GUIDS, ROLE_NAMES } from '../../azure-facts';
import { TfModel, TfResource, asArray, isLiteral } from '../model';
import {
  AccountView,
  Rule,
  RuleResult,
  accounts,
  bad,
  badSetting,
  isAccountId,
  na,
  ok,
  perAccount,
  pointsAt,
} from '../rule';

const phase = 'Identity and Access' as const;
const NAME_TO_GUID: Record<string, string> = Object.fromEntries(
  Object.entries(ROLE_NAMES).map(([guid, name]) => [name.toLowerCase(), guid]),
);
/** A role this input cannot name: judged as the worst case (privileged) until an exemption says otherwise. */
const UNKNOWN_ROLE = 'unknown';

/**
 * The role an assignment grants: a built-in GUID, UNKNOWN_ROLE when it cannot be known from this input, or
 * "custom:<address>" for a role defined here (judged by its actions).
 */
function roleOf(m: TfModel, r: TfResource): string {
  const id = r.values.role_definition_id;
  const guid = /roleDefinitions\/([0-9a-f-]{36})\s*\}?\s*$/i.exec(String(id ?? ''))?.[1];
  if (guid) return guid.toLowerCase();
  if (id !== undefined && id !== null) {
    for (const target of m.references(id).map((x) => m.get(x)!)) {
      if (target.type === 'azurerm_role_definition' && !target.address.startsWith('data.')) {
        return `custom:${target.address}`;
      }
      if (target.type === 'azurerm_role_definition') {
        const v = target.values;
        const g = /([0-9a-f-]{36})\s*$/i.exec(String(v.role_definition_id ?? v.id ?? ''))?.[1];
        if (g && isLiteral(v.role_definition_id ?? v.id)) return g.toLowerCase();
        if (typeof v.name === 'string' && isLiteral(v.name) && NAME_TO_GUID[v.name.toLowerCase()]) {
          return NAME_TO_GUID[v.name.toLowerCase()];
        }
      }
    }
    return UNKNOWN_ROLE;
  }
  const name = r.values.role_definition_name;
  if (typeof name === 'string' && isLiteral(name)) {
    return NAME_TO_GUID[name.trim().toLowerCase()] ?? `name:${name}`;
  }
  return UNKNOWN_ROLE;
}

/** True when a role defined in this input can write to accounts or manage access (judged like Owner). */
function customRoleIsPrivileged(m: TfModel, role: string): boolean {
  const def = m.get(role.slice('custom:'.length));
  const actions = asArray(def?.values.permissions).flatMap((p) => asArray(p?.actions));
  if (!isLiteral(actions)) return true;
  return actions.some((a) =>
    /^(\*|microsoft\.cognitiveservices\/(\*|accounts\/(\*|write|listkeys\/action))|microsoft\.authorization\/(\*|roleassignments\/(\*|write)))$/i.test(
      String(a).trim(),
    ),
  );
}

function isPrivileged(m: TfModel, role: string): boolean {
  if (role === UNKNOWN_ROLE) return true;
  if (role.startsWith('custom:')) return customRoleIsPrivileged(m, role);
  return PRIVILEGED_ROLE_GUIDS.includes(role);
}

const roleLabel = (role: string) =>
  role === UNKNOWN_ROLE
    ? 'a role this input cannot name (variable, data source or unknown)'
    : role.startsWith('custom:')
      ? `custom role ${role.slice(7)}`
      : role.startsWith('name:')
        ? `role "${role.slice(5)}"`
        : `${ROLE_NAMES[role] ?? 'custom role'} (${role})`;

/**
 * How an assignment's scope relates to the account: "account" (the account itself), "contains" (its resource
 * group, subscription or management group), "unknown" (cannot be resolved from this input) or undefined.
 */
function scopeRelation(
  m: TfModel,
  scope: unknown,
  a: AccountView,
): 'account' | 'contains' | 'unknown' | undefined {
  if (pointsAt(m, scope, a)) return 'account';
  const refs = m.references(scope).map((x) => m.get(x)!);
  if (refs.length) {
    if (refs.some((r) => r.type === 'azurerm_subscription' || r.type === 'azurerm_management_group')) {
      return 'contains';
    }
    const rgs = refs.filter((r) => r.type === 'azurerm_resource_group');
    if (rgs.length) {
      const accountRg = a.declared ? a.resource.values.resource_group_name : undefined;
      return rgs.some(
        (rg) => m.refersTo(accountRg, rg) || (isLiteral(accountRg) && accountRg === rg.values.name),
      )
        ? 'contains'
        : undefined;
    }
    // A reference to another resource (a key vault, a search service): not the account.
    if (refs.every((r) => !['azurerm_cognitive_account', 'azurerm_ai_services'].includes(r.type))) {
      return undefined;
    }
    return undefined;
  }
  if (typeof scope !== 'string' || !isLiteral(scope)) return 'unknown';
  const s = scope.trim().toLowerCase().replace(/\/$/, '');
  if (s === '' || /^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(s)) return 'contains';
  if (/^\/subscriptions\/[^/]+$/.test(s)) return 'contains';
  const rg = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)$/.exec(s)?.[1];
  if (rg) {
    const accountRg = a.declared ? a.resource.values.resource_group_name : undefined;
    if (typeof accountRg === 'string' && isLiteral(accountRg)) {
      return accountRg.toLowerCase() === rg ? 'contains' : undefined;
    }
    if (a.ids.some((id) => id.startsWith(`${s}/`))) return 'contains';
    // The account's resource group is not a literal here: the worst case is that this is it.
    return a.ids.some((id) => isAccountId(id)) ? undefined : 'contains';
  }
  return undefined;
}

/** Role assignments on the account or on a scope that contains it (or whose scope cannot be resolved). */
function assignmentsFor(m: TfModel, a: AccountView): Array<{ r: TfResource; relation: string }> {
  return m.ofType('azurerm_role_assignment').flatMap((r) => {
    const relation = scopeRelation(m, r.values.scope, a);
    return relation ? [{ r, relation }] : [];
  });
}

const where = (relation: string) =>
  relation === 'account'
    ? 'on the account'
    : relation === 'contains'
      ? 'on a scope that contains the account'
      : 'on a scope this input cannot resolve (it may contain the account)';

function perAssignment(
  model: TfModel,
  okMessage: string,
  check: (r: TfResource, role: string, relation: string) => RuleResult | undefined,
): RuleResult[] {
  const all = accounts(model);
  if (all.length === 0) return [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')];
  const results: RuleResult[] = [];
  const seen = new Set<string>();
  for (const a of all) {
    for (const { r, relation } of assignmentsFor(model, a)) {
      if (seen.has(r.address)) continue;
      const role = roleOf(model, r);
      const result = check(r, role, relation);
      if (result || relation === 'account') {
        seen.add(r.address);
        results.push(result ?? ok(r.address, `${roleLabel(role)}: ${okMessage}`));
      }
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
    evaluate: (m) =>
      perAccount(m, (a) =>
        a.localAuth.ok
          ? ok(
              a.localAuth.address,
              a.declared ? 'local auth disabled' : 'imported account: local auth disabled',
            )
          : badSetting(a.localAuth, 'key (local) authentication is enabled'),
      ),
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
      perAssignment(m, 'not a privileged role', (r, role, relation) =>
        isPrivileged(m, role)
          ? bad(
              r.address,
              role === UNKNOWN_ROLE
                ? `cannot verify the role ${where(relation)}: ${roleLabel(role)}`
                : `privileged role ${roleLabel(role)} ${where(relation)}`,
              r.values.role_definition_id ?? r.values.role_definition_name ?? '(unset)',
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
      perAssignment(m, 'not contributor-level for a user', (r, role, relation) => {
        const type = r.values.principal_type;
        // An unset or unknown principal type may be a user: the worst case.
        const maybeUser = type === 'User' || !isLiteral(type) || type === undefined;
        const contributor =
          CONTRIBUTOR_LEVEL_ROLE_GUIDS.includes(role) ||
          role === UNKNOWN_ROLE ||
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
      perAssignment(m, 'scoped role definition ID, explicit principal type', (r, _role, relation) => {
        if (relation !== 'account') return undefined;
        const id = r.values.role_definition_id;
        if (id !== undefined && !/^(\/subscriptions\/|\$\{)/.test(String(id))) {
          return bad(r.address, 'role_definition_id is not subscription-scoped', id);
        }
        if (!r.values.principal_type) return bad(r.address, 'principal_type is not set', '(unset)');
        return undefined;
      }),
  },
];
