import { PRIVATE_DNS_ZONES } from '../../../azure-facts';
import { NETWORK_ADOPTION_KIND } from '../../../record-format';
import { TfModel, TfResource, asArray, isLiteral } from '../../model';
import {
  AccountView,
  RuleResult,
  azapiWrites,
  bad,
  deferredToPlan,
  perAccount,
  pointsAt,
  writingMethod,
} from '../../rule';

/**
 * A private endpoint written as azapi Microsoft.Network/privateEndpoints, in azurerm_private_endpoint's shape:
 * subnet.id and the (manual) private link service connections' privateLinkServiceId and groupIds (REST spec
 * Microsoft.Network privateEndpoint.json). Its DNS zone group is a separate child resource this shape leaves out.
 */
export function azapiEndpoint(r: TfResource): TfResource {
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
export function endpointsOf(model: TfModel, a: AccountView): TfResource[] {
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
export function zoneNames(model: TfModel, value: unknown): string[] {
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
export function unresolvedReference(model: TfModel, value: unknown): boolean {
  return typeof value === 'string' && value.includes('${') && model.references(value).length === 0;
}

/** Azure-provided DNS: the only server that answers from the private DNS zones linked to a VNet. */
export const AZURE_DNS = '168.63.129.16';

/**
 * A DNS server of the endpoint's VNet, or of a VNet the zones are linked to, that cannot answer from those zones: a
 * public address other than Azure DNS. Private DNS zones resolve through Azure-provided DNS (168.63.129.16) only;
 * a VNet with custom DNS servers resolves them only if those servers forward to it (Microsoft Learn, "Azure Private
 * Endpoint DNS integration", virtual network workloads: "Azure DNS is responsible for DNS resolution of the private
 * DNS zones"; docs/azure-facts.md §5.2). A private address may be such a forwarder (verified after deploy, NI-1); a public
 * resolver (8.8.8.8) is not, and answers the account's public address. Servers from azurerm_virtual_network
 * dns_servers and azurerm_virtual_network_dns_servers (azurerm 4.55 docs); an expression is judged on the plan.
 */
export function publicResolver(
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
export function requiredZones(a: AccountView): string[] {
  return a.kind === 'AIServices' || !a.kindKnown
    ? [PRIVATE_DNS_ZONES.OPENAI, PRIVATE_DNS_ZONES.COGNITIVE_SERVICES, PRIVATE_DNS_ZONES.AI_SERVICES]
    : [PRIVATE_DNS_ZONES.OPENAI];
}

/** The subnet resource a subnet_id value points to, if it is in the configuration. */
export function subnetOf(model: TfModel, subnetId: unknown): TfResource | undefined {
  const addr = model
    .references(subnetId)
    .find((x) => x.startsWith('azurerm_subnet.') || x.includes('.azurerm_subnet.'));
  return addr ? model.get(addr) : undefined;
}

/**
 * The azapi_resource that creates the subnet `subnetId` refers to (Microsoft.Network/virtualNetworks/subnets): how
 * PrivateNetworking writes a new VNet's subnets, each with its NSG in the same PUT.
 */
export function createdSubnetOf(model: TfModel, subnetId: unknown): TfResource | undefined {
  return model
    .references(subnetId)
    .map((a) => model.get(a))
    .find((r) => r?.type === 'azapi_resource' && SUBNET_TYPE.test(String(r.values.type ?? '')));
}

/** The properties of an azapi resource's body, or undefined when they cannot be read. */
export function bodyProperties(r: TfResource | undefined): Record<string, any> | undefined {
  const body = r?.values.body;
  const p = body && typeof body === 'object' ? body.properties : undefined;
  return p && typeof p === 'object' && !Array.isArray(p) ? p : undefined;
}

/**
 * The NSG on a subnet as this configuration writes it: an azurerm association, or the networkSecurityGroup of the
 * azapi write that creates the subnet. `via` is the resource that puts it there.
 */
export function subnetNsg(
  model: TfModel,
  subnetId: unknown,
): { via: TfResource; nsgId: unknown } | undefined {
  const association = model
    .ofType('azurerm_subnet_network_security_group_association')
    .find((s) => sameSubnet(model, s.values.subnet_id, subnetId));
  if (association) return { via: association, nsgId: association.values.network_security_group_id };
  const created = createdSubnetOf(model, subnetId);
  const nsgId = bodyProperties(created)?.networkSecurityGroup?.id;
  return created && nsgId !== undefined && nsgId !== null ? { via: created, nsgId } : undefined;
}

export function sameSubnet(model: TfModel, a: unknown, b: unknown): boolean {
  const ra = model.references(a);
  const rb = model.references(b);
  if (ra.length && rb.length) return ra.some((x) => rb.includes(x));
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

/** Run a check per account with its private endpoints; an account without one fails. */
export function perAccountEndpoints(
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
export const PRIVATE_RANGES: Array<[number, number]> = [
  [ipv4('10.0.0.0'), 8],
  [ipv4('172.16.0.0'), 12],
  [ipv4('192.168.0.0'), 16],
  [ipv4('100.64.0.0'), 10],
];

export function ipv4(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Why an NSG source is too wide or cannot be verified, or undefined when it is a private range. */
export function sourceProblem(m: TfModel, source: unknown): string | undefined {
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
export function azapiWritesTo(
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
 * privateEndpoint.json; docs/azure-facts.md §5.1, one group per endpoint). Another write of that child replaces or deletes
 * what the endpoint declares, so the group judged here would not be the one Azure keeps. A target that names no
 * resource of this input and is not a literal may be one of them (fail closed).
 */
export function zoneGroupWrites(m: TfModel, pes: TfResource[]): TfResource[] {
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

/**
 * What the configuration declares the platform provides on an endpoint subnet (PrivateNetworking with
 * existingNetwork.networkSecurityGroupId or subnetNetworkPoliciesManagedBy): the NSG already on the subnet, whose
 * rules this configuration adds, and who sets its network policies. A declaration names its owner; it proves
 * nothing about rules it does not show, so the NSG's rules written here are still judged (AOAI-NET-009).
 */
export function adoptionFor(
  m: TfModel,
  subnetId: unknown,
): { address: string; nsgId?: unknown; policiesBy?: string } | undefined {
  const d = m
    .ofType('terraform_data')
    .find(
      (r) =>
        r.values.input?.kind === NETWORK_ADOPTION_KIND &&
        sameSubnet(m, r.values.input.endpoint_subnet_id, subnetId),
    );
  if (!d) return undefined;
  const by = d.values.input.subnet_policies_managed_by;
  return {
    address: d.address,
    nsgId: d.values.input.network_security_group_id ?? undefined,
    policiesBy: typeof by === 'string' && by.trim().length >= 10 ? by.trim() : undefined,
  };
}

export const ENDPOINT_POLICIES = ['Enabled', 'NetworkSecurityGroupEnabled'];
export const SUBNET_TYPE = /^Microsoft\.Network\/virtualNetworks\/subnets@/i;

/**
 * An azapi Microsoft.Network/networkSecurityGroups/securityRules child, in azurerm_network_security_rule's shape
 * (ARM property names: REST spec Microsoft.Network networkSecurityGroup.json, SecurityRulePropertiesFormat).
 */
export function azapiSecurityRule(r: TfResource): Record<string, unknown> {
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
