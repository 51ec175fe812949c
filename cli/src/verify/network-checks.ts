import { promises as dnsPromises } from 'dns';
import { PRIVATE_DNS_ZONES } from '../core';
import { endpointNetwork, EndpointNetwork, isPrivateAddress, privateBecause } from './addresses';
import { VerifyCheck } from './check';
import { call, describe, errorMessage } from './http';
import { DnsResolver, ServiceError, VerifyContext } from './model';
import { chatBody, chatUrl } from './probes';

/** Node's resolver: CNAMEs from DNS, addresses from getaddrinfo (what fetch connects to). */
export const systemDns: DnsResolver = {
  async resolveCname(name) {
    try {
      return await dnsPromises.resolveCname(name);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENODATA' || code === 'ENOTFOUND') return [];
      throw e;
    }
  },
  async lookup(name) {
    return (await dnsPromises.lookup(name, { all: true })).map((a) => a.address);
  },
};

export { isPrivateAddress } from './addresses';

/** The account's custom-subdomain FQDN from the endpoint. */
function fqdn(ctx: VerifyContext): string {
  return (ctx.config.dnsName ?? new URL(ctx.config.endpoint).hostname).toLowerCase();
}

/**
 * The CNAME chain from the account's FQDN. With a private endpoint, <name>.openai.azure.com is a CNAME to
 * <name>.privatelink.openai.azure.com (docs/field-facts.md §4.5; zone from lib/azure-facts.ts).
 */
async function cnameChain(dns: DnsResolver, name: string): Promise<string[]> {
  const chain = [name];
  for (let hop = 0; hop < 10; hop++) {
    let targets: string[];
    try {
      targets = await dns.resolveCname(chain[chain.length - 1]);
    } catch (e) {
      throw new ServiceError(`DNS lookup of ${chain[chain.length - 1]} failed: ${(e as Error).message}`);
    }
    if (!targets.length) break;
    chain.push(targets[0].toLowerCase().replace(/\.$/, ''));
  }
  return chain;
}

function privatelinkName(host: string): string {
  const [label, ...rest] = host.split('.');
  const zone = rest.join('.');
  const privateZone = Object.values(PRIVATE_DNS_ZONES).find((z) => z === `privatelink.${zone}`);
  return `${label}.${privateZone ?? PRIVATE_DNS_ZONES.OPENAI}`;
}

/**
 * Public-network refusals as the service words them (docs/field-facts.md §4.2): public network access disabled,
 * or network ACLs denying the caller.
 */
const NETWORK_REFUSAL =
  /Public access is disabled|Access denied due to Virtual Network\/Firewall rules|A Virtual Network is configured for this resource/i;

export const NETWORK_CHECKS: readonly VerifyCheck[] = [
  {
    id: 'VERIFY-NET-001',
    checklistItem: 'NI-1',
    family: 'network',
    title: "The account's FQDN resolves through its privatelink CNAME",
    phase: 'probe',
    async run(ctx) {
      const host = fqdn(ctx);
      const expected = privatelinkName(host);
      const chain = await cnameChain(ctx.dns, host);
      return chain.includes(expected)
        ? { status: 'pass', detail: `${chain.join(' -> ')}` }
        : {
            status: 'fail',
            detail: `${chain.join(' -> ')} does not go through ${expected}: no private endpoint DNS for this account`,
          };
    },
  },
  {
    id: 'VERIFY-NET-002',
    checklistItem: 'NI-1',
    family: 'network',
    title: "The account's FQDN resolves to its private endpoint's address or inside the endpoint's VNet",
    phase: 'probe',
    runsFrom: 'vnet',
    vantageReason:
      'only a resolver inside the VNet (or linked to its private DNS zone) answers the private endpoint address; from outside the public address is correct',
    async run(ctx) {
      const host = fqdn(ctx);
      let addresses: string[];
      try {
        addresses = await ctx.dns.lookup(host);
      } catch (e) {
        throw new ServiceError(`DNS lookup of ${host} failed: ${(e as Error).message}`);
      }
      if (!addresses.length) throw new ServiceError(`DNS lookup of ${host} returned no address`);
      let network: EndpointNetwork;
      try {
        network = await endpointNetwork(ctx);
      } catch (e) {
        // Without ARM only RFC 1918 / ULA addresses are private for sure; anything else cannot be judged.
        const why = `the private endpoint could not be read from ARM (${(e as Error).message})`;
        if (addresses.every(isPrivateAddress)) {
          return {
            status: 'pass',
            detail: `${host} resolves to ${addresses.join(', ')} (RFC 1918/ULA; ${why})`,
          };
        }
        if (e instanceof ServiceError) throw e;
        return {
          status: 'inconclusive',
          detail: `${host} resolves to ${addresses.join(', ')}, not RFC 1918/ULA, and ${why}: cannot tell whether it is inside the VNet`,
        };
      }
      const judged = addresses.map((a) => [a, privateBecause(a, network)] as const);
      const outside = judged.filter(([, why]) => !why).map(([a]) => a);
      return outside.length
        ? {
            status: 'fail',
            detail: `${host} resolves to ${outside.join(', ')}, neither the private endpoint's address (${network.nicAddresses.join(', ') || 'none'}) nor inside its VNet (${network.vnetPrefixes.map((p) => p.prefix).join(', ') || 'unknown'}): the private DNS zone is not linked to this network or points elsewhere`,
          }
        : { status: 'pass', detail: judged.map(([a, why]) => `${host} resolves to ${a}, ${why}`).join('; ') };
    },
  },
  {
    id: 'VERIFY-NET-003',
    checklistItem: 'NI-2',
    family: 'network',
    title: 'A call from outside the VNet is refused with the network 403',
    phase: 'probe',
    runsFrom: 'outside',
    vantageReason: 'the refusal can only be observed from a network outside the VNet',
    async run(ctx) {
      const answer = await call(ctx, chatUrl(ctx, ctx.config.deployments[0]), {
        audience: 'cognitive',
        body: chatBody('ping', 'max_completion_tokens', 1),
      });
      if (answer.status === 403 && NETWORK_REFUSAL.test(errorMessage(answer))) {
        return { status: 'pass', detail: describe(answer) };
      }
      return {
        status: 'fail',
        detail: `expected 403 "Public access is disabled" (or the firewall 403), got ${describe(answer)}: the service is reachable from this network`,
      };
    },
  },
];
