import { TfResource, asArray, block, isLiteral } from '../../model';
import { Rule, bad, deferredToPlan, na, ok } from '../../rule';
import { ATTACHED } from '../fail-closed';
import { perAccountEndpoints, publicResolver, requiredZones, unresolvedReference, zoneNames } from './shared';

export const rule: Rule = {
  id: 'AOAI-NET-007',
  constant: 'NET_PRIVATE_DNS',
  summary: 'The DNS zones the kind needs, linked without auto-registration.',
  severity: 'error',
  phase: 'Network Isolation',
  title:
    'The DNS zones the account kind needs are in the zone group and linked to VNets without auto-registration',
  rationale:
    'Kind OpenAI resolves through privatelink.openai.azure.com; AIServices also needs cognitiveservices and services.ai. An unlinked zone resolves publicly.',
  references: { azurePolicy: 'c4bc6f10-cb41-49eb-b000-d5ab82e2a091', mcsb: 'NS-2' },
  failClosed: `${ATTACHED} A kind that is not a literal needs the widest zone set (AIServices); zone IDs from variables are judged on plan JSON; a zone whose every link has a count or for_each expression is not linked for certain; a public DNS server (other than Azure DNS 168.63.129.16) on the endpoint VNet or a linked VNet fails, since only Azure DNS answers from the zones (a private server may forward to it: verified after deploy; a server from a variable is judged on plan JSON).`,
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
};
