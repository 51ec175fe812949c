import { PRIVATE_LINK_SUBRESOURCE } from '../../../azure-facts';
import { asArray, block } from '../../model';
import { Rule, bad, ok, pointsAt } from '../../rule';
import { ATTACHED } from '../fail-closed';
import { perAccountEndpoints, zoneGroupWrites } from './shared';

export const rule: Rule = {
  id: 'AOAI-NET-006',
  constant: 'NET_PRIVATE_ENDPOINT',
  summary: 'A private endpoint with the account sub-resource and a DNS zone group.',
  severity: 'error',
  phase: 'Network Isolation',
  title: 'A private endpoint targets the account sub-resource, auto-approved, with a DNS zone group',
  rationale:
    'The endpoint places the service in the VNet; the zone group lets Azure manage the A records instead of hand-written IPs that go stale.',
  references: { azurePolicy: 'd6759c02-b87f-42b7-892e-71b3f471d782', mcsb: 'NS-2' },
  failClosed: `${ATTACHED} An endpoint written through azapi (Microsoft.Network/privateEndpoints) cannot be judged and fails; so does an azapi write that approves a private endpoint connection on the account, and an azapi resource or write (update, PUT/PATCH/DELETE action) of the endpoint's DNS zone group (privateDnsZoneGroups), which replaces or deletes the group judged here.`,
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
};
