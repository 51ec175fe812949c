/**
 * Terraform's apply graph, rebuilt from a synthesized cdk.tf.json, and three properties a first apply and a
 * destroy need. Terraform orders operations only by references (`${type.name.attr}`) and `depends_on`
 * (developer.hashicorp.com/terraform/language/resources/behavior "Resource Dependencies"; destroy runs the
 * same graph in reverse: ".../language/meta-arguments/depends_on" and `terraform destroy` docs), so:
 * (a) a value that names another resource of the stack as a literal gives no order: the resource it names may
 *     not exist yet (or be destroyed first). Every such literal must be backed by a dependency path.
 * (b) Azure refuses a second write on one Cognitive Services account while one runs (409 RequestConflict,
 *     docs/azure-facts.md §2), and neither provider serializes writes across providers: every two writes on one
 *     account must be ordered by a dependency path.
 * (c) destroy runs dependents first: the graph must be acyclic, and the destroy order is the reverse.
 */

export interface GraphNode {
  readonly address: string;
  readonly type: string;
  readonly values: any;
}

export interface ApplyGraph {
  readonly nodes: Map<string, GraphNode>;
  /** address -> addresses it depends on directly (references and depends_on). */
  readonly dependsOn: Map<string, Set<string>>;
}

const INTERPOLATION = /\$\{([^}]*)\}/g;
const REFERENCE = /\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)/g;

/** Every string inside a value, with the key path it sits under. */
function strings(value: any, path: string[] = [], out: Array<{ path: string[]; text: string }> = []) {
  if (typeof value === 'string') {
    out.push({ path, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((v) => strings(v, path, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) strings(v, [...path, k], out);
  }
  return out;
}

export function buildApplyGraph(json: any): ApplyGraph {
  const nodes = new Map<string, GraphNode>();
  for (const [type, byName] of Object.entries<any>(json.resource ?? {})) {
    for (const [name, values] of Object.entries<any>(byName)) {
      nodes.set(`${type}.${name}`, { address: `${type}.${name}`, type, values });
    }
  }
  for (const [type, byName] of Object.entries<any>(json.data ?? {})) {
    for (const [name, values] of Object.entries<any>(byName)) {
      nodes.set(`data.${type}.${name}`, { address: `data.${type}.${name}`, type, values });
    }
  }
  const dependsOn = new Map<string, Set<string>>();
  for (const node of nodes.values()) {
    const deps = new Set<string>();
    const { depends_on: explicit, ...rest } = node.values;
    for (const d of explicit ?? []) {
      if (!nodes.has(d)) throw new Error(`${node.address}: depends_on names ${d}, which is not in the stack`);
      deps.add(d);
    }
    for (const { text } of strings(rest)) {
      for (const m of text.matchAll(INTERPOLATION)) {
        for (const r of m[1].matchAll(REFERENCE)) {
          // A reference is type.name[.attr]: keep the resource part when it names a node.
          const parts = r[1].split('.');
          const address = parts[0] === 'data' ? parts.slice(0, 3).join('.') : parts.slice(0, 2).join('.');
          if (nodes.has(address) && address !== node.address) deps.add(address);
        }
      }
    }
    dependsOn.set(node.address, deps);
  }
  return { nodes, dependsOn };
}

/** True when `from` depends on `to` directly or through other resources. */
export function dependsTransitively(graph: ApplyGraph, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const at = stack.pop()!;
    for (const d of graph.dependsOn.get(at) ?? []) {
      if (d === to) return true;
      if (!seen.has(d)) {
        seen.add(d);
        stack.push(d);
      }
    }
  }
  return false;
}

export interface UnbackedLiteral {
  readonly resource: string;
  readonly attribute: string;
  readonly literal: string;
  readonly names: string;
}

/** Attributes that name or identify another resource. */
const NAMING_KEY = /(^|_)(name|id|ids|scope|scopes)$/;

/**
 * (a) Literals in naming attributes (`*_name`, `*_id`, `*_ids`, `scope(s)`) that equal the literal `name` of
 * another resource in the stack, or an ARM ID ending in it, without a dependency path to that resource.
 */
export function unbackedLiterals(graph: ApplyGraph): UnbackedLiteral[] {
  const named = new Map<string, string[]>();
  for (const n of graph.nodes.values()) {
    const name = n.values.name;
    if (typeof name === 'string' && name && !name.includes('${') && n.type !== 'terraform_data') {
      named.set(name, [...(named.get(name) ?? []), n.address]);
    }
  }
  const out: UnbackedLiteral[] = [];
  for (const n of graph.nodes.values()) {
    if (n.type === 'terraform_data') continue;
    const { depends_on: _ignored, lifecycle: _lifecycle, ...rest } = n.values;
    for (const { path, text } of strings(rest)) {
      const key = path[path.length - 1] ?? '';
      if (!NAMING_KEY.test(key) || key === 'name' || text.includes('${')) continue;
      const candidates = [
        ...(named.get(text) ?? []),
        ...(text.startsWith('/subscriptions/') ? (named.get(text.split('/').pop()!) ?? []) : []),
      ].filter((a) => a !== n.address);
      for (const target of candidates) {
        if (!dependsTransitively(graph, n.address, target)) {
          out.push({ resource: n.address, attribute: path.join('.'), literal: text, names: target });
        }
      }
    }
  }
  return out;
}

/** The account a write targets: an in-stack account's address, or a literal account ID (lower case). */
function accountOf(graph: ApplyGraph, value: unknown, depth = 0): string | undefined {
  if (typeof value !== 'string' || depth > 4) return undefined;
  const ref = /^\$\{((?:azurerm_cognitive_account|azapi_resource)\.[A-Za-z0-9_-]+)\.id\}$/.exec(value);
  if (ref) {
    const target = graph.nodes.get(ref[1]);
    if (!target) return undefined;
    if (target.type === 'azurerm_cognitive_account') return target.address;
    return accountOf(graph, target.values.parent_id, depth + 1);
  }
  const literal =
    /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.CognitiveServices\/accounts\/[^/]+)/i.exec(
      value,
    );
  return literal ? literal[1].toLowerCase() : undefined;
}

/** Resources that write to a Cognitive Services account (the account's own RP), by account. */
export function accountWrites(graph: ApplyGraph): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of graph.nodes.values()) {
    const v = n.values;
    let target: unknown;
    if (n.address.startsWith('data.')) continue;
    if (
      [
        'azurerm_cognitive_deployment',
        'azurerm_cognitive_account_rai_policy',
        'azurerm_cognitive_account_rai_blocklist',
        'azurerm_cognitive_account_customer_managed_key',
      ].includes(n.type)
    ) {
      target = v.cognitive_account_id;
    } else if (
      (n.type === 'azapi_resource' || n.type === 'azapi_update_resource') &&
      /^Microsoft\.CognitiveServices\/accounts[@/]/i.test(String(v.type))
    ) {
      target = v.parent_id ?? v.resource_id;
    } else if (n.type === 'azurerm_private_endpoint') {
      target = [v.private_service_connection]
        .flat()
        .map((c: any) => c?.private_connection_resource_id)
        .find(Boolean);
    } else if (n.type === 'azurerm_management_lock') {
      target = v.scope;
    }
    const account = accountOf(graph, target);
    if (account) out.set(account, [...(out.get(account) ?? []), n.address]);
  }
  return out;
}

/** (b) Pairs of writes on one account with no dependency path between them. */
export function unorderedAccountWrites(graph: ApplyGraph): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const writes of accountWrites(graph).values()) {
    for (let i = 0; i < writes.length; i++) {
      for (let j = i + 1; j < writes.length; j++) {
        const [a, b] = [writes[i], writes[j]];
        if (!dependsTransitively(graph, a, b) && !dependsTransitively(graph, b, a)) out.push([a, b]);
      }
    }
  }
  return out;
}

/** A create order (dependencies first); throws on a cycle, which Terraform refuses. */
export function applyOrder(graph: ApplyGraph): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (a: string, trail: string[]) => {
    if (state.get(a) === 'done') return;
    if (state.get(a) === 'visiting') throw new Error(`dependency cycle: ${[...trail, a].join(' -> ')}`);
    state.set(a, 'visiting');
    for (const d of [...(graph.dependsOn.get(a) ?? [])].sort()) visit(d, [...trail, a]);
    state.set(a, 'done');
    order.push(a);
  };
  for (const a of [...graph.nodes.keys()].sort()) visit(a, []);
  return order;
}

/** (c) Terraform's destroy order: the apply order reversed, so every resource goes before what it depends on. */
export function destroyOrder(graph: ApplyGraph): string[] {
  return applyOrder(graph).reverse();
}

/** Dependencies the destroy order violates (a resource destroyed after something it depends on). */
export function destroyViolations(graph: ApplyGraph, order = destroyOrder(graph)): string[] {
  const position = new Map(order.map((a, i) => [a, i]));
  const out: string[] = [];
  for (const [from, deps] of graph.dependsOn) {
    for (const to of deps) {
      if (position.get(from)! > position.get(to)!) out.push(`${from} is destroyed after ${to}`);
    }
  }
  return out;
}

/** All three properties over one synthesized stack; returns the problems found (empty when sound). */
export function applyGraphProblems(json: any): string[] {
  const graph = buildApplyGraph(json);
  return [
    ...unbackedLiterals(graph).map(
      (u) => `${u.resource}.${u.attribute} = "${u.literal}" names ${u.names} without a dependency on it`,
    ),
    ...unorderedAccountWrites(graph).map(([a, b]) => `${a} and ${b} write to one account in parallel`),
    ...destroyViolations(graph),
  ];
}
