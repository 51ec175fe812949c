/**
 * The checklist's view of a Terraform configuration. It knows Terraform JSON, not this package's constructs,
 * so a hand-written stack is judged exactly as a synthesized one. Two inputs:
 * - cdktf / Terraform JSON configuration (cdk.tf.json): values as written, links as "${type.name.attr}" strings;
 * - a plan (`terraform show -json`): known values from planned_values; unknown ones (absent there, flagged in
 *   after_unknown) are filled from the configuration's `references`, so an unknown value bound to the right
 *   reference reads like the same reference in cdk.tf.json.
 */

export interface TfResource {
  /** Terraform address, e.g. azurerm_cognitive_account.acct (module.x.azurerm_... inside modules). */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, any>;
}

/** The three document forms the checklist reads. */
export type InputFormat = 'terraform-json' | 'plan-json' | 'state-json';

/**
 * What a plan shows for a value it cannot know yet and the configuration does not bind to a reference.
 * A string, so every rule that expects a literal (`=== false`, `=== 'Deny'`) fails closed on it.
 */
export const KNOWN_AFTER_APPLY = '(known after apply)';

/** A `module` call whose resources this document does not show (Terraform JSON names only its source). */
export interface ModuleCall {
  readonly address: string;
  readonly source: unknown;
}

/** A block a `dynamic` block generates only if its for_each (an expression) is not empty. */
export interface ConditionalBlock {
  readonly block: string;
  readonly forEach: unknown;
  readonly content: Record<string, any>;
}

export class TfModel {
  private readonly byAddress = new Map<string, TfResource>();
  private readonly dependencyCache = new WeakMap<TfResource, string[]>();
  /**
   * Known Azure IDs (lower case) of resources and data sources: plans after the first apply and state JSON. One ID
   * may name several (azurerm's subnet-NSG association takes its subnet's ID).
   */
  private readonly byId = new Map<string, string[]>();

  constructor(
    public readonly resources: TfResource[],
    public readonly format: InputFormat,
    /** Data sources (address data.type.name): read, never judged; they resolve references. */
    public readonly dataSources: TfResource[] = [],
    /** Module calls whose contents are not in the document (Terraform JSON only). */
    public readonly hiddenModules: ModuleCall[] = [],
    /**
     * The provider each resource is managed by, as a registry source in lower case without the default host
     * ("hashicorp/azurerm"), by address; absent when the input does not say.
     */
    public readonly providerSources: ReadonlyMap<string, string> = new Map(),
    /**
     * Terraform JSON: the top-level `dynamic` blocks of each resource (by address) whose for_each is an expression,
     * with the content they generate. The model holds that content as one block, but for_each may be empty.
     */
    public readonly conditionalBlocks: ReadonlyMap<string, ConditionalBlock[]> = new Map(),
  ) {
    for (const r of resources) this.byAddress.set(r.address, r);
    for (const r of dataSources) this.byAddress.set(r.address, r);
    for (const r of [...resources, ...dataSources]) {
      const id = r.values.id;
      if (typeof id === 'string' && id.startsWith('/') && !isTemplate(id)) {
        this.byId.set(id.toLowerCase(), [...(this.byId.get(id.toLowerCase()) ?? []), r.address]);
      }
    }
  }

  public ofType(...types: string[]): TfResource[] {
    return this.resources.filter((r) => types.includes(r.type));
  }

  /** A resource or data source (data.type.name) by address. */
  public get(address: string): TfResource | undefined {
    return this.byAddress.get(address);
  }

  /** Addresses of resources and data sources referenced anywhere in `value` ("${type.name...}" interpolations). */
  public references(value: unknown): string[] {
    const found = new Set<string>();
    const visit = (v: unknown): void => {
      if (typeof v === 'string') {
        // Once a resource exists, a plan (or state) holds its known ID where the configuration wrote a reference:
        // a literal ID equal to a resource's known ID is that resource.
        if (v.startsWith('/')) for (const address of this.byId.get(v.toLowerCase()) ?? []) found.add(address);
        for (const expr of v.match(/\$\{[\s\S]*?\}/g) ?? []) {
          for (const m of expr.matchAll(
            /(?:^|[^A-Za-z0-9_."])((?:module\.[A-Za-z0-9_-]+\.)*(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g,
          )) {
            if (this.byAddress.has(m[1])) found.add(m[1]);
          }
        }
      } else if (Array.isArray(v)) {
        v.forEach(visit);
      } else if (v && typeof v === 'object') {
        Object.values(v).forEach(visit);
      }
    };
    visit(value);
    return [...found];
  }

  /** True when `value` references `target` (a "${type.name...}" interpolation). */
  public refersTo(value: unknown, target: TfResource): boolean {
    return this.references(value).includes(target.address);
  }

  /**
   * True when `r` depends on `address`, directly or through a chain: membership in transitiveDependencies(r),
   * with the walk stopped as soon as it is found (a deployment usually names its policy directly, while its full
   * closure runs down a write chain of hundreds of blocklist items).
   */
  public dependsOnTransitively(r: TfResource, address: string): boolean {
    const seen = new Set<string>();
    const queue = [r];
    while (queue.length) {
      for (const dep of this.dependencies(queue.pop()!)) {
        if (dep === address) return true;
        if (seen.has(dep)) continue;
        seen.add(dep);
        const next = this.get(dep);
        if (next) queue.push(next);
      }
    }
    return false;
  }

  /** Everything `r` depends on, directly or through a chain (e.g. deployment -> deployment -> policy). */
  public transitiveDependencies(r: TfResource): Set<string> {
    const seen = new Set<string>();
    const queue = [r];
    while (queue.length) {
      for (const dep of this.dependencies(queue.pop()!)) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        const next = this.get(dep);
        if (next) queue.push(next);
      }
    }
    return seen;
  }

  /** Resources `r` depends on explicitly (depends_on) or through references. */
  public dependencies(r: TfResource): string[] {
    // Memoized: the model never changes, and transitive walks (every deployment down a write chain of
    // hundreds of blocklist items) would otherwise re-scan the same resources thousands of times.
    let deps = this.dependencyCache.get(r);
    if (!deps) {
      const explicit = asArray(r.values.depends_on).map(String);
      deps = [...new Set([...explicit, ...this.references(omit(r.values, 'depends_on'))])];
      this.dependencyCache.set(r, deps);
    }
    return deps;
  }
}

/**
 * True when a string is a Terraform template: an interpolation `${...}` or a directive `%{ if }...%{ endif }`,
 * `%{ for }` (Terraform language docs, "Strings and Templates": both are evaluated, also in JSON syntax). Escapes
 * (`$${`, `%%{`) are read as templates too: fail closed.
 */
export function isTemplate(s: string): boolean {
  return s.includes('${') || s.includes('%{');
}

/** True when `v` is a value written out in the document, not an expression, variable or unknown. */
export function isLiteral(v: unknown): boolean {
  if (typeof v === 'string') return !isTemplate(v) && v !== KNOWN_AFTER_APPLY;
  if (Array.isArray(v)) return v.every(isLiteral);
  if (v && typeof v === 'object') return Object.values(v).every(isLiteral);
  return true;
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Which of the three forms a parsed document is; throws InputError for anything else. */
export function detectFormat(json: unknown, source = 'input'): InputFormat {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(
      `${source}: expected a Terraform JSON object (cdk.tf.json, or \`terraform show -json\` of a plan or a state), got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}.`,
    );
  }
  const obj = json as Record<string, any>;
  if (
    'planned_values' in obj ||
    'resource_changes' in obj ||
    ('configuration' in obj && 'format_version' in obj)
  ) {
    return 'plan-json';
  }
  // `terraform show -json` of a state: {format_version, terraform_version, values: {root_module}}; an empty
  // state has no `values` at all (https://developer.hashicorp.com/terraform/internals/json-format#state-representation).
  if ('format_version' in obj && ('values' in obj || 'terraform_version' in obj)) return 'state-json';
  if (
    ['resource', 'terraform', 'provider', 'data', 'module', 'variable', 'locals', 'output'].some(
      (k) => k in obj,
    )
  ) {
    return 'terraform-json';
  }
  throw new InputError(
    `${source}: not Terraform JSON: it has none of "resource"/"terraform" (configuration), "planned_values"/"resource_changes" (plan) or "values" (state). Pass cdk.tf.json or the output of \`terraform show -json\`.`,
  );
}

/** Build the model from one parsed document, detecting the form. */
export function loadModel(json: unknown, source = 'input'): TfModel {
  const format = detectFormat(json, source);
  const obj = json as Record<string, any>;
  if (format === 'plan-json') return loadPlan(obj);
  if (format === 'state-json') return loadState(obj);
  return loadConfig(normalizeConfig(obj, source), source);
}

/** One parsed file, named so override files can be told apart. */
export interface NamedDocument {
  /** The file name (override files are recognised by it: override.tf.json, *_override.tf.json). */
  readonly name: string;
  /** The parsed JSON. */
  readonly document: unknown;
}

/**
 * Several Terraform JSON files of one configuration, merged as Terraform merges them: the primary files are
 * combined (a resource declared twice is an error), then each `override.tf.json` / `*_override.tf.json` file, in
 * name order, replaces the arguments and nested blocks it names; `lifecycle` is merged argument by argument.
 * Source: https://developer.hashicorp.com/terraform/language/files/override ("Merging behavior").
 * A single plan or state document is loaded as it is; plans and states cannot be combined.
 */
export function loadDocuments(docs: readonly NamedDocument[]): TfModel {
  if (docs.length === 0) throw new InputError('no input document');
  if (docs.length === 1) return loadModel(docs[0].document, docs[0].name);
  const forms = docs.map((d) => detectFormat(d.document, d.name));
  const notConfig = docs.find((_d, i) => forms[i] !== 'terraform-json');
  if (notConfig) {
    throw new InputError(
      `${notConfig.name}: only Terraform JSON configuration files can be checked together (a plan or a state is one complete document; check it alone).`,
    );
  }
  const isOverride = (name: string) => /(^|[\\/])([^\\/]*_)?override\.tf\.json$/.test(name);
  const primaries = docs.filter((d) => !isOverride(d.name));
  const overrides = docs
    .filter((d) => isOverride(d.name))
    .sort((a, b) => basename(a.name).localeCompare(basename(b.name)));
  const merged: NormalizedConfig = { resource: {}, data: {}, module: {}, requiredProviders: {} };
  for (const d of primaries) {
    const n = normalizeConfig(d.document as Record<string, any>, d.name);
    for (const section of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries(n[section])) {
        for (const [name, body] of Object.entries(byName)) {
          merged[section][type] ??= {};
          if (merged[section][type][name]) {
            throw new InputError(
              `${d.name}: ${section === 'data' ? 'data.' : ''}${type}.${name} is declared in two files (Terraform refuses duplicate declarations).`,
            );
          }
          merged[section][type][name] = body;
        }
      }
    }
    Object.assign(merged.module, n.module);
    Object.assign(merged.requiredProviders, n.requiredProviders);
  }
  for (const d of overrides) {
    const n = normalizeConfig(d.document as Record<string, any>, d.name);
    for (const section of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries(n[section])) {
        for (const [name, body] of Object.entries(byName)) {
          const base = merged[section][type]?.[name];
          if (!base) {
            throw new InputError(
              `${d.name}: overrides ${type}.${name}, which no primary file declares (Terraform refuses this).`,
            );
          }
          merged[section][type][name] = overrideBody(base, body);
        }
      }
    }
    for (const [name, body] of Object.entries(n.module)) {
      merged.module[name] = { ...(merged.module[name] ?? {}), ...(body as Record<string, unknown>) };
    }
    Object.assign(merged.requiredProviders, n.requiredProviders);
  }
  return loadConfig(merged, docs.map((d) => d.name).join(' + '));
}

function overrideBody(base: Record<string, any>, override: Record<string, any>): Record<string, any> {
  const result = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (key === 'lifecycle' && block(base.lifecycle) && block(value)) {
      result.lifecycle = { ...block(base.lifecycle), ...block(value) };
    } else {
      result[key] = value;
    }
  }
  return result;
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

type BlockMap = Record<string, Record<string, Record<string, any>>>;
interface NormalizedConfig {
  resource: BlockMap;
  data: BlockMap;
  module: Record<string, Record<string, any>>;
  /** terraform.required_providers: local name -> source. */
  requiredProviders: Record<string, string>;
}

/**
 * A provider source address in lower case, without the default registry host; a bare type is in the hashicorp
 * namespace (https://developer.hashicorp.com/terraform/language/providers/requirements#source-addresses).
 */
export function providerSource(v: unknown): string {
  const s = String(v ?? '')
    .trim()
    .toLowerCase()
    .replace(/^registry\.terraform\.io\//, '');
  return s.includes('/') ? s : `hashicorp/${s}`;
}

/**
 * Terraform JSON allows each labelled level as an object or an array of objects, and a "//" property as a
 * comment in any object that stands for a block. Source:
 * https://developer.hashicorp.com/terraform/language/syntax/json ("Nested Block Mapping", "Comment Properties").
 */
function normalizeConfig(obj: Record<string, any>, source: string): NormalizedConfig {
  const levels = (v: unknown, what: string): Array<[string, unknown]> => {
    if (v === undefined || v === null) return [];
    const objects = Array.isArray(v) ? v : [v];
    const entries: Array<[string, unknown]> = [];
    for (const o of objects) {
      if (!o || typeof o !== 'object' || Array.isArray(o)) {
        throw new InputError(
          `${source}: ${what} must be an object (or an array of objects), got ${JSON.stringify(o)}.`,
        );
      }
      for (const [k, val] of Object.entries(o)) if (k !== '//') entries.push([k, val]);
    }
    return entries;
  };
  const section = (key: 'resource' | 'data'): BlockMap => {
    const out: BlockMap = {};
    for (const [type, byName] of levels(obj[key], `"${key}"`)) {
      for (const [name, body] of levels(byName, `"${key}.${type}"`)) {
        const bodies = Array.isArray(body) ? body : [body];
        if (bodies.length !== 1 || !bodies[0] || typeof bodies[0] !== 'object') {
          throw new InputError(
            `${source}: ${key === 'data' ? 'data.' : ''}${type}.${name} must be one object (Terraform refuses a resource declared ${bodies.length} times).`,
          );
        }
        out[type] ??= {};
        if (out[type][name]) {
          throw new InputError(
            `${source}: ${type}.${name} is declared twice (Terraform refuses duplicate declarations).`,
          );
        }
        out[type][name] = stripComments(bodies[0]);
      }
    }
    return out;
  };
  const module: Record<string, Record<string, any>> = {};
  for (const [name, body] of levels(obj.module, '"module"')) {
    module[name] = stripComments(Array.isArray(body) ? (body[0] ?? {}) : (body ?? {}));
  }
  // terraform { required_providers { <local name> = { source = ... } } }; a bare string is a version constraint of
  // the implicit hashicorp/<name> (https://developer.hashicorp.com/terraform/language/providers/requirements).
  const requiredProviders: Record<string, string> = {};
  for (const t of asArray(obj.terraform)) {
    for (const rp of asArray(t?.required_providers)) {
      for (const [local, req] of Object.entries<any>(rp ?? {})) {
        if (local === '//') continue;
        if (req && typeof req === 'object' && req.source !== undefined) {
          requiredProviders[local] = providerSource(req.source);
        }
      }
    }
  }
  return { resource: section('resource'), data: section('data'), module, requiredProviders };
}

/** Drop "//" comment properties from a block body and its nested blocks. */
function stripComments(v: any): any {
  if (Array.isArray(v)) return v.map(stripComments);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== '//')
        .map(([k, x]) => [k, stripComments(x)]),
    );
  }
  return v;
}

/**
 * True when a literal `count` or `for_each` creates no instance: count 0, or for_each an empty list, set or map.
 * Source: https://developer.hashicorp.com/terraform/language/meta-arguments/count and .../for_each.
 */
export function createsNothing(values: Record<string, any>): boolean {
  const count = values.count;
  if (
    count !== undefined &&
    count !== null &&
    isLiteral(count) &&
    Number(count) === 0 &&
    String(count).trim() !== ''
  ) {
    return true;
  }
  const forEach = values.for_each;
  if (Array.isArray(forEach)) return forEach.length === 0;
  return !!forEach && typeof forEach === 'object' && Object.keys(forEach).length === 0;
}

/**
 * Expand Terraform JSON `dynamic` blocks into the blocks they generate, so rules see what Terraform creates: each
 * `dynamic.<block>` adds its `content` as one more <block> (unless its for_each is a literal empty collection);
 * iterator values (${<block>.value}, ${each.value}) stay expressions, judged as such. Nested blocks are expanded
 * too. Source: https://developer.hashicorp.com/terraform/language/syntax/json ("dynamic blocks") and
 * .../language/expressions/dynamic-blocks.
 */
export function expandDynamic(v: any): any {
  if (Array.isArray(v)) return v.map(expandDynamic);
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, any> = {};
  for (const [k, x] of Object.entries(v)) if (k !== 'dynamic') out[k] = expandDynamic(x);
  for (const spec of asArray(v.dynamic)) {
    if (!spec || typeof spec !== 'object') continue;
    for (const [blockName, generators] of Object.entries<any>(spec)) {
      for (const g of asArray(generators)) {
        if (!g || typeof g !== 'object' || createsNothing(g)) continue;
        const content = expandDynamic(g.content ?? {});
        const existing = out[blockName];
        out[blockName] = [...(existing === undefined || existing === null ? [] : asArray(existing)), content];
      }
    }
  }
  return out;
}

/** The top-level `dynamic` blocks of a resource body whose for_each is not a literal (it may generate none). */
function conditionalDynamicBlocks(values: Record<string, any>): ConditionalBlock[] {
  const found: ConditionalBlock[] = [];
  for (const spec of asArray(values.dynamic)) {
    if (!spec || typeof spec !== 'object') continue;
    for (const [blockName, generators] of Object.entries<any>(spec)) {
      for (const g of asArray(generators)) {
        if (g && typeof g === 'object' && !isLiteral(g.for_each)) {
          found.push({ block: blockName, forEach: g.for_each, content: expandDynamic(g.content ?? {}) });
        }
      }
    }
  }
  return found;
}

function loadConfig(config: NormalizedConfig, _source: string): TfModel {
  const toResources = (map: BlockMap, prefix: string): TfResource[] =>
    Object.entries(map).flatMap(([type, byName]) =>
      Object.entries(byName)
        // A resource whose literal count or for_each creates no instance is not in the configuration's result.
        .filter(([, values]) => !createsNothing(values))
        .map(([name, values]) => ({
          address: `${prefix}${type}.${name}`,
          type,
          name,
          values: expandDynamic(values),
        })),
    );
  const resources = toResources(config.resource, '');
  const conditional = new Map<string, ConditionalBlock[]>();
  for (const [type, byName] of Object.entries(config.resource)) {
    for (const [name, values] of Object.entries(byName)) {
      const found = conditionalDynamicBlocks(values);
      if (found.length) conditional.set(`${type}.${name}`, found);
    }
  }
  // The provider of each resource: its `provider` meta-argument's local name (before an alias) or its type's
  // prefix, resolved through required_providers, else the implicit hashicorp/<name>.
  const sources = new Map<string, string>();
  for (const r of resources) {
    const local =
      typeof r.values.provider === 'string'
        ? r.values.provider.replace(/^\$\{|\}$/g, '').split('.')[0]
        : r.type.split('_')[0];
    sources.set(r.address, config.requiredProviders[local] ?? `hashicorp/${local}`);
  }
  return new TfModel(
    resources,
    'terraform-json',
    toResources(config.data, 'data.'),
    Object.entries(config.module).map(([name, call]) => ({ address: `module.${name}`, source: call.source })),
    sources,
    conditional,
  );
}

interface RawResource {
  address: string;
  mode?: string;
  type: string;
  name: string;
  values?: Record<string, any> | null;
  depends_on?: string[];
  provider_name?: string;
}

/** Resources of a values module tree (planned_values, prior_state.values, state values). */
function walkValues(mod: any, visit: (r: RawResource) => void): void {
  for (const r of mod?.resources ?? []) visit(r);
  for (const child of mod?.child_modules ?? []) walkValues(child, visit);
}

function loadState(state: Record<string, any>): TfModel {
  const resources: TfResource[] = [];
  const data: TfResource[] = [];
  const sources = new Map<string, string>();
  walkValues(state.values?.root_module, (r) => {
    const values = structuredClone(r.values ?? {});
    if (r.depends_on) values.depends_on = r.depends_on;
    (r.mode === 'data' ? data : resources).push({ address: r.address, type: r.type, name: r.name, values });
    if (r.provider_name) sources.set(r.address, providerSource(r.provider_name));
  });
  return new TfModel(resources, 'state-json', data, [], sources);
}

function loadPlan(plan: Record<string, any>): TfModel {
  const planned = new Map<string, RawResource>();
  const data = new Map<string, TfResource>();
  walkValues(plan.planned_values?.root_module, (r) => {
    if (r.mode === 'data') {
      data.set(r.address, { address: r.address, type: r.type, name: r.name, values: r.values ?? {} });
    } else {
      planned.set(r.address, r);
    }
  });
  walkValues(plan.prior_state?.values?.root_module, (r) => {
    if (r.mode === 'data' && !data.has(r.address)) {
      data.set(r.address, { address: r.address, type: r.type, name: r.name, values: r.values ?? {} });
    }
  });
  // resource_changes: what each resource becomes (after) and which of its values are unknown (after_unknown).
  // A plan may carry only these, without planned_values; deleted resources (after = null) are not judged.
  const changes = new Map<string, any>();
  for (const rc of plan.resource_changes ?? []) {
    if (!rc || rc.mode === 'data' || typeof rc.address !== 'string') continue;
    changes.set(rc.address, rc);
  }

  const configured = new Map<string, any>();
  // `repeated`: the block sits in a module called with count or for_each, so it has instances only where the plan
  // shows them (a module called with count 0 creates none of its resources).
  const walkConfig = (mod: any, prefix: string, repeated: boolean): void => {
    for (const r of mod?.resources ?? []) {
      if (r.mode !== 'data') configured.set(`${prefix}${r.address}`, { ...r, prefix, repeated });
    }
    for (const [name, call] of Object.entries<any>(mod?.module_calls ?? {})) {
      walkConfig(
        call.module,
        `${prefix}module.${name}.`,
        repeated || !!call.count_expression || !!call.for_each_expression,
      );
    }
  };
  walkConfig(plan.configuration?.root_module, '', false);

  const resources: TfResource[] = [];
  const sources = new Map<string, string>();
  const deleted = (rc: any) =>
    rc?.change && (rc.change.after === null || JSON.stringify(rc.change.actions) === '["delete"]');
  const addresses = new Set([
    ...planned.keys(),
    ...[...changes.keys()].filter((a) => !deleted(changes.get(a))),
    ...configured.keys(),
  ]);
  for (const address of addresses) {
    const p = planned.get(address);
    const rc = changes.get(address);
    if (!p && rc && deleted(rc)) continue;
    // Counted/for_each instances (addr[0]) share the configuration block of addr.
    const configAddress = address.replace(/\[[^\]]*\]$/, '');
    if (
      !p &&
      !rc &&
      [...planned.keys(), ...changes.keys()].some((a) => a.replace(/\[[^\]]*\]$/, '') === address)
    ) {
      continue;
    }
    const c = configured.get(address) ?? configured.get(configAddress);
    // A counted or for_each resource with no instance in planned_values or resource_changes creates nothing
    // (count 0, for_each empty): its configuration block is not a resource.
    if (!p && !rc && (c?.count_expression || c?.for_each_expression || c?.repeated)) continue;
    const type = p?.type ?? rc?.type ?? c?.type;
    const name = p?.name ?? rc?.name ?? c?.name;
    if (!type) continue;
    const values = structuredClone(p?.values ?? rc?.change?.after ?? {});
    if (rc?.change?.after_unknown) markUnknown(values, rc.change.after_unknown);
    if (c?.expressions) fillFromExpressions(values, c.expressions, c.prefix ?? '');
    if (c?.depends_on) values.depends_on = c.depends_on.map((d: string) => `${c.prefix ?? ''}${d}`);
    // Provisioners: the configuration lists them per resource ({type, expressions}; json-format docs,
    // "Configuration Representation"); planned values do not. Kept in Terraform JSON's shape ({<type>: body}).
    if (Array.isArray(c?.provisioners) && c.provisioners.length) {
      values.provisioner = c.provisioners.map((x: any) => ({ [String(x?.type)]: x?.expressions ?? {} }));
    }
    // The provider configuration ("azurerm.other" for an alias; module calls prefix it "<call>:"), as the
    // configuration writes `provider` (json-format docs, provider_config_key).
    if (typeof c?.provider_config_key === 'string') {
      values.provider = c.provider_config_key.replace(/^.*:/, '');
    }
    resources.push({ address, type, name, values });
    const providerName = p?.provider_name ?? rc?.provider_name;
    if (providerName) sources.set(address, providerSource(providerName));
  }
  return new TfModel(resources, 'plan-json', [...data.values()], [], sources);
}

/** Null, KNOWN_AFTER_APPLY, or a non-empty list of only such elements: a value the plan does not know yet. */
function unknownValue(v: unknown): boolean {
  if (v === undefined || v === null || v === KNOWN_AFTER_APPLY) return true;
  return Array.isArray(v) && v.length > 0 && v.every(unknownValue);
}

/** Mark values the plan flags in after_unknown as KNOWN_AFTER_APPLY (unless a configuration reference binds them later). */
function markUnknown(values: Record<string, any>, unknown: unknown): void {
  if (!unknown || typeof unknown !== 'object') return;
  for (const [key, u] of Object.entries<any>(unknown)) {
    if (u === true) {
      if (values[key] === undefined || values[key] === null) values[key] = KNOWN_AFTER_APPLY;
    } else if (Array.isArray(u)) {
      const current = Array.isArray(values[key]) ? values[key] : [];
      u.forEach((item, i) => {
        if (item === true && (current[i] === undefined || current[i] === null)) {
          current[i] = KNOWN_AFTER_APPLY;
        } else if (item && typeof item === 'object') {
          current[i] = current[i] && typeof current[i] === 'object' ? current[i] : {};
          markUnknown(current[i], item);
        }
      });
      values[key] = current;
    } else if (u && typeof u === 'object') {
      values[key] = values[key] && typeof values[key] === 'object' ? values[key] : {};
      markUnknown(values[key], u);
    }
  }
}

/** Put "${reference}" where the plan has no known value but the configuration binds one. */
function fillFromExpressions(
  values: Record<string, any>,
  expressions: Record<string, any>,
  prefix: string,
): void {
  for (const [key, expr] of Object.entries<any>(expressions)) {
    if (Array.isArray(expr)) {
      // Nested blocks: a list of expression maps, matched by index to the planned block list.
      const current = asArray(values[key]);
      values[key] = expr.map((blockExpr, i) => {
        const nested = current[i] && typeof current[i] === 'object' ? current[i] : {};
        fillFromExpressions(nested, blockExpr ?? {}, prefix);
        return nested;
      });
      continue;
    }
    if (!expr || typeof expr !== 'object') continue;
    const known = !unknownValue(values[key]);
    if (known && prefix === '' && isPlainObject(values[key]) && isPlainObject(expr.constant_value)) {
      // An object attribute of a .tf.json configuration (an azapi body): its unknown leaves take the template text
      // at the same path of constant_value, e.g. properties.networkSecurityGroup.id = "${azurerm_...id}".
      fillUnknownLeaves(values[key], expr.constant_value);
      continue;
    }
    if (
      !known &&
      prefix === '' &&
      typeof expr.constant_value === 'string' &&
      expr.constant_value.includes('${') &&
      !Array.isArray(values[key])
    ) {
      // A .tf.json template: Terraform's plan JSON keeps its text as constant_value (HCL's JSON syntax returns
      // strings verbatim when evaluated without a context; seen in Terraform 1.11.4 `show -json` of cdk.tf.json).
      // The whole template keeps its literal parts, e.g. the role GUID after a subscription taken from a reference.
      values[key] = expr.constant_value;
    } else if (!known && Array.isArray(expr.references) && expr.references.length > 0) {
      // references list the most specific first (type.name.attr, then type.name).
      const bind = (ref: string) =>
        `\${${/^(var|local|each|count|path|terraform)\./.test(ref) ? '' : prefix}${ref}}`;
      if (Array.isArray(values[key])) {
        // A list of unknown elements (Terraform writes [null] with after_unknown [true]): one reference per element
        // the expression names, most specific form of each resource.
        const seen = new Set<string>();
        values[key] = expr.references
          .map(String)
          .filter((ref: string) => {
            const resource = ref.split('.').slice(0, 2).join('.');
            if (seen.has(resource)) return false;
            seen.add(resource);
            return true;
          })
          .map(bind);
      } else {
        values[key] = bind(String(expr.references[0]));
      }
    } else if (!known && 'constant_value' in expr) {
      values[key] = expr.constant_value;
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Fill the unknown leaves of a planned object from the configuration's constant at the same path, where that
 * constant is a template (a string holding `${`): the configuration's own text, not a guess. Known leaves stay.
 */
function fillUnknownLeaves(value: Record<string, any> | any[], constant: Record<string, any> | any[]): void {
  for (const [k, c] of Object.entries<any>(constant)) {
    // Only what the plan marks unknown (after_unknown): a value the plan knows, null included, stays.
    const unknown = (value as any)[k] === KNOWN_AFTER_APPLY;
    if (typeof c === 'string' && c.includes('${') && unknown) {
      (value as any)[k] = c;
    } else if (c && typeof c === 'object') {
      if (unknown) (value as any)[k] = Array.isArray(c) ? [] : {};
      const next = (value as any)[k];
      if (next && typeof next === 'object' && Array.isArray(next) === Array.isArray(c)) {
        fillUnknownLeaves(next, c);
      }
    }
  }
}

export function asArray(v: unknown): any[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** A nested block: cdk.tf.json writes single blocks as objects, plans as one-element lists. */
export function block(v: unknown): Record<string, any> | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  return first && typeof first === 'object' ? (first as Record<string, any>) : undefined;
}

function omit(obj: Record<string, any>, key: string): Record<string, any> {
  const { [key]: _omitted, ...rest } = obj;
  return rest;
}
