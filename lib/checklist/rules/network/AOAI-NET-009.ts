import {
  adoptionFor,
  azapiSecurityRule,
  azapiWritesTo,
  perAccountEndpoints,
  sameSubnet,
  sourceProblem,
  subnetNsg,
} from './shared';
import { TfModel, TfResource, asArray, isLiteral } from '../../model';
import { Rule, RuleResult, bad, ok, resourceGroupName } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-NET-009',
  constant: 'NET_NSG_RULES',
  summary: 'The endpoint NSG admits only named sources on TCP 443 and denies the rest.',
  severity: 'error',
  phase: 'Network Isolation',
  title: 'The endpoint NSG admits only named sources on TCP 443 and denies all other inbound traffic',
  rationale:
    'Without a deny rule, the default AllowVnetInBound (65000) lets every workload in the VNet and peered VNets reach the model.',
  references: { mcsb: 'NS-1' },
  failClosed:
    'Sources must be private IPv4 ranges: service tags, wildcards and public ranges fail; a priority that is not a number counts as first; sources from variables are judged on plan JSON (unknown there: cannot verify); an interpolation that reads no variable, data source or resource is a constant and cannot be verified. A rule is on the endpoint NSG by reference, or by name and resource group (case-insensitive); a deny rule that may be on another NSG (same name, another or unknown resource group) does not count, an allow rule that may be on it is judged. Rules added as azapi securityRules children are judged; an azapi write of the securityRules of the NSG fails.',
  evaluate: (m) =>
    perAccountEndpoints(m, (_a, pes) => {
      const results: RuleResult[] = [];
      for (const pe of pes) {
        // The NSG on the endpoint subnet: associated, or written with the subnet (azapi subnet create).
        const onSubnet = subnetNsg(m, pe.values.subnet_id);
        const nsgAddr =
          onSubnet &&
          m.references(onSubnet.nsgId).find((x) => m.get(x)?.type === 'azurerm_network_security_group');
        const created = nsgAddr ? m.get(nsgAddr)! : undefined;
        // The platform's NSG, adopted: only the rules this configuration adds to it are known (azapi children).
        const adoption = created ? undefined : adoptionFor(m, pe.values.subnet_id);
        if (!created && adoption?.nsgId === undefined) {
          return bad(
            pe.address,
            'no NSG in this configuration on the endpoint subnet',
            onSubnet?.nsgId ?? '(none)',
          );
        }
        const nsgIdRef = created ? `\${${created.address}.id}` : adoption!.nsgId;
        const nsg: { address: string; values: Record<string, any> } = created ?? {
          address: adoption!.address,
          values: {},
        };
        const rules = [
          ...asArray(nsg.values.security_rule).map((r) => ({ address: nsg.address, ...r })),
          ...(created
            ? m.ofType('azurerm_network_security_rule').flatMap((r) => {
                const on = ruleOnNsg(m, r, created);
                return on ? [{ address: r.address, ...r.values, maybe: on === 'maybe' }] : [];
              })
            : []),
          ...m
            .ofType('azapi_resource')
            .filter(
              (r) =>
                /^Microsoft\.Network\/networkSecurityGroups\/securityRules@/i.test(
                  String(r.values.type ?? ''),
                ) && sameSubnet(m, r.values.parent_id, nsgIdRef),
            )
            .map(azapiSecurityRule),
        ].filter((r) => String(r.direction).toLowerCase() === 'inbound');
        // A write of the NSG's securityRules replaces its rule list (ARM PUT semantics of azapi_update_resource):
        // the rules judged here would no longer be the rules Azure applies.
        const rewrite = azapiWritesTo(m, /^Microsoft\.Network\/networkSecurityGroups@/i, (id) =>
          sameSubnet(m, id, nsgIdRef),
        ).find(({ properties }) => !properties || 'securityRules' in properties);
        if (rewrite) {
          return bad(
            rewrite.write.address,
            "an azapi write replaces the endpoint NSG's security rules: the rules judged here are not the rules Azure applies",
            rewrite.properties?.securityRules ?? rewrite.write.values.body,
          );
        }
        const any = (v: unknown, vs: unknown) =>
          ['*', 'any'].includes(String(v ?? '').toLowerCase()) &&
          (vs === undefined || asArray(vs).length === 0);
        const access = (r: Record<string, unknown>) => String(r.access ?? '').toLowerCase();
        // Fail closed: a priority that is not a literal number counts as evaluated first.
        const priority = (r: Record<string, unknown>) =>
          typeof r.priority === 'number'
            ? r.priority
            : Number.isFinite(Number(r.priority))
              ? Number(r.priority)
              : 0;
        const deny = rules
          .filter(
            (r) =>
              // A deny rule counts only when it is on this NSG for certain; an allow rule that may be is judged.
              !(r as { maybe?: boolean }).maybe &&
              access(r) === 'deny' &&
              any(r.source_address_prefix, r.source_address_prefixes) &&
              // A deny narrowed to one destination leaves the rest to AllowVnetInBound (issue 11, class 6).
              any(r.destination_address_prefix, r.destination_address_prefixes) &&
              any(r.destination_port_range, r.destination_port_ranges) &&
              String(r.protocol) === '*',
          )
          .sort((x, y) => priority(x) - priority(y))[0];
        if (!deny || priority(deny) > 4096) {
          return bad(
            nsg.address,
            'no deny-all inbound rule (any source, destination, port and protocol) at priority 4096 or lower',
            rules.map((r) => `${r.name}:${r.access}:${r.priority}`),
          );
        }
        for (const r of rules.filter((x) => access(x) !== 'deny' && priority(x) < priority(deny))) {
          const sources = [r.source_address_prefix, ...asArray(r.source_address_prefixes)].filter(
            (x) => x !== undefined && x !== null,
          );
          const wide = sources.find((x) => sourceProblem(m, x));
          if (wide !== undefined) {
            return bad(r.address, `rule ${r.name} ${sourceProblem(m, wide)}`, wide);
          }
          const ports = [r.destination_port_range, ...asArray(r.destination_port_ranges)]
            .filter((x) => x !== undefined)
            .map(String);
          if (ports.some((x) => x !== '443')) {
            return bad(r.address, `rule ${r.name} allows ports other than 443`, ports);
          }
          if (String(r.protocol).toLowerCase() !== 'tcp') {
            return bad(r.address, `rule ${r.name} allows protocol ${r.protocol}`, r.protocol);
          }
        }
        results.push(ok(nsg.address, `deny-all at ${deny.priority}; allows only named sources on TCP 443`));
      }
      return results[0];
    }),
};

/**
 * Whether an azurerm_network_security_rule is on the NSG: "certain" by reference, or by a literal name and resource
 * group that both match (NSG names are unique per resource group, compared case-insensitively as Azure does);
 * "maybe" when its NSG name or resource group cannot be known from this input; undefined when it names another NSG.
 */
function ruleOnNsg(m: TfModel, r: TfResource, nsg: TfResource): 'certain' | 'maybe' | undefined {
  const name = r.values.network_security_group_name;
  if (m.refersTo(name, nsg)) return 'certain';
  if (m.references(name).length) return undefined;
  if (typeof name !== 'string' || !isLiteral(name)) return 'maybe';
  const nsgName = nsg.values.name;
  if (
    typeof nsgName === 'string' &&
    isLiteral(nsgName) &&
    name.trim().toLowerCase() !== nsgName.trim().toLowerCase()
  ) {
    return undefined;
  }
  const rg = resourceGroupName(m, r.values.resource_group_name);
  const nsgRg = resourceGroupName(m, nsg.values.resource_group_name);
  if (rg && nsgRg) return rg === nsgRg && isLiteral(nsgName) ? 'certain' : rg === nsgRg ? 'maybe' : undefined;
  return 'maybe';
}
