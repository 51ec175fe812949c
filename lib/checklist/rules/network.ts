import { PRIVATE_DNS_ZONES, PRIVATE_LINK_SUBRESOURCE } from '../../azure-facts';
import { TfModel, TfResource, asArray, block, isLiteral } from '../model';
import {
  AccountView,
  Rule,
  RuleResult,
  azapiWrites,
  bad,
  badSetting,
  deferredToPlan,
  na,
  ok,
  perAccount,
  pointsAt,
  writingMethod,
} from '../rule';

const phase = 'Network Isolation' as const;

/**
 * A private endpoint written as azapi Microsoft.Network/privateEndpoints, in azurerm_private_endpoint's shape:
 * subnet.id and the (manual) private link service connections' privateLinkServiceId and groupIds (REST spec
 * Microsoft.Network privateEndpoint.json). Its DNS zone group is a separate child resource this shape leaves out.
 */
function azapiEndpoint(r: TfResource): TfResource {
  const p = r.values.body && typeof r.values.body === 'object' ? (r.values.body.properties ?? {}) : {};
  const connections = (list: unknown, manual: boolean) =>
    asArray(list).map((c) => ({
      private_connection_resource_id: c?.properties?.privateLinkServiceId,
      subresource_names: c?.properties?.groupIds,
      is_manual_connection: manual,
    }));
  return {
    ...r,
    values: {
      ...r.values,
      subnet_id: p.subnet?.id,
      private_service_connection: [
        ...connections(p.privateLinkServiceConnections, false),
        ...connections(p.manualPrivateLinkServiceConnections, true),
      ],
    },
  };
}

/** Private endpoints whose service connection targets the account (azurerm, or azapi). */
function endpointsOf(model: TfModel, a: AccountView): TfResource[] {
  return [
    ...model.ofType('azurerm_private_endpoint'),
    ...model
      .ofType('azapi_resource')
      .filter((r) => /^Microsoft\.Network\/privateEndpoints@/i.test(String(r.values.type ?? '')))
      .map(azapiEndpoint),
  ].filter((pe) =>
    asArray(pe.values.private_service_connection).some((c) =>
      pointsAt(model, c?.private_connection_resource_id, a),
    ),
  );
}

/** Zone names a zone-ID value stands for: a referenced azurerm_private_dns_zone's name, or a literal ID's last segment. */
function zoneNames(model: TfModel, value: unknown): string[] {
  const names: string[] = [];
  for (const v of asArray(value)) {
    const refs = model
      .references(v)
      .map((a) => model.get(a)!)
      .filter((r) => r.type === 'azurerm_private_dns_zone');
    if (refs.length) {
      refs.forEach((z) => names.push(String(z.values.name).toLowerCase()));
    } else if (typeof v === 'string' && /\/privateDnsZones\/[^/]+$/i.test(v)) {
      names.push(v.split('/').pop()!.toLowerCase());
    }
  }
  return names;
}

/** An interpolation that names no resource of this configuration (a data source, variable or local). */
function unresolvedReference(model: TfModel, value: unknown): boolean {
  return typeof value === 'string' && value.includes('${') && model.references(value).length === 0;
}

/** Azure-provided DNS: the only server that answers from the private DNS zones linked to a VNet. */
const AZURE_DNS = '168.63.129.16';

/**
 * A DNS server of the endpoint's VNet, or of a VNet the zones are linked to, that cannot answer from those zones: a
 * public address other than Azure DNS. Private DNS zones resolve through Azure-provided DNS (168.63.129.16) only;
 * a VNet with custom DNS servers resolves them only if those servers forward to it (Microsoft Learn, "Azure Private
 * Endpoint DNS integration", virtual network workloads: "Azure DNS is responsible for DNS resolution of the private
 * DNS zones"; azure-facts.md §5.2). A private address may be such a forwarder (verified after deploy, NI-1); a public
 * resolver (8.8.8.8) is not, and answers the account's public address. Servers from azurerm_virtual_network
 * dns_servers and azurerm_virtual_network_dns_servers (azurerm 4.55 docs); an expression is judged on the plan.
 */
function publicResolver(
  m: TfModel,
  pes: TfResource[],
  linked: string[],
): { address: string; message: string; value: unknown } | undefined {
  const vnets = new Set(linked);
  for (const pe of pes) {
    const subnet = subnetOf(m, pe.values.subnet_id);
    m.references(subnet?.values.virtual_network_name).forEach((x) => vnets.add(x));
  }
  for (const address of vnets) {
    const vnet = m.get(address);
    if (!vnet || vnet.type !== 'azurerm_virtual_network') continue;
    const settings = [
      vnet,
      ...m
        .ofType('azurerm_virtual_network_dns_servers')
        .filter((d) => m.refersTo(d.values.virtual_network_id, vnet)),
    ];
    for (const r of settings) {
      for (const server of asArray(r.values.dns_servers)) {
        if (!isLiteral(server)) {
          if (deferredToPlan(m, server)) continue;
          return {
            address: r.address,
            message: `cannot verify the DNS servers of ${vnet.address} resolve the privatelink zones: a server is not known from this input`,
            value: server,
          };
        }
        const ip = String(server).trim();
        if (ip !== AZURE_DNS && sourceProblem(m, ip) !== undefined) {
          return {
            address: r.address,
            message: `${vnet.address} resolves through DNS server ${ip}, which cannot answer from the linked privatelink zones (only Azure DNS ${AZURE_DNS}, or a private forwarder to it, does): clients get the account's public address`,
            value: r.values.dns_servers,
          };
        }
      }
    }
  }
  return undefined;
}

/** Zones the kind needs; a declared account whose kind is not a literal needs the widest set (AIServices). */
function requiredZones(a: AccountView): string[] {
  return a.kind === 'AIServices' || !a.kindKnown
    ? [PRIVATE_DNS_ZONES.OPENAI, PRIVATE_DNS_ZONES.COGNITIVE_SERVICES, PRIVATE_DNS_ZONES.AI_SERVICES]
    : [PRIVATE_DNS_ZONES.OPENAI];
}

/** The subnet resource a subnet_id value points to, if it is in the configuration. */
function subnetOf(model: TfModel, subnetId: unknown): TfResource | undefined {
  const addr = model
    .references(subnetId)
    .find((x) => x.startsWith('azurerm_subnet.') || x.includes('.azurerm_subnet.'));
  return addr ? model.get(addr) : undefined;
}

function sameSubnet(model: TfModel, a: unknown, b: unknown): boolean {
  const ra = model.references(a);
  const rb = model.references(b);
  if (ra.length && rb.length) return ra.some((x) => rb.includes(x));
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

/** Run a check per account with its private endpoints; an account without one fails. */
function perAccountEndpoints(
  m: TfModel,
  check: (a: AccountView, endpoints: TfResource[]) => RuleResult,
): RuleResult[] {
  return perAccount(m, (a) => {
    const endpoints = endpointsOf(m, a);
    return endpoints.length === 0
      ? bad(a.resource.address, 'no azurerm_private_endpoint connects to this account', '(none)')
      : check(a, endpoints);
  });
}

/**
 * Private address space an endpoint NSG may admit: RFC 1918 and the RFC 6598 shared space.
 * A service tag (VirtualNetwork covers peered VNets and on-premises; Internet everything) or a range outside
 * these (0.0.0.0/1) is refused. Source: learn.microsoft.com/azure/virtual-network/service-tags-overview.
 */
const PRIVATE_RANGES: Array<[number, number]> = [
  [ipv4('10.0.0.0'), 8],
  [ipv4('172.16.0.0'), 12],
  [ipv4('192.168.0.0'), 16],
  [ipv4('100.64.0.0'), 10],
];

function ipv4(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Why an NSG source is too wide or cannot be verified, or undefined when it is a private range. */
function sourceProblem(m: TfModel, source: unknown): string | undefined {
  if (typeof source === 'string' && !isLiteral(source)) {
    // A reference to a subnet of this configuration is judged by that subnet's literal prefixes. Any other
    // expression (a variable) is known only at plan: the construct guards it with a plan-time condition, and the
    // checklist judges the value itself on plan JSON, where it is a literal.
    const subnet = m
      .references(source)
      .map((a) => m.get(a)!)
      .find((r) => r.type === 'azurerm_subnet');
    const prefixes = asArray(subnet?.values.address_prefixes);
    if (subnet && prefixes.length && isLiteral(prefixes)) {
      return prefixes.map((x) => sourceProblem(m, x)).find((x) => x !== undefined);
    }
    return deferredToPlan(m, source)
      ? undefined
      : 'has a source that is not known from this input: cannot verify it is a private range';
  }
  const text = String(source).trim();
  const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(text);
  if (!cidr) {
    return `allows source ${text}: only private IPv4 ranges are admitted (no service tags or wildcards)`;
  }
  const base = ipv4(cidr[1]);
  const bits = cidr[2] === undefined ? 32 : Number(cidr[2]);
  const inside = PRIVATE_RANGES.some(
    ([net, netBits]) =>
      bits >= netBits && Math.floor(base / 2 ** (32 - netBits)) === Math.floor(net / 2 ** (32 - netBits)),
  );
  return inside ? undefined : `allows source ${text}, outside private address space`;
}

/**
 * azapi writes to an existing resource of the given type (azapiWrites) whose resource_id names `target`, each with its body's properties (undefined when the body cannot be read).
 */
function azapiWritesTo(
  m: TfModel,
  type: RegExp,
  names: (resourceId: unknown) => boolean,
): Array<{ write: TfResource; properties?: Record<string, any> }> {
  return azapiWrites(m, type)
    .filter((u) => names(u.values.resource_id))
    .map((u) => {
      const body = u.values.body;
      const p = body && typeof body === 'object' ? body.properties : undefined;
      return { write: u, properties: p && typeof p === 'object' && !Array.isArray(p) ? p : undefined };
    });
}

/**
 * azapi resources and writes of a DNS zone group of one of the endpoints (Microsoft.Network/privateEndpoints/
 * privateDnsZoneGroups, the child resource azurerm's private_dns_zone_group block writes: REST spec Microsoft.Network
 * privateEndpoint.json; azure-facts.md §5.1, one group per endpoint). Another write of that child replaces or deletes
 * what the endpoint declares, so the group judged here would not be the one Azure keeps. A target that names no
 * resource of this input and is not a literal may be one of them (fail closed).
 */
function zoneGroupWrites(m: TfModel, pes: TfResource[]): TfResource[] {
  return m
    .ofType('azapi_resource', 'azapi_update_resource', 'azapi_resource_action')
    .filter(
      (r) =>
        /^Microsoft\.Network\/privateEndpoints\/privateDnsZoneGroups@/i.test(String(r.values.type ?? '')) &&
        (r.type !== 'azapi_resource_action' || writingMethod(r.values.method)),
    )
    .filter((r) => {
      const target = r.values.resource_id ?? r.values.parent_id;
      const endpoint =
        typeof target === 'string' ? target.replace(/\/privateDnsZoneGroups\/[^/]*\/?$/i, '') : target;
      if (!isLiteral(endpoint) && m.references(endpoint).length === 0) return true;
      return pes.some(
        (pe) =>
          m.refersTo(endpoint, pe) ||
          (typeof endpoint === 'string' &&
            typeof pe.values.id === 'string' &&
            isLiteral(endpoint) &&
            endpoint.trim().toLowerCase() === pe.values.id.toLowerCase()),
      );
    });
}

const ENDPOINT_POLICIES = ['Enabled', 'NetworkSecurityGroupEnabled'];
const SUBNET_TYPE = /^Microsoft\.Network\/virtualNetworks\/subnets@/i;

/**
 * An azapi Microsoft.Network/networkSecurityGroups/securityRules child, in azurerm_network_security_rule's shape
 * (ARM property names: REST spec Microsoft.Network networkSecurityGroup.json, SecurityRulePropertiesFormat).
 */
function azapiSecurityRule(r: TfResource): Record<string, unknown> {
  const p = r.values.body && typeof r.values.body === 'object' ? (r.values.body.properties ?? {}) : {};
  return {
    address: r.address,
    name: r.values.name,
    access: p.access,
    direction: p.direction,
    priority: p.priority,
    protocol: p.protocol,
    source_address_prefix: p.sourceAddressPrefix,
    source_address_prefixes: p.sourceAddressPrefixes,
    destination_address_prefix: p.destinationAddressPrefix,
    destination_address_prefixes: p.destinationAddressPrefixes,
    destination_port_range: p.destinationPortRange,
    destination_port_ranges: p.destinationPortRanges,
  };
}

export const NETWORK_RULES: Rule[] = [
  {
    id: 'AOAI-NET-001',
    severity: 'error',
    phase,
    title: 'Public network access is disabled on the account',
    rationale:
      'A private endpoint does not close the public endpoint; only publicNetworkAccess = Disabled does.',
    references: {
      checkov: 'CKV_AZURE_134',
      azurePolicy: '47ba1dd7-28d9-4b07-a8d5-9813bed64e0c',
      mcsb: 'NS-2',
    },
    evaluate: (m) =>
      perAccount(m, (a) =>
        a.publicAccess.ok
          ? ok(a.resource.address, 'public network access disabled')
          : badSetting(a.publicAccess, 'public network access is enabled'),
      ),
  },
  {
    id: 'AOAI-NET-002',
    severity: 'error',
    phase,
    title: 'The network ACL denies by default, with no IP or VNet rules',
    rationale:
      'Network rules have no effect unless the default action is Deny; IP and VNet rules reopen paths around the private endpoint.',
    references: { azurePolicy: '037eea7a-bd0a-46c5-9a66-03aea78705d3', mcsb: 'NS-2' },
    evaluate: (m) =>
      perAccount(m, (a) => {
        if (!a.aclDefault.ok) return badSetting(a.aclDefault, 'network ACL default action is not Deny');
        if (!a.aclRules.ok) return badSetting(a.aclRules, 'network ACL has IP or VNet rules');
        return ok(a.resource.address, 'default Deny, no rules');
      }),
  },
  {
    id: 'AOAI-NET-003',
    severity: 'error',
    phase,
    title: 'Trusted-service bypass is explicitly None',
    rationale:
      'Omitted, Azure applies AzureServices (and azurerm shows a perpetual diff); None keeps the private endpoint the only path.',
    references: { mcsb: 'NS-2' },
    evaluate: (m) =>
      perAccount(m, (a) =>
        a.aclBypass.ok
          ? ok(a.resource.address, 'bypass None')
          : badSetting(a.aclBypass, 'network ACL bypass is not None'),
      ),
  },
  {
    id: 'AOAI-NET-004',
    severity: 'error',
    phase,
    title: 'Outbound network access is restricted to an allowlist',
    rationale:
      'Restricting outbound calls stops the service from being used to exfiltrate data to arbitrary endpoints.',
    references: { checkov: 'CKV_AZURE_247' },
    evaluate: (m) =>
      perAccount(m, (a) =>
        a.outbound.ok
          ? ok(a.resource.address, 'outbound restricted')
          : badSetting(a.outbound, 'outbound network access is not restricted'),
      ),
  },
  {
    id: 'AOAI-NET-005',
    severity: 'error',
    phase,
    title: 'The account has a custom subdomain',
    rationale:
      'Entra ID tokens and private endpoints require a custom subdomain; without it clients fall back to keys and regional endpoints.',
    references: { mcsb: 'IM-1' },
    evaluate: (m) =>
      perAccount(m, (a) => {
        if (!a.declared) {
          // An account managed elsewhere keeps the subdomain it was created with; endpoints and DNS name it.
          return ok(a.resource.address, 'account managed elsewhere: its subdomain is fixed at creation');
        }
        return typeof a.subdomain === 'string' && a.subdomain.trim() !== '' && !a.subdomain.includes('${')
          ? ok(a.resource.address, `subdomain ${a.subdomain}`)
          : typeof a.subdomain === 'string' && a.subdomain.includes('${')
            ? ok(a.resource.address, `subdomain set by ${a.subdomain}`)
            : bad(a.resource.address, 'no custom subdomain', a.subdomain ?? '(unset)');
      }),
  },
  {
    id: 'AOAI-NET-006',
    severity: 'error',
    phase,
    title: 'A private endpoint targets the account sub-resource, auto-approved, with a DNS zone group',
    rationale:
      'The endpoint places the service in the VNet; the zone group lets Azure manage the A records instead of hand-written IPs that go stale.',
    references: { azurePolicy: 'd6759c02-b87f-42b7-892e-71b3f471d782', mcsb: 'NS-2' },
    evaluate: (m) =>
      perAccountEndpoints(m, (a, pes) => {
        // Approving a connection on the account admits an endpoint this configuration does not hold: its subnet
        // and NSG are never judged (REST spec Microsoft.CognitiveServices privateEndpointConnections:
        // properties.privateLinkServiceConnectionState.status Pending | Approved | Rejected).
        const approval = m
          .ofType('azapi_resource', 'azapi_update_resource', 'azapi_resource_action')
          .filter(
            (r) =>
              /^Microsoft\.CognitiveServices\/accounts\/privateEndpointConnections@/i.test(
                String(r.values.type ?? ''),
              ) &&
              (pointsAt(m, r.values.parent_id, a) ||
                pointsAt(
                  m,
                  String(r.values.resource_id ?? '').replace(/\/privateEndpointConnections\/.*$/i, ''),
                  a,
                )),
          )
          .find((r) => r.values.body?.properties?.privateLinkServiceConnectionState?.status !== 'Rejected');
        if (approval) {
          return bad(
            approval.address,
            'approves a private endpoint connection made outside this configuration: that endpoint, its subnet and NSG are not judged',
            approval.values.body?.properties?.privateLinkServiceConnectionState ??
              approval.values.body ??
              '(no body)',
          );
        }
        const groupWrite = zoneGroupWrites(m, pes)[0];
        if (groupWrite) {
          return bad(
            groupWrite.address,
            "an azapi write replaces or deletes the endpoint's DNS zone group: the group judged here is not the one Azure keeps",
            groupWrite.values.body ?? `(${String(groupWrite.values.method ?? 'no body')})`,
          );
        }
        for (const pe of pes) {
          if (pe.type === 'azapi_resource') {
            return bad(
              pe.address,
              'a private endpoint to the account written through azapi: its DNS zone group, subnet policies and NSG cannot be judged here; use azurerm_private_endpoint',
              pe.values.type,
            );
          }
          const psc = block(pe.values.private_service_connection) ?? {};
          if (JSON.stringify(asArray(psc.subresource_names)) !== JSON.stringify([PRIVATE_LINK_SUBRESOURCE])) {
            return bad(pe.address, 'subresource_names must be ["account"]', psc.subresource_names);
          }
          if (psc.is_manual_connection !== false) {
            return bad(
              pe.address,
              'is_manual_connection must be false (auto-approved in the same tenant)',
              psc.is_manual_connection,
            );
          }
          const group = block(pe.values.private_dns_zone_group);
          if (!group || asArray(group.private_dns_zone_ids).length === 0) {
            return bad(
              pe.address,
              'no private_dns_zone_group: DNS records would have to be hand-written',
              pe.values.private_dns_zone_group ?? '(unset)',
            );
          }
        }
        const literalRecords = m
          .ofType('azurerm_private_dns_a_record')
          .filter(
            (r) =>
              String(r.values.zone_name ?? '').startsWith('privatelink.') &&
              asArray(r.values.records).some((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(String(ip))),
          );
        if (literalRecords.length) {
          return bad(
            literalRecords[0].address,
            'hand-written A record with a literal IP in a privatelink zone; use the endpoint DNS zone group',
            literalRecords[0].values.records,
          );
        }
        return ok(pes[0].address, 'private endpoint with account sub-resource and DNS zone group');
      }),
  },
  {
    id: 'AOAI-NET-007',
    severity: 'error',
    phase,
    title:
      'The DNS zones the account kind needs are in the zone group and linked to VNets without auto-registration',
    rationale:
      'Kind OpenAI resolves through privatelink.openai.azure.com; AIServices also needs cognitiveservices and services.ai. An unlinked zone resolves publicly.',
    references: { azurePolicy: 'c4bc6f10-cb41-49eb-b000-d5ab82e2a091', mcsb: 'NS-2' },
    evaluate: (m) =>
      perAccountEndpoints(m, (a, pes) => {
        const names = pes.flatMap((pe) =>
          zoneNames(m, block(pe.values.private_dns_zone_group)?.private_dns_zone_ids),
        );
        const missing = requiredZones(a).filter((z) => !names.includes(z));
        const zoneIds = pes.flatMap((pe) =>
          asArray(block(pe.values.private_dns_zone_group)?.private_dns_zone_ids),
        );
        if (missing.length && zoneIds.some((id) => unresolvedReference(m, id) && deferredToPlan(m, id))) {
          // Zone IDs from a data source or variable (central DNS) are known only at plan: judge the plan JSON.
          return na(
            'zone IDs are references resolved only at plan; run the checklist on plan JSON to verify them',
          );
        }
        if (missing.length) {
          return bad(
            pes[0].address,
            `zone group lacks ${missing.join(', ')} for kind ${a.kind ?? 'OpenAI'}`,
            names,
          );
        }
        const linkedVnets: string[] = [];
        for (const zone of m
          .ofType('azurerm_private_dns_zone')
          .filter((z) => names.includes(String(z.values.name).toLowerCase()))) {
          const links = m
            .ofType('azurerm_private_dns_zone_virtual_network_link')
            .filter(
              (l) =>
                m.refersTo(l.values.private_dns_zone_name, zone) ||
                l.values.private_dns_zone_name === zone.values.name,
            );
          if (links.length === 0) {
            return bad(zone.address, 'zone is not linked to any VNet', zone.values.name);
          }
          // A link whose count or for_each is an expression may not be created (count 0, for_each empty):
          // at least one link must exist for certain (plans resolve count and for_each).
          const conditional = (l: TfResource) =>
            ['count', 'for_each'].some((k) => l.values[k] !== undefined && !isLiteral(l.values[k]));
          if (links.every(conditional)) {
            return bad(
              links[0].address,
              'cannot verify the zone is linked: every link to it has a count or for_each that is an expression (check the plan JSON)',
              links.map((l) => l.values.count ?? l.values.for_each),
            );
          }
          links.forEach((l) => linkedVnets.push(...m.references(l.values.virtual_network_id)));
          const registering = links.find((l) => l.values.registration_enabled === true);
          if (registering) {
            return bad(registering.address, 'registration_enabled must be false on privatelink zones', true);
          }
        }
        const resolver = publicResolver(m, pes, linkedVnets);
        if (resolver) return bad(resolver.address, resolver.message, resolver.value);
        return ok(pes[0].address, `zones ${names.join(', ')} linked`);
      }),
  },
  {
    id: 'AOAI-NET-008',
    severity: 'error',
    phase,
    title: 'The endpoint subnet has network policies enabled and an NSG',
    rationale:
      'NSG rules are silently ignored for private endpoint traffic unless private_endpoint_network_policies is Enabled.',
    references: { mcsb: 'NS-1' },
    evaluate: (m) =>
      perAccountEndpoints(m, (_a, pes) => {
        for (const pe of pes) {
          const subnetId = pe.values.subnet_id;
          const subnet = subnetOf(m, subnetId);
          const policy = subnet?.values.private_endpoint_network_policies;
          const writes = azapiWritesTo(m, SUBNET_TYPE, (id) => sameSubnet(m, id, subnetId));
          // Every azapi write to the endpoint subnet counts: one that turns the policies off, moves the subnet to
          // another NSG, or cannot be read undoes what the subnet declares.
          for (const { write, properties } of writes) {
            if (!properties) {
              return bad(
                write.address,
                'cannot verify an azapi write to the endpoint subnet: its body cannot be read',
                write.values.body,
              );
            }
            const pol = properties.privateEndpointNetworkPolicies;
            if (pol !== undefined && !ENDPOINT_POLICIES.includes(pol)) {
              return bad(
                write.address,
                `an azapi write sets privateEndpointNetworkPolicies ${JSON.stringify(pol)} on the endpoint subnet: the NSG does not apply`,
                pol,
              );
            }
            if ('networkSecurityGroup' in properties) {
              const association = m
                .ofType('azurerm_subnet_network_security_group_association')
                .find((x) => sameSubnet(m, x.values.subnet_id, subnetId));
              const nsgId = properties.networkSecurityGroup?.id;
              if (!association || !sameSubnet(m, nsgId, association.values.network_security_group_id)) {
                return bad(
                  write.address,
                  'an azapi write moves the endpoint subnet to another network security group',
                  nsgId ?? null,
                );
              }
            }
          }
          const patched = writes.some(({ properties }) =>
            ENDPOINT_POLICIES.includes(properties?.privateEndpointNetworkPolicies),
          );
          if (!patched && !['Enabled', 'NetworkSecurityGroupEnabled'].includes(policy)) {
            return bad(
              subnet?.address ?? pe.address,
              'private_endpoint_network_policies is not Enabled on the endpoint subnet: the NSG does not apply',
              policy ?? (subnet ? '(unset: Disabled)' : `(subnet ${String(subnetId)} not managed here)`),
            );
          }
          const association = m
            .ofType('azurerm_subnet_network_security_group_association')
            .find((s) => sameSubnet(m, s.values.subnet_id, subnetId));
          if (!association) return bad(pe.address, 'no NSG associated with the endpoint subnet', subnetId);
        }
        return ok(pes[0].address, 'network policies enabled, NSG associated');
      }),
  },
  {
    id: 'AOAI-NET-009',
    severity: 'error',
    phase,
    title: 'The endpoint NSG admits only named sources on TCP 443 and denies all other inbound traffic',
    rationale:
      'Without a deny rule, the default AllowVnetInBound (65000) lets every workload in the VNet and peered VNets reach the model.',
    references: { mcsb: 'NS-1' },
    evaluate: (m) =>
      perAccountEndpoints(m, (_a, pes) => {
        const results: RuleResult[] = [];
        for (const pe of pes) {
          const association = m
            .ofType('azurerm_subnet_network_security_group_association')
            .find((s) => sameSubnet(m, s.values.subnet_id, pe.values.subnet_id));
          const nsgAddr =
            association &&
            m
              .references(association.values.network_security_group_id)
              .find((x) => m.get(x)?.type === 'azurerm_network_security_group');
          const nsg = nsgAddr ? m.get(nsgAddr)! : undefined;
          if (!nsg) {
            return bad(
              pe.address,
              'no NSG in this configuration on the endpoint subnet',
              association?.values.network_security_group_id ?? '(none)',
            );
          }
          const rules = [
            ...asArray(nsg.values.security_rule).map((r) => ({ address: nsg.address, ...r })),
            ...m
              .ofType('azurerm_network_security_rule')
              .filter(
                (r) =>
                  m.refersTo(r.values.network_security_group_name, nsg) ||
                  r.values.network_security_group_name === nsg.values.name,
              )
              .map((r) => ({ address: r.address, ...r.values })),
            ...m
              .ofType('azapi_resource')
              .filter(
                (r) =>
                  /^Microsoft\.Network\/networkSecurityGroups\/securityRules@/i.test(
                    String(r.values.type ?? ''),
                  ) && sameSubnet(m, r.values.parent_id, `\${${nsg.address}.id}`),
              )
              .map(azapiSecurityRule),
          ].filter((r) => String(r.direction).toLowerCase() === 'inbound');
          // A write of the NSG's securityRules replaces its rule list (ARM PUT semantics of azapi_update_resource):
          // the rules judged here would no longer be the rules Azure applies.
          const rewrite = azapiWritesTo(m, /^Microsoft\.Network\/networkSecurityGroups@/i, (id) =>
            sameSubnet(m, id, `\${${nsg.address}.id}`),
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
  },
];
