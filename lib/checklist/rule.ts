import { TfModel, TfResource, asArray, block } from './model';

export type Severity = 'error' | 'warning';
export type Status = 'compliant' | 'non-compliant' | 'not-applicable';

/** Where a rule's control is also checked elsewhere. */
export interface RuleReferences {
  readonly checkov?: string;
  readonly azurePolicy?: string;
  readonly mcsb?: string;
}

export interface RuleResult {
  readonly status: Status;
  /** The resource judged (for non-compliant: the offending one). */
  readonly address?: string;
  readonly message: string;
  /** The offending value, for non-compliant results. */
  readonly value?: unknown;
}

export interface Rule {
  /** Stable ID: never reused, never renumbered. */
  readonly id: string;
  readonly severity: Severity;
  readonly phase: 'Network Isolation' | 'Identity and Access' | 'Content Safety' | 'Monitoring';
  /** One-line statement of the control. */
  readonly title: string;
  /** Why it matters. */
  readonly rationale: string;
  readonly references: RuleReferences;
  evaluate(model: TfModel): RuleResult[];
}

export const ok = (address: string, message: string): RuleResult => ({
  status: 'compliant',
  address,
  message,
});
export const bad = (address: string, message: string, value: unknown): RuleResult => ({
  status: 'non-compliant',
  address,
  message,
  value,
});
export const na = (message: string): RuleResult => ({ status: 'not-applicable', message });

/** The hardening-relevant settings of an account, whichever resource type declares it. */
export interface AccountView {
  readonly resource: TfResource;
  readonly kind?: string;
  readonly publicNetworkAccessDisabled: boolean;
  readonly localAuthDisabled: boolean;
  readonly aclDefaultAction?: string;
  readonly bypass?: string;
  readonly ipRules: unknown[];
  readonly vnetRules: unknown[];
  readonly subdomain?: string;
  readonly outboundRestricted: boolean;
  readonly identityType?: string;
  /** Raw values shown in findings. */
  readonly raw: Record<string, unknown>;
}

const AZAPI_ACCOUNT = /^Microsoft\.CognitiveServices\/accounts@/i;

/** Cognitive accounts of kind OpenAI or AIServices: azurerm_cognitive_account and azapi_resource accounts. */
export function accounts(model: TfModel): AccountView[] {
  const views: AccountView[] = [];
  for (const r of model.ofType('azurerm_cognitive_account')) {
    const v = r.values;
    if (v.kind && !['OpenAI', 'AIServices'].includes(v.kind)) continue;
    const acl = block(v.network_acls);
    views.push({
      resource: r,
      kind: v.kind,
      // azurerm defaults: public access true, local auth true, outbound unrestricted.
      publicNetworkAccessDisabled: v.public_network_access_enabled === false,
      localAuthDisabled: v.local_auth_enabled === false,
      aclDefaultAction: acl?.default_action,
      bypass: acl?.bypass,
      ipRules: asArray(acl?.ip_rules),
      vnetRules: asArray(acl?.virtual_network_rules),
      subdomain: v.custom_subdomain_name,
      outboundRestricted: v.outbound_network_access_restricted === true,
      identityType: block(v.identity)?.type,
      raw: {
        public_network_access_enabled: v.public_network_access_enabled ?? '(unset: defaults to true)',
        local_auth_enabled: v.local_auth_enabled ?? '(unset: defaults to true)',
        network_acls: acl ?? '(unset)',
        outbound_network_access_restricted:
          v.outbound_network_access_restricted ?? '(unset: defaults to false)',
        custom_subdomain_name: v.custom_subdomain_name ?? '(unset)',
        identity: block(v.identity) ?? '(unset)',
      },
    });
  }
  for (const r of model.ofType('azapi_resource')) {
    if (!AZAPI_ACCOUNT.test(String(r.values.type ?? ''))) continue;
    const body = r.values.body ?? {};
    const kind = body.kind;
    if (kind && !['OpenAI', 'AIServices'].includes(kind)) continue;
    const p = body.properties ?? {};
    const acl = p.networkAcls ?? {};
    views.push({
      resource: r,
      kind,
      publicNetworkAccessDisabled: p.publicNetworkAccess === 'Disabled',
      localAuthDisabled: p.disableLocalAuth === true,
      aclDefaultAction: acl.defaultAction,
      bypass: acl.bypass,
      ipRules: asArray(acl.ipRules),
      vnetRules: asArray(acl.virtualNetworkRules),
      subdomain: p.customSubDomainName,
      outboundRestricted: p.restrictOutboundNetworkAccess === true,
      identityType: block(r.values.identity)?.type,
      raw: {
        publicNetworkAccess: p.publicNetworkAccess ?? '(unset: defaults to Enabled)',
        disableLocalAuth: p.disableLocalAuth ?? '(unset: defaults to false)',
        networkAcls: p.networkAcls ?? '(unset)',
        restrictOutboundNetworkAccess: p.restrictOutboundNetworkAccess ?? '(unset)',
        customSubDomainName: p.customSubDomainName ?? '(unset)',
        identity: block(r.values.identity) ?? '(unset)',
      },
    });
  }
  return views;
}

/** Run a check per account; not applicable when the configuration has no Azure OpenAI account. */
export function perAccount(model: TfModel, check: (a: AccountView) => RuleResult): RuleResult[] {
  const all = accounts(model);
  return all.length === 0
    ? [na('no Azure OpenAI account (azurerm_cognitive_account or azapi account) in this configuration')]
    : all.map(check);
}

/** Resources of the given types whose `attr` references the account. */
export function attachedTo(
  model: TfModel,
  account: AccountView,
  types: string[],
  attr: (r: TfResource) => unknown,
): TfResource[] {
  return model.ofType(...types).filter((r) => model.refersTo(attr(r), account.resource));
}

/** The role definition GUID at the end of a role_definition_id, or from a built-in role name. */
export function roleGuid(r: TfResource, namesToGuids: Record<string, string>): string | undefined {
  const id = String(r.values.role_definition_id ?? '');
  const m = /roleDefinitions\/([0-9a-f-]{36})\s*$/i.exec(id);
  if (m) return m[1].toLowerCase();
  const name = r.values.role_definition_name;
  return name ? namesToGuids[String(name)] : undefined;
}
