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

export type InputFormat = 'terraform-json' | 'plan-json';

export class TfModel {
  private readonly byAddress = new Map<string, TfResource>();
  private readonly dependencyCache = new WeakMap<TfResource, string[]>();

  constructor(
    public readonly resources: TfResource[],
    public readonly format: InputFormat,
  ) {
    for (const r of resources) this.byAddress.set(r.address, r);
  }

  public ofType(...types: string[]): TfResource[] {
    return this.resources.filter((r) => types.includes(r.type));
  }

  public get(address: string): TfResource | undefined {
    return this.byAddress.get(address);
  }

  /** Addresses of resources referenced anywhere in `value` ("${type.name...}" interpolations). */
  public references(value: unknown): string[] {
    const found = new Set<string>();
    const visit = (v: unknown): void => {
      if (typeof v === 'string') {
        for (const expr of v.match(/\$\{[\s\S]*?\}/g) ?? []) {
          for (const m of expr.matchAll(
            /(?:^|[^A-Za-z0-9_."])((?:module\.[A-Za-z0-9_-]+\.)*[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g,
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

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Build the model from parsed JSON, detecting the format. */
export function loadModel(json: unknown, source = 'input'): TfModel {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(
      `${source}: expected a Terraform JSON object (cdk.tf.json or \`terraform show -json\` output), got ${Array.isArray(json) ? 'an array' : typeof json}.`,
    );
  }
  const obj = json as Record<string, any>;
  if (
    'planned_values' in obj ||
    'resource_changes' in obj ||
    ('format_version' in obj && 'configuration' in obj)
  ) {
    return loadPlan(obj);
  }
  if ('resource' in obj || 'terraform' in obj || 'provider' in obj || 'data' in obj) return loadConfig(obj);
  throw new InputError(
    `${source}: not Terraform JSON: it has neither "resource"/"terraform" (configuration) nor "planned_values" (plan). Pass cdk.tf.json or the output of \`terraform show -json plan.out\`.`,
  );
}

function loadConfig(obj: Record<string, any>): TfModel {
  const resources: TfResource[] = [];
  const blocks = obj.resource ?? {};
  if (typeof blocks !== 'object' || Array.isArray(blocks)) {
    throw new InputError('"resource" must be an object of resource types.');
  }
  for (const [type, byName] of Object.entries<any>(blocks)) {
    if (!byName || typeof byName !== 'object') continue;
    for (const [name, values] of Object.entries<any>(byName)) {
      resources.push({
        address: `${type}.${name}`,
        type,
        name,
        values: Array.isArray(values) ? (values[0] ?? {}) : (values ?? {}),
      });
    }
  }
  return new TfModel(resources, 'terraform-json');
}

function loadPlan(plan: Record<string, any>): TfModel {
  const planned = new Map<string, any>();
  const walkPlanned = (mod: any): void => {
    for (const r of mod?.resources ?? []) if (r.mode !== 'data') planned.set(r.address, r);
    for (const child of mod?.child_modules ?? []) walkPlanned(child);
  };
  walkPlanned(plan.planned_values?.root_module);

  const configured = new Map<string, any>();
  const walkConfig = (mod: any, prefix: string): void => {
    for (const r of mod?.resources ?? []) {
      if (r.mode !== 'data') configured.set(`${prefix}${r.address}`, { ...r, prefix });
    }
    for (const [name, call] of Object.entries<any>(mod?.module_calls ?? {})) {
      walkConfig(call.module, `${prefix}module.${name}.`);
    }
  };
  walkConfig(plan.configuration?.root_module, '');

  const resources: TfResource[] = [];
  const addresses = new Set([...planned.keys(), ...configured.keys()]);
  for (const address of addresses) {
    const p = planned.get(address);
    // Counted/for_each instances (addr[0]) share the configuration block of addr.
    const c = configured.get(address) ?? configured.get(address.replace(/\[[^\]]*\]$/, ''));
    const type = p?.type ?? c?.type;
    const name = p?.name ?? c?.name;
    if (!type) continue;
    const values = structuredClone(p?.values ?? {});
    if (c?.expressions) fillFromExpressions(values, c.expressions, c.prefix ?? '');
    if (c?.depends_on) values.depends_on = c.depends_on.map((d: string) => `${c.prefix ?? ''}${d}`);
    resources.push({ address, type, name, values });
  }
  return new TfModel(resources, 'plan-json');
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
    const known = values[key] !== undefined && values[key] !== null;
    if (!known && Array.isArray(expr.references) && expr.references.length > 0) {
      // references list the most specific first (type.name.attr, then type.name).
      values[key] = `\${${prefix}${expr.references[0]}}`;
    } else if (!known && 'constant_value' in expr) {
      values[key] = expr.constant_value;
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
