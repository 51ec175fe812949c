import { ClosedWorldKind, closedWorldEntry } from '../../closed-world-types';
import { TfModel, TfResource, asArray, isLiteral } from '../../model';
import { RuleResult, bad, writingMethod } from '../../rule';

/** How to exempt a finding of AOAI-CHK-005: the same words on every one. */
export function howToExempt(address: string): string {
  return `write it as resources the rules read, or exempt it with a reason: HardeningSuppressions.addResourceSuppressions(<its construct>, [{ ruleId: 'AOAI-CHK-005', reason }]) or a suppressions file entry {"ruleId": "AOAI-CHK-005", "address": "${address}", "reason": "..."}`;
}

/** The provisioner types of a resource: Terraform JSON (`provisioner`: a block or a list of `{type: body}`). */
function provisioners(r: TfResource): string[] {
  return asArray(r.values.provisioner).flatMap((p) => (p && typeof p === 'object' ? Object.keys(p) : []));
}

/** The ARM type of an azapi resource without its API version; undefined when it is not a literal. */
function armType(r: TfResource): string | undefined {
  const t = r.values.type;
  return typeof t === 'string' && isLiteral(t) ? t.split('@')[0].trim() : undefined;
}

/** What this input shows of a value: the resources and data sources it references. */
function lookup(m: TfModel) {
  return (value: unknown) =>
    m
      .references(value)
      .map((a) => m.get(a))
      .filter((r): r is TfResource => !!r)
      .map((r) => r.values);
}

function judgeType(
  m: TfModel,
  r: TfResource,
  kind: ClosedWorldKind,
  type: string,
  label: string,
): RuleResult | undefined {
  const entry = closedWorldEntry(kind, type);
  if (!entry) {
    return bad(
      r.address,
      `${label} ${type} is unknown to the checklist: it may write to Azure or run code that no rule reads; ${howToExempt(r.address)}`,
      type,
    );
  }
  if (entry.status === 'writer') {
    return bad(r.address, `${label} ${type} ${entry.why}; ${howToExempt(r.address)}`, type);
  }
  const why = entry.writes?.(r.values, lookup(m));
  return why ? bad(r.address, `${label} ${type}: ${why}; ${howToExempt(r.address)}`, type) : undefined;
}

/** An azapi resource judged by the ARM type it writes (and, for a resource action, the action it sends). */
function judgeAzapi(m: TfModel, r: TfResource): RuleResult | undefined {
  const arm = armType(r);
  if (!arm) {
    return bad(
      r.address,
      `${r.type} writes an ARM type that is not a literal (${JSON.stringify(r.values.type)}): it may be any resource; ${howToExempt(r.address)}`,
      r.values.type,
    );
  }
  if (r.type === 'azapi_resource_action') {
    const action = r.values.action;
    const method = String(r.values.method ?? 'POST').toUpperCase();
    // A POST action (azapi docs: method defaults to POST) is an operation of its own (regenerateKey, approve a
    // connection): only list actions read. PUT/PATCH/DELETE on the resource are the writes the rules read;
    // to a child path they fail AOAI-CHK-002.
    if (
      !writingMethod(method) &&
      method !== 'GET' &&
      !(typeof action === 'string' && /^list/i.test(action))
    ) {
      return bad(
        r.address,
        `azapi_resource_action sends ${method} ${JSON.stringify(action ?? '')} to a ${arm}: an action no rule reads; ${howToExempt(r.address)}`,
        { type: r.values.type, method, action },
      );
    }
  }
  return judgeType(m, r, 'azapi type', arm, `${r.type} of ARM type`);
}

/**
 * Closed world (AOAI-CHK-005): every resource and data source of the input is looked up in CLOSED_WORLD_TYPES;
 * every provisioner fails. Module calls in Terraform JSON fail AOAI-CHK-002 (their resources are not shown).
 */
export function closedWorldFindings(m: TfModel): RuleResult[] {
  const results: RuleResult[] = [];
  const push = (x: RuleResult | undefined) => x && results.push(x);
  for (const r of m.resources) {
    for (const p of provisioners(r)) push(judgeType(m, r, 'provisioner', p, `a provisioner on ${r.type}:`));
    if (/^azapi_(resource|update_resource|resource_action)$/.test(r.type)) {
      push(judgeAzapi(m, r));
    } else {
      push(judgeType(m, r, 'resource', r.type, 'resource type'));
    }
  }
  for (const d of m.dataSources) {
    const method = String(d.values.method ?? 'POST').toUpperCase();
    if (d.type === 'azapi_resource_action' && method === 'GET') continue;
    push(judgeType(m, d, 'data source', d.type, 'data source'));
  }
  return results;
}
