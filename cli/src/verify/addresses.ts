import { COGNITIVE_API_VERSION } from '../core';
import { call, describe } from './http';
import { VerifyContext } from './model';

/**
 * "Private" for NI-1 means what the account's own private endpoint says, read from ARM: the address its NIC holds,
 * or an address inside the address space of the VNet the endpoint sits in. A VNet may use any range (RFC 1918,
 * RFC 6598 shared space, even public prefixes), so the ranges alone cannot say (docs/field-facts.md §7).
 * Paths: account `properties.privateEndpointConnections[].properties.privateEndpoint.id`; private endpoint
 * `properties.networkInterfaces[].id` and `properties.subnet.id`; NIC
 * `properties.ipConfigurations[].properties.privateIPAddress`; VNet `properties.addressSpace.addressPrefixes`
 * (learn.microsoft.com/rest/api/virtualnetwork: private-endpoints/get, network-interfaces/get, virtual-networks/get).
 */
export const NETWORK_API_VERSION = '2024-05-01';

/** IPv4 or IPv6 address as a number and its bit length, or undefined. */
function parseIp(ip: string): { value: bigint; bits: number } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { value: octets.reduce((n, o) => n * 256n + BigInt(o), 0n), bits: 32 };
  }
  if (!/^[0-9a-f:]+$/i.test(ip) || (ip.match(/::/g) ?? []).length > 1) return undefined;
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return { value: groups.reduce((n, g) => n * 65536n + BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

/** Whether `ip` lies in `cidr` (a.b.c.d/n or an IPv6 prefix). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, lengthText] = cidr.split('/');
  const a = parseIp(ip);
  const b = parseIp(base);
  const length = Number(lengthText ?? b?.bits ?? 0);
  if (!a || !b || a.bits !== b.bits || !Number.isInteger(length) || length < 0 || length > a.bits) {
    return false;
  }
  const block = 2n ** BigInt(a.bits - length);
  return a.value / block === b.value / block;
}

/** RFC 1918 and IPv6 unique local (RFC 4193): private by definition, whatever the VNet. */
export function isPrivateAddress(ip: string): boolean {
  return ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'].some((c) => inCidr(ip, c));
}

export interface EndpointNetwork {
  /** Addresses of the private endpoints' NICs. */
  readonly nicAddresses: string[];
  /** Address prefixes of the VNets the private endpoints sit in, with the VNet name. */
  readonly vnetPrefixes: Array<{ vnet: string; prefix: string }>;
}

async function armGet(ctx: VerifyContext, id: string, apiVersion: string): Promise<any> {
  const base = ctx.config.armEndpoint.replace(/\/+$/, '');
  const answer = await call(ctx, `${base}${id}?api-version=${apiVersion}`, { audience: 'arm' });
  if (answer.status !== 200) throw new Error(`GET ${id}: ${describe(answer)}`);
  return answer.json;
}

/** The account's private endpoints, their NIC addresses and their VNets' address spaces, from ARM. */
export async function endpointNetwork(ctx: VerifyContext): Promise<EndpointNetwork> {
  const account = await armGet(ctx, ctx.config.accountId, COGNITIVE_API_VERSION);
  const endpoints: string[] = (account?.properties?.privateEndpointConnections ?? [])
    .map((c: any) => c?.properties?.privateEndpoint?.id)
    .filter((id: unknown) => typeof id === 'string');
  if (!endpoints.length) throw new Error('the account has no private endpoint connection');
  const nicAddresses: string[] = [];
  const vnetPrefixes: EndpointNetwork['vnetPrefixes'] = [];
  for (const id of endpoints) {
    const endpoint = await armGet(ctx, id, NETWORK_API_VERSION);
    for (const nic of endpoint?.properties?.networkInterfaces ?? []) {
      const body = await armGet(ctx, String(nic.id), NETWORK_API_VERSION);
      for (const ipc of body?.properties?.ipConfigurations ?? []) {
        if (ipc?.properties?.privateIPAddress) nicAddresses.push(String(ipc.properties.privateIPAddress));
      }
    }
    const vnetId = /^(.*\/virtualNetworks\/[^/]+)\/subnets\//i.exec(
      String(endpoint?.properties?.subnet?.id ?? ''),
    )?.[1];
    if (vnetId) {
      const vnet = await armGet(ctx, vnetId, NETWORK_API_VERSION);
      for (const prefix of vnet?.properties?.addressSpace?.addressPrefixes ?? []) {
        vnetPrefixes.push({ vnet: vnetId.split('/').pop()!, prefix: String(prefix) });
      }
    }
  }
  return { nicAddresses, vnetPrefixes };
}

/** Why `ip` is private for this account, or undefined when it is not. */
export function privateBecause(ip: string, network: EndpointNetwork): string | undefined {
  if (network.nicAddresses.includes(ip)) return "the private endpoint NIC's address";
  const inVnet = network.vnetPrefixes.find((p) => inCidr(ip, p.prefix));
  return inVnet ? `inside VNet ${inVnet.vnet} (${inVnet.prefix})` : undefined;
}
