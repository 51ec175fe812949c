import { TfModel, TfResource, asArray, isLiteral } from '../../model';
import {
  AccountView,
  RuleResult,
  accounts,
  azapiWrites,
  bad,
  deferredToPlan,
  na,
  ok,
  pointsAt,
  valuesOf,
} from '../../rule';
export const POLICY_TYPE = /^Microsoft\.CognitiveServices\/accounts\/raiPolicies@/i;
export const DEPLOYMENT_TYPE = /^Microsoft\.CognitiveServices\/accounts\/deployments@/i;

export interface Filter {
  name: string;
  source: string;
  enabled: boolean;
  blocking: boolean;
  severityThreshold?: string;
}

export interface PolicyView {
  resource: TfResource;
  /** For an azapi write that patches a policy: the policy it patches (this view is the result). */
  base?: PolicyView;
  name: string;
  mode?: string;
  filters: Filter[];
  blocklists: Array<{ name: string; source: string; blocking: boolean; blockingValue?: unknown }>;
}

export interface DeploymentView {
  resource: TfResource;
  /** For an azapi write that patches a deployment: the deployment it patches. */
  base?: DeploymentView;
  raiPolicyName: unknown;
  modelVersion?: string;
  upgradeOption?: string;
}

/**
 * Every value of an ARM property whatever the case of its name, as the account's settings are read (rule.ts
 * valuesOf): whether the resource provider honours another spelling is not known from here, so each is judged as if
 * it were (fail closed).
 */
export function spellings(obj: unknown, key: string): unknown[] {
  return obj && typeof obj === 'object' && !Array.isArray(obj)
    ? valuesOf(obj as Record<string, any>, key)
    : [];
}
/** The value of a property: the one value its spellings agree on, or a marker no check accepts. */
export function property(obj: unknown, key: string): any {
  const values = spellings(obj, key);
  if (!values.length) return undefined;
  return values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]))
    ? values[0]
    : '(conflicting spellings)';
}
/** True only when the flag is set and every spelling of it is literal true. */
export function flag(obj: unknown, key: string): boolean {
  const values = spellings(obj, key);
  return values.length > 0 && values.every((v) => v === true);
}
export const distinct = (values: unknown[]) => (values.length ? [...new Set(values)] : [undefined]);

/** The content filters and blocklists of an ARM raiPolicies properties object (only the keys it names). */
export function armPolicy(
  p: Record<string, any>,
): Partial<Pick<PolicyView, 'mode' | 'filters' | 'blocklists'>> {
  const view: Partial<Pick<PolicyView, 'mode' | 'filters' | 'blocklists'>> = {};
  if (spellings(p, 'mode').length) view.mode = property(p, 'mode');
  const filterLists = spellings(p, 'contentFilters');
  if (filterLists.length) {
    // An entry whose name or source is spelled twice stands for each name and source it gives.
    view.filters = filterLists.flatMap(asArray).flatMap((f) =>
      distinct(spellings(f, 'name')).flatMap((name) =>
        distinct(spellings(f, 'source')).map((source) => ({
          name: name as string,
          source: source as string,
          enabled: flag(f, 'enabled'),
          blocking: flag(f, 'blocking'),
          severityThreshold: property(f, 'severityThreshold'),
        })),
      ),
    );
  }
  const blocklistLists = spellings(p, 'customBlocklists');
  if (blocklistLists.length) {
    view.blocklists = blocklistLists.flatMap(asArray).map((b) => ({
      name: property(b, 'blocklistName'),
      source: property(b, 'source'),
      blocking: flag(b, 'blocking'),
      blockingValue: property(b, 'blocking'),
    }));
  }
  return view;
}

/** The properties object of an azapi body; undefined when it is missing, not an object or spelled twice. */
export function propertiesOf(body: unknown): Record<string, any> | undefined {
  const values = spellings(body, 'properties');
  const p = values.length === 1 ? values[0] : undefined;
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, any>) : undefined;
}

/** The properties of an azapi write's body (a JSON string is parsed), or undefined when it cannot be read. */
export function bodyProperties(r: TfResource): Record<string, any> | undefined {
  let body = r.values.body;
  if (typeof body === 'string' && isLiteral(body)) {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return propertiesOf(body);
}

/**
 * azapi writes to an existing child of the account (azapi_update_resource; azapi_resource_action with an empty
 * action and method PATCH or PUT: azapi docs, resources/update_resource and resources/resource_action), with the
 * child they write: by a reference to it, or by parent_id (the account) and name.
 */
export function childWrites<T extends { resource: TfResource }>(
  m: TfModel,
  type: RegExp,
  children: T[],
  nameOf: (child: T) => unknown,
): Array<{ write: TfResource; child?: T; parent?: unknown }> {
  return azapiWrites(m, type).map((u) => {
    const id = u.values.resource_id;
    const refs = m.references(id);
    // By reference to the child; or <account>/<collection>/<name> as resource_id; or parent_id with name.
    const path =
      typeof id === 'string' ? /^(.*)\/(?:raiPolicies|deployments)\/([^/]+)$/i.exec(id.trim()) : null;
    const parent = path ? path[1] : id === undefined || id === null ? u.values.parent_id : undefined;
    const name = path ? path[2] : u.values.name;
    const child =
      children.find((c) => refs.includes(c.resource.address)) ??
      (parent !== undefined
        ? children.find((c) => String(name).toLowerCase() === String(nameOf(c)).toLowerCase())
        : undefined);
    return { write: u, child, parent };
  });
}

/** Custom RAI policies on the account: azapi raiPolicies and azurerm_cognitive_account_rai_policy. */
export function policiesOf(m: TfModel, a: AccountView): PolicyView[] {
  const azapi = m
    .ofType('azapi_resource')
    .filter((r) => POLICY_TYPE.test(String(r.values.type)) && pointsAt(m, r.values.parent_id, a))
    .map((r) => {
      const p = propertiesOf(r.values.body) ?? {};
      return {
        resource: r,
        name: String(r.values.name),
        filters: [],
        blocklists: [],
        ...armPolicy(p),
      } as PolicyView;
    });
  const azurerm = m
    .ofType('azurerm_cognitive_account_rai_policy')
    .filter((r) => pointsAt(m, r.values.cognitive_account_id, a))
    .map((r) => ({
      resource: r,
      name: String(r.values.name),
      mode: r.values.mode,
      filters: asArray(r.values.content_filter).map((f) => ({
        name: f.name,
        source: f.source,
        enabled: f.filter_enabled === true,
        blocking: f.block_enabled === true,
        severityThreshold: f.severity_threshold,
      })),
      blocklists: [],
    }));
  const policies: PolicyView[] = [...azapi, ...azurerm];
  // A write to a policy replaces the properties it names (azapi_update_resource merges its body into the
  // resource and PUTs it back): the policy as that write leaves it is judged too.
  const patched = childWrites(m, POLICY_TYPE, policies, (p) => p.name)
    .filter((w) => (w.child ? true : pointsAt(m, w.parent, a)))
    .map(({ write, child }) => {
      const base: PolicyView = child ?? {
        resource: write,
        name: String(write.values.name),
        filters: [],
        blocklists: [],
      };
      const props = bodyProperties(write);
      const opaque = {
        name: "(the write's body cannot be read)",
        source: '',
        enabled: false,
        blocking: false,
      };
      return {
        ...base,
        resource: write,
        base,
        ...(props ? armPolicy(props) : { filters: [opaque] }),
      } as PolicyView;
    });
  return [...policies, ...patched];
}

export function deploymentsOf(m: TfModel, a: AccountView): DeploymentView[] {
  const azurerm = m
    .ofType('azurerm_cognitive_deployment')
    .filter((d) => pointsAt(m, d.values.cognitive_account_id, a))
    .map((d) => ({
      resource: d,
      raiPolicyName: d.values.rai_policy_name,
      modelVersion: (Array.isArray(d.values.model) ? d.values.model[0] : d.values.model)?.version,
      upgradeOption: d.values.version_upgrade_option,
    }));
  const azapi = m
    .ofType('azapi_resource')
    .filter((d) => DEPLOYMENT_TYPE.test(String(d.values.type)) && pointsAt(m, d.values.parent_id, a))
    .map((d) => {
      const p = propertiesOf(d.values.body) ?? {};
      return {
        resource: d,
        raiPolicyName: property(p, 'raiPolicyName'),
        modelVersion: property(property(p, 'model'), 'version'),
        upgradeOption: property(p, 'versionUpgradeOption'),
      };
    });
  const deployments: DeploymentView[] = [...azurerm, ...azapi];
  // A write to a deployment that names a policy rebinds it (azapi docs, resources/update_resource).
  const patched = childWrites(m, DEPLOYMENT_TYPE, deployments, (d) => d.resource.values.name)
    .filter((w) => (w.child ? true : pointsAt(m, w.parent, a)))
    .filter(({ write }) => {
      // Only a write that rebinds the policy, or changes the model or its upgrade, changes what is judged.
      const props = bodyProperties(write);
      return (
        !props ||
        ['raiPolicyName', 'model', 'versionUpgradeOption'].some((k) => spellings(props, k).length > 0)
      );
    })
    .map(({ write, child }) => {
      const props = bodyProperties(write);
      return {
        resource: write,
        base: child,
        raiPolicyName: props
          ? (property(props, 'raiPolicyName') ?? child?.raiPolicyName)
          : "(the write's body cannot be read)",
        modelVersion: property(property(props, 'model'), 'version') ?? child?.modelVersion,
        upgradeOption: property(props, 'versionUpgradeOption') ?? child?.upgradeOption,
      };
    });
  return [...deployments, ...patched];
}

/** The custom policy a deployment's rai_policy_name names (literally or by reference), if any. */
export function boundPolicy(m: TfModel, policies: PolicyView[], d: DeploymentView): PolicyView | undefined {
  const refs = m.references(d.raiPolicyName);
  return policies.find((p) => !p.base && (refs.includes(p.resource.address) || p.name === d.raiPolicyName));
}

/** Check every custom policy that a deployment on some account is bound to. */
export function perBoundPolicy(m: TfModel, check: (p: PolicyView) => RuleResult): RuleResult[] {
  const results: RuleResult[] = [];
  for (const a of accounts(m)) {
    const policies = policiesOf(m, a);
    const bound = new Set(
      deploymentsOf(m, a)
        .map((d) => boundPolicy(m, policies, d))
        .filter((p): p is PolicyView => !!p),
    );
    // A bound policy is judged as written and as every azapi write to it leaves it.
    const withWrites = (ps: PolicyView[]) => ps.flatMap((p) => [p, ...policies.filter((x) => x.base === p)]);
    const judged = bound.size ? withWrites([...bound]) : policies;
    judged.forEach((p) => results.push(check(p)));
    if (judged.length === 0) {
      results.push(bad(a.resource.address, 'no custom content filter policy on the account', '(none)'));
    }
  }
  return results.length ? results : [na('no Azure OpenAI account in this configuration')];
}

export function requireFilters(
  m: TfModel,
  p: PolicyView,
  wanted: Array<{ name: string; source: string; threshold?: string }>,
): RuleResult {
  const same = (x: unknown, y: string) => String(x ?? '').toLowerCase() === y.toLowerCase();
  for (const w of wanted) {
    // Every entry for the filter and source counts, not the first: a second, weaker duplicate is what Azure may
    // apply (issue 11, class 8). Names and sources compare case-insensitively for the same reason.
    const entries = p.filters.filter((x) => same(x.name, w.name) && same(x.source, w.source));
    if (!entries.length) {
      return bad(
        p.resource.address,
        `policy ${p.name} has no ${w.name} filter on ${w.source}`,
        p.filters.map((x) => `${x.name}/${x.source}`),
      );
    }
    const dup = entries.length > 1 ? ` (${entries.length} entries for it; every one must hold)` : '';
    for (const f of entries) {
      if (!f.enabled || !f.blocking) {
        return bad(p.resource.address, `${w.name} on ${w.source} is not enabled and blocking${dup}`, {
          enabled: f.enabled,
          blocking: f.blocking,
        });
      }
      if (w.threshold && deferredToPlan(m, f.severityThreshold)) {
        // A threshold given by reference is known only at plan: the checklist judges it on plan JSON.
        return na(
          `${w.name} on ${w.source} threshold is a reference; run the checklist on plan JSON to verify it`,
        );
      }
      if (w.threshold && f.severityThreshold !== w.threshold) {
        return bad(
          p.resource.address,
          `${w.name} on ${w.source} threshold must be ${w.threshold}${dup}`,
          f.severityThreshold ?? '(unset)',
        );
      }
    }
  }
  return ok(
    p.resource.address,
    `policy ${p.name}: ${wanted.map((w) => `${w.name}/${w.source}`).join(', ')} enforced`,
  );
}
