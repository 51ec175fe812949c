import { TfModel, TfResource, asArray, block, isLiteral, isTemplate } from './model';

export type Severity = 'error' | 'warning';
export type Status = 'compliant' | 'non-compliant' | 'not-applicable';

/** Where a rule's control is also checked elsewhere. */
export interface RuleReferences {
  /**
   * The checkov check of the same control, e.g. CKV_AZURE_134.
   * @default - none
   */
  readonly checkov?: string;
  /**
   * The built-in Azure Policy definition (GUID) of the same control.
   * @default - none
   */
  readonly azurePolicy?: string;
  /**
   * The Microsoft cloud security benchmark control, e.g. NS-2.
   * @default - none
   */
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

/**
 * A rule's metadata, held in its own file (lib/checklist/rules/<phase>/<ID>.ts) with its check.
 * scripts/gen-rules.js generates RuleIds, the rule index and docs/rules.md from it (`--check` runs in npm test).
 */
export interface RuleMetadata {
  /** Stable ID: never reused, never renumbered. */
  readonly id: string;
  /** Its RuleIds property name (e.g. NET_PUBLIC_ACCESS). */
  readonly constant: string;
  /** The one-line description RuleIds carries. */
  readonly summary: string;
  readonly severity: Severity;
  readonly phase:
    'Network Isolation' | 'Identity and Access' | 'Content Safety' | 'Monitoring' | 'Checklist Integrity';
  /** One-line statement of the control. */
  readonly title: string;
  /** Why it matters. */
  readonly rationale: string;
  readonly references: RuleReferences;
  /**
   * How the rule fails closed: what it does with a value it cannot know from the input (an expression, a variable,
   * an unresolved data source, a plan's unknown, an account managed elsewhere). docs/rules.md prints it.
   */
  readonly failClosed: string;
  /**
   * Public sources of the facts the rule relies on (Microsoft Learn, provider docs, REST specs).
   * @default - none beyond the references
   */
  readonly sources?: readonly string[];
  /**
   * False for the rules no exemption can silence: they say the checklist itself could not do its work.
   * @default true
   */
  readonly exemptable?: boolean;
}

/** A checklist rule: its metadata and its check. */
export interface Rule extends RuleMetadata {
  evaluate(model: TfModel): RuleResult[];
}

export const ok = (address: string | undefined, message: string): RuleResult => ({
  status: 'compliant',
  address,
  message,
});
export const bad = (address: string | undefined, message: string, value: unknown): RuleResult => ({
  status: 'non-compliant',
  address,
  message,
  value,
});
export const na = (message: string): RuleResult => ({ status: 'not-applicable', message });

/** One hardening setting of an account, judged across every resource that sets it. */
export interface SettingView {
  /** True only when every resource that sets it sets the hardened value (and at least one sets it). */
  readonly ok: boolean;
  /** The offending value (or the value shown when compliant). */
  readonly value: unknown;
  /** The address that set the offending value (the account, or an azapi_update_resource on it). */
  readonly address: string;
  /** True when the value cannot be known from this input (an expression, a variable, an unknown, unset on an account managed elsewhere). */
  readonly unverifiable: boolean;
}

/** The hardening-relevant settings of an account, whichever resources declare or patch it. */
export interface AccountView {
  /** The declaring resource; for an account known only by ID, the first resource that names it. */
  readonly resource: TfResource;
  /** OpenAI or AIServices; undefined when the kind is not a literal (or the account is known only by ID). */
  readonly kind?: string;
  /** False when a declared kind is an expression, variable or unknown. */
  readonly kindKnown: boolean;
  /** True when this input declares the account; false when it is known only by its ID. */
  readonly declared: boolean;
  /** Lower-case literal IDs and ID expressions that name the account. */
  readonly ids: readonly string[];
  /** azapi_update_resource (and PATCH/PUT azapi_resource_action) patches on the account. */
  readonly patches: readonly TfResource[];
  /** Data sources (data.azurerm_cognitive_account, ...) that read this declared account by its name. */
  readonly aliases: readonly string[];
  readonly publicAccess: SettingView;
  readonly localAuth: SettingView;
  readonly aclDefault: SettingView;
  readonly aclBypass: SettingView;
  readonly aclRules: SettingView;
  readonly outbound: SettingView;
  /** The custom subdomain as declared (undefined when known only by ID). */
  readonly subdomain?: unknown;
  readonly identityType?: unknown;
}

const AZAPI_ACCOUNT = /^Microsoft\.CognitiveServices\/accounts@/i;
const ACCOUNT_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/accounts\/([^/]+)\/?$/i;
const IN_SCOPE_KINDS: Record<string, string> = { openai: 'OpenAI', aiservices: 'AIServices' };

/** A literal account ID or ID expression, normalized for comparison. */
export function normalizeId(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const t = v.trim();
  return isTemplate(t) ? t.replace(/\s+/g, '') : t.toLowerCase().replace(/\/$/, '');
}

/** True when `v` is a literal resource ID of a Cognitive Services account. */
export function isAccountId(v: unknown): boolean {
  return typeof v === 'string' && ACCOUNT_ID.test(v.trim());
}

/** A setting's value as one resource writes it, and whether that value is the hardened one. */
interface Field {
  readonly value: unknown;
  readonly ok: boolean;
}

interface Source {
  address: string;
  /** Settings this source writes; absent keys are not set by it. */
  publicNetworkAccess?: Field;
  disableLocalAuth?: Field;
  defaultAction?: Field;
  bypass?: Field;
  ipRules?: Field;
  virtualNetworkRules?: Field;
  restrictOutbound?: Field;
  /** Set when the source's body cannot be read (an expression): every setting is unverifiable. */
  opaque?: unknown;
}

const field = (value: unknown, good: (v: unknown) => boolean): Field => ({
  value,
  ok: isLiteral(value) && good(value),
});
const emptyList = (v: unknown) => asArray(v).length === 0;

/**
 * Every value of `key` in `obj`, whatever the case of the property name. Whether the resource provider honours a
 * differently cased name is not known from here, so each spelling is judged as if it were honoured (fail closed).
 */
export function valuesOf(obj: Record<string, any>, key: string): unknown[] {
  return Object.keys(obj)
    .filter((k) => k.toLowerCase() === key.toLowerCase())
    .map((k) => obj[k]);
}

/** A field from every spelling of a key: hardened only when each one is (the first offending value is shown). */
function fieldOf(obj: Record<string, any>, key: string, good: (v: unknown) => boolean): Field | undefined {
  const values = valuesOf(obj, key);
  if (!values.length) return undefined;
  const fields = values.map((v) => field(v, good));
  return fields.find((f) => !f.ok) ?? fields[0];
}

/** ARM-form settings of an azapi body's properties (only the keys it names). */
function armFields(p: Record<string, any>, src: Source): void {
  const set = (key: SettingKey, f: Field | undefined) => {
    if (f) src[key] = f;
  };
  set(
    'publicNetworkAccess',
    fieldOf(p, 'publicNetworkAccess', (v) => v === 'Disabled'),
  );
  set(
    'disableLocalAuth',
    fieldOf(p, 'disableLocalAuth', (v) => v === true),
  );
  set(
    'restrictOutbound',
    fieldOf(p, 'restrictOutboundNetworkAccess', (v) => v === true),
  );
  const acls = valuesOf(p, 'networkAcls');
  if (acls.some((acl) => !acl || typeof acl !== 'object' || Array.isArray(acl))) {
    src.defaultAction = field(
      acls.find((acl) => !acl || typeof acl !== 'object' || Array.isArray(acl)),
      () => false,
    );
    return;
  }
  const aclField = (key: string, good: (v: unknown) => boolean): Field | undefined => {
    const fields = acls
      .map((acl) => fieldOf(acl as Record<string, any>, key, good))
      .filter((f): f is Field => !!f);
    return fields.find((f) => !f.ok) ?? fields[0];
  };
  set(
    'defaultAction',
    aclField('defaultAction', (v) => v === 'Deny'),
  );
  set(
    'bypass',
    aclField('bypass', (v) => v === 'None'),
  );
  set('ipRules', aclField('ipRules', emptyList));
  set('virtualNetworkRules', aclField('virtualNetworkRules', emptyList));
}

/** Settings of a declaring resource, with the provider's or ARM's defaults for what it omits. */
function declaredSource(
  r: TfResource,
): Source & { kind: unknown; subdomain?: unknown; identityType?: unknown } {
  const v = r.values;
  if (r.type === 'azapi_resource') {
    const body = v.body;
    if (!body || typeof body !== 'object') {
      return { address: r.address, opaque: body ?? '(no body)', kind: undefined };
    }
    const p = body.properties ?? {};
    // ARM defaults (Microsoft.CognitiveServices 2025-06-01): publicNetworkAccess Enabled, local auth on,
    // bypass AzureServices, outbound unrestricted (docs/azure-facts.md §1).
    const src: Source = {
      address: r.address,
      publicNetworkAccess: field('(unset: defaults to Enabled)', () => false),
      disableLocalAuth: field('(unset: defaults to false)', () => false),
      defaultAction: field('(no networkAcls)', () => false),
      bypass: field('(unset: Azure applies AzureServices)', () => false),
      ipRules: field([], emptyList),
      virtualNetworkRules: field([], emptyList),
      restrictOutbound: field('(unset)', () => false),
    };
    armFields(p, src);
    if (
      valuesOf(p, 'networkAcls').some(
        (acl) => acl && typeof acl === 'object' && !valuesOf(acl, 'defaultAction').length,
      )
    ) {
      src.defaultAction = field('(unset)', () => false);
    }
    return {
      ...src,
      kind: body.kind,
      subdomain: p.customSubDomainName,
      identityType: block(v.identity)?.type,
    };
  }
  const acl = block(v.network_acls);
  // azurerm 4.55 defaults (docs/azure-facts.md §1): public access true, local auth true, outbound unrestricted;
  // bypass unset means Azure's AzureServices. azurerm_ai_services spells two arguments differently:
  // public_network_access ("Enabled"/"Disabled") and local_authentication_enabled (lib/ai-services typings of
  // @cdktf/provider-azurerm 14.x, registry docs resources/ai_services).
  const aiServices = r.type === 'azurerm_ai_services';
  const unsetTrue = '(unset: defaults to true)';
  const pub = aiServices ? v.public_network_access : v.public_network_access_enabled;
  const local = aiServices ? v.local_authentication_enabled : v.local_auth_enabled;
  return {
    address: r.address,
    kind: aiServices ? 'AIServices' : v.kind,
    publicNetworkAccess: aiServices
      ? field(pub ?? '(unset: defaults to Enabled)', (x) => x === 'Disabled')
      : field(pub ?? unsetTrue, (x) => x === false),
    disableLocalAuth: field(local ?? unsetTrue, (x) => x === false),
    defaultAction: field(acl ? (acl.default_action ?? '(unset)') : '(no network_acls)', (x) => x === 'Deny'),
    bypass: field(acl?.bypass ?? '(unset: Azure applies AzureServices)', (x) => x === 'None'),
    ipRules: field(acl?.ip_rules ?? [], emptyList),
    virtualNetworkRules: field(acl?.virtual_network_rules ?? [], emptyList),
    restrictOutbound: field(
      v.outbound_network_access_restricted ?? '(unset: defaults to false)',
      (x) => x === true,
    ),
    subdomain: v.custom_subdomain_name,
    identityType: block(v.identity)?.type,
  };
}

/**
 * What a patch on an account sets: an azapi_update_resource or a PATCH azapi_resource_action sets only the keys its
 * body names; a PUT azapi_resource_action replaces the account, so what it omits takes the ARM default.
 */
function patchSource(r: TfResource): Source {
  if (r.type === 'azapi_resource_action' && String(r.values.method ?? '').toUpperCase() === 'PUT') {
    return declaredSource({ ...r, type: 'azapi_resource' });
  }
  let body = r.values.body;
  if (typeof body === 'string' && isLiteral(body)) {
    try {
      body = JSON.parse(body);
    } catch {
      /* judged opaque below */
    }
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { address: r.address, opaque: r.values.body ?? '(no body)' };
  }
  const src: Source = { address: r.address };
  for (const p of valuesOf(body, 'properties')) {
    if (!p || typeof p !== 'object' || Array.isArray(p)) return { address: r.address, opaque: p };
    armFields(p, src);
  }
  return src;
}

type SettingKey = Exclude<keyof Source, 'address' | 'opaque'>;

/** Judge one setting over its sources: every source that sets it must set the hardened value. */
function judge(sources: Source[], key: SettingKey, fallbackAddress: string): SettingView {
  const setting = sources.filter((s) => s.opaque !== undefined || s[key] !== undefined);
  const offending = setting.find((s) => s.opaque !== undefined || !s[key]!.ok);
  if (offending) {
    const value = offending.opaque !== undefined ? offending.opaque : offending[key]!.value;
    return {
      ok: false,
      value,
      address: offending.address,
      unverifiable: offending.opaque !== undefined || !isLiteral(value),
    };
  }
  if (setting.length === 0) {
    return {
      ok: false,
      value: '(not set in this input: the account is managed elsewhere)',
      address: fallbackAddress,
      unverifiable: true,
    };
  }
  const last = setting[setting.length - 1];
  return { ok: true, value: last[key]!.value, address: last.address, unverifiable: false };
}

/**
 * Every cognitive account the input shows, of any kind spelling: azurerm_cognitive_account (kind OpenAI or
 * AIServices, or a kind that is not a literal), azurerm_ai_services, azapi Microsoft.CognitiveServices/accounts,
 * and accounts known only by ID through azapi_update_resource, role-assignment scopes, private endpoints,
 * diagnostic settings, deployments or policies that name a literal account ID.
 */
export function accounts(model: TfModel): AccountView[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const views = discoverAccounts(model);
  cache.set(model, views);
  return views;
}
const cache = new WeakMap<TfModel, AccountView[]>();

/** Resource types that name an account by its resource group and name. */
export const ACCOUNT_DATA_TYPES = ['azurerm_cognitive_account', 'azurerm_ai_services'];

/**
 * The lower-case name of the resource group a value names: a literal name, or a reference to a resource group
 * (resource or data source) whose name is a literal; undefined when it cannot be known from this input.
 */
export function resourceGroupName(model: TfModel, v: unknown): string | undefined {
  if (typeof v === 'string' && isLiteral(v)) return v.trim().toLowerCase();
  const rg = model
    .references(v)
    .map((a) => model.get(a)!)
    .find((r) => r.type === 'azurerm_resource_group');
  const name = rg?.values.name;
  return typeof name === 'string' && isLiteral(name) ? name.trim().toLowerCase() : undefined;
}

/** The resource group a parent_id names: a literal resource-group ID, or a reference to a resource group's ID. */
export function parentResourceGroup(model: TfModel, parentId: unknown): string | undefined {
  if (typeof parentId === 'string' && isLiteral(parentId)) {
    return /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/?$/i.exec(parentId.trim())?.[1]?.toLowerCase();
  }
  return resourceGroupName(model, parentId);
}

/**
 * The account a patch targets: its resource_id, or (azapi_update_resource) name with parent_id. Source: azapi
 * docs, resources/update_resource ("resource_id ... or name and parent_id") and lib/azapi/update-resource.ts;
 * resources/resource_action (an empty `action` with method PATCH or PUT sends the body to the resource itself).
 */
function patchTarget(model: TfModel, u: TfResource): { value: unknown; rg?: string; name?: string } {
  if (u.values.resource_id !== undefined && u.values.resource_id !== null) {
    return { value: u.values.resource_id };
  }
  const name = u.values.name;
  const parent = u.values.parent_id;
  return {
    value: `${String(parent ?? '')}/providers/Microsoft.CognitiveServices/accounts/${String(name ?? '')}`,
    rg: parentResourceGroup(model, parent),
    name: typeof name === 'string' && isLiteral(name) ? name.trim().toLowerCase() : undefined,
  };
}

/**
 * azapi_resource_action methods that change what they are sent to. Allowed methods are POST, PATCH, PUT and DELETE,
 * POST by default (azapi docs, resources/resource_action `method`); PATCH and PUT write, DELETE removes. A method
 * that is not a literal is judged as one of them (fail closed).
 */
export function writingMethod(method: unknown): boolean {
  return !isLiteral(method) || ['PATCH', 'PUT', 'DELETE'].includes(String(method ?? 'POST').toUpperCase());
}

/**
 * azapi resources that write an existing resource (whose type matches `type`, when given): every
 * azapi_update_resource, and an azapi_resource_action whose method writes (PATCH, PUT, or DELETE, which leaves
 * nothing of what the rules judge) with no action path, i.e. a request to the resource itself (azapi docs:
 * resource_action `method` defaults to POST, `action` appended to the resource ID). A DELETE has no body: every
 * rule that reads the write's body judges it as one it cannot read.
 */
export function azapiWrites(model: TfModel, type?: RegExp): TfResource[] {
  return model.ofType('azapi_update_resource', 'azapi_resource_action').filter((u) => {
    if (type && !type.test(String(u.values.type ?? ''))) return false;
    if (u.type === 'azapi_update_resource') return true;
    const action = u.values.action;
    return writingMethod(u.values.method) && (action === undefined || action === null || action === '');
  });
}

/** azapi resources that write the account itself. */
function accountPatches(model: TfModel): TfResource[] {
  return azapiWrites(model, AZAPI_ACCOUNT);
}

function discoverAccounts(model: TfModel): AccountView[] {
  const declaring = [
    ...model.ofType('azurerm_cognitive_account', 'azurerm_ai_services'),
    ...model.ofType('azapi_resource').filter((r) => AZAPI_ACCOUNT.test(String(r.values.type ?? ''))),
  ];
  interface Draft {
    resource: TfResource;
    declared?: ReturnType<typeof declaredSource>;
    ids: Set<string>;
    names: Array<{ rg: string; name: string }>;
    patches: TfResource[];
    aliases: Set<string>;
  }
  const drafts: Draft[] = [];
  /** Declared accounts of a kind out of scope (e.g. CognitiveServices): a reference to one names no account. */
  const outOfScope = new Set<string>();
  for (const r of declaring) {
    const d = declaredSource(r);
    if (isLiteral(d.kind) && typeof d.kind === 'string' && !IN_SCOPE_KINDS[d.kind.toLowerCase()]) {
      outOfScope.add(r.address);
      continue;
    }
    const ids = new Set<string>();
    const literalId = normalizeId(r.values.id);
    if (literalId && isLiteral(r.values.id)) ids.add(literalId);
    const names: Draft['names'] = [];
    const name = r.values.name;
    const rg =
      r.type === 'azapi_resource'
        ? parentResourceGroup(model, r.values.parent_id)
        : resourceGroupName(model, r.values.resource_group_name);
    if (typeof name === 'string' && isLiteral(name) && rg) {
      names.push({ rg, name: name.trim().toLowerCase() });
    }
    drafts.push({ resource: r, declared: d, ids, names, patches: [], aliases: new Set() });
  }
  const byName = (rg: string | undefined, name: string | undefined) =>
    rg && name ? drafts.find((d) => d.names.some((n) => n.rg === rg && n.name === name)) : undefined;
  // A data source that reads a declared account by name is that account: what names it names the account.
  for (const ds of model.dataSources.filter((x) => ACCOUNT_DATA_TYPES.includes(x.type))) {
    const name = ds.values.name;
    byName(
      resourceGroupName(model, ds.values.resource_group_name),
      typeof name === 'string' && isLiteral(name) ? name.trim().toLowerCase() : undefined,
    )?.aliases.add(ds.address);
  }
  // data.azapi_resource of an account: by name and parent_id, or by resource_id (azapi docs, data-sources/resource).
  for (const ds of model.dataSources.filter(
    (x) => x.type === 'azapi_resource' && AZAPI_ACCOUNT.test(String(x.values.type ?? '')),
  )) {
    const name = ds.values.name;
    const byId = ACCOUNT_ID.exec(
      typeof ds.values.resource_id === 'string' && isLiteral(ds.values.resource_id)
        ? ds.values.resource_id.trim()
        : '',
    );
    const target = byId
      ? byName(byId[1].toLowerCase(), byId[2].toLowerCase())
      : byName(
          parentResourceGroup(model, ds.values.parent_id),
          typeof name === 'string' && isLiteral(name) ? name.trim().toLowerCase() : undefined,
        );
    target?.aliases.add(ds.address);
  }

  /** The account a value names: by reference, by literal ID (or resource group and name), or by the same expression. */
  const find = (value: unknown): Draft | undefined => {
    const refs = model.references(value);
    const byRef = drafts.find((d) => refs.includes(d.resource.address) || refs.some((x) => d.aliases.has(x)));
    if (byRef) return byRef;
    const id = normalizeId(value);
    if (!id) return undefined;
    const m = ACCOUNT_ID.exec(id);
    return (
      drafts.find((d) => d.ids.has(id)) ?? (m ? byName(m[1].toLowerCase(), m[2].toLowerCase()) : undefined)
    );
  };
  /**
   * A value that names an account this input does not declare: a literal account ID, or (onlyLiteral false) any
   * expression that does not name a declared account of another kind; a data source or a value passed through
   * another resource (terraform_data) may hide this very account, so it is judged as an account of its own.
   */
  const adopt = (value: unknown, via: TfResource, onlyLiteral: boolean): Draft | undefined => {
    const existing = find(value);
    if (existing) return existing;
    const id = normalizeId(value);
    if (!id) return undefined;
    const literal = isLiteral(value);
    if (
      literal ? !isAccountId(value) : onlyLiteral || model.references(value).some((x) => outOfScope.has(x))
    ) {
      return undefined;
    }
    const draft: Draft = { resource: via, ids: new Set([id]), names: [], patches: [], aliases: new Set() };
    drafts.push(draft);
    return draft;
  };

  for (const u of accountPatches(model)) {
    const target = patchTarget(model, u);
    (byName(target.rg, target.name) ?? adopt(target.value, u, false))?.patches.push(u);
  }
  for (const r of model.ofType('azurerm_role_assignment')) adopt(r.values.scope, r, true);
  for (const pe of model.ofType('azurerm_private_endpoint')) {
    for (const c of asArray(pe.values.private_service_connection)) {
      adopt(c?.private_connection_resource_id, pe, true);
    }
  }
  for (const d of model.ofType('azurerm_monitor_diagnostic_setting')) {
    adopt(d.values.target_resource_id, d, true);
  }
  for (const d of model.ofType('azurerm_cognitive_deployment', 'azurerm_cognitive_account_rai_policy')) {
    adopt(d.values.cognitive_account_id, d, false);
  }
  for (const r of model.ofType('azapi_resource')) {
    if (/^Microsoft\.CognitiveServices\/accounts\/[A-Za-z]+@/i.test(String(r.values.type ?? ''))) {
      adopt(r.values.parent_id, r, false);
    }
  }

  return drafts.map((d) => {
    const sources: Source[] = [...(d.declared ? [d.declared] : []), ...d.patches.map(patchSource)];
    const address = d.patches.length && !d.declared ? d.patches[0].address : d.resource.address;
    const kindLiteral = d.declared && typeof d.declared.kind === 'string' && isLiteral(d.declared.kind);
    const rules = judge(sources, 'ipRules', address);
    const vnet = judge(sources, 'virtualNetworkRules', address);
    return {
      resource: d.patches.length && !d.declared ? d.patches[0] : d.resource,
      kind: kindLiteral ? IN_SCOPE_KINDS[String(d.declared!.kind).toLowerCase()] : undefined,
      kindKnown: !d.declared || !!kindLiteral,
      declared: !!d.declared,
      ids: [...d.ids],
      patches: d.patches,
      aliases: [...d.aliases],
      publicAccess: judge(sources, 'publicNetworkAccess', address),
      localAuth: judge(sources, 'disableLocalAuth', address),
      aclDefault: judge(sources, 'defaultAction', address),
      aclBypass: judge(sources, 'bypass', address),
      aclRules: rules.ok ? vnet : rules,
      outbound: judge(sources, 'restrictOutbound', address),
      subdomain: d.declared?.subdomain,
      identityType: d.declared?.identityType,
    };
  });
}

/** The lower-case name of the resource group of a declared account, when this input shows it. */
export function accountResourceGroup(model: TfModel, a: AccountView): string | undefined {
  if (!a.declared) return undefined;
  return a.resource.type === 'azapi_resource'
    ? parentResourceGroup(model, a.resource.values.parent_id)
    : resourceGroupName(model, a.resource.values.resource_group_name);
}

/** True when `value` names the account: a reference to it, its literal ID, or the same ID expression. */
export function pointsAt(model: TfModel, value: unknown, a: AccountView): boolean {
  if (a.declared) {
    const refs = model.references(value);
    if (refs.includes(a.resource.address) || refs.some((x) => a.aliases.includes(x))) return true;
    // A written-out ID of the declared account, in any case (ARM resource IDs compare case-insensitively).
    const m = typeof value === 'string' && isLiteral(value) ? ACCOUNT_ID.exec(value.trim()) : null;
    const name = a.resource.values.name;
    if (
      m &&
      typeof name === 'string' &&
      isLiteral(name) &&
      name.trim().toLowerCase() === m[2].toLowerCase() &&
      accountResourceGroup(model, a) === m[1].toLowerCase()
    ) {
      return true;
    }
  }
  const id = normalizeId(value);
  return !!id && a.ids.includes(id);
}

/**
 * True when a value may be left for the plan to judge: Terraform JSON, and an expression that reads something
 * only the plan knows (a variable, local, data source, module output, iterator or resource). An expression that
 * reads nothing (`${"0.0.0.0/0"}`, `${false}`) is a constant the author chose to hide from the synth-time checks:
 * it is judged here, as "cannot verify".
 */
export function deferredToPlan(model: TfModel, v: unknown): boolean {
  if (model.format !== 'terraform-json' || typeof v !== 'string' || !isTemplate(v)) return false;
  return (
    model.references(v).length > 0 ||
    /(^|[^A-Za-z0-9_."])(var|local|data|module|each|count|path|terraform|self)\.[A-Za-z_]/.test(v)
  );
}

/** Run a check per account; not applicable when the input has no Azure OpenAI account (AOAI-CHK-001 fails then). */
export function perAccount(model: TfModel, check: (a: AccountView) => RuleResult): RuleResult[] {
  const all = accounts(model);
  return all.length === 0 ? [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')] : all.map(check);
}

/**
 * A failed setting: `failed` says what is wrong ("public network access is enabled"); when the value is not known
 * from this input, the message names what could not be verified, the hardened state (`required`: "public network
 * access is disabled"), never the failure as if it were the goal.
 */
export function badSetting(s: SettingView, failed: string, required: string): RuleResult {
  return bad(
    s.address,
    s.unverifiable ? `cannot verify ${required}: the value is not known from this input` : failed,
    s.value,
  );
}

/** Resources of the given types whose `attr` references the account. */
export function attachedTo(
  model: TfModel,
  account: AccountView,
  types: string[],
  attr: (r: TfResource) => unknown,
): TfResource[] {
  return model.ofType(...types).filter((r) => pointsAt(model, attr(r), account));
}

/** The role definition GUID at the end of a role_definition_id, or from a built-in role name. */
export function roleGuid(r: TfResource, namesToGuids: Record<string, string>): string | undefined {
  const id = String(r.values.role_definition_id ?? '');
  const m = /roleDefinitions\/([0-9a-f-]{36})\s*$/i.exec(id);
  if (m) return m[1].toLowerCase();
  const name = r.values.role_definition_name;
  return name ? namesToGuids[String(name)] : undefined;
}
