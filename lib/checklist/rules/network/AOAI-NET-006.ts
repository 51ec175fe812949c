import { PRIVATE_LINK_SUBRESOURCE } from '../../../azure-facts';
import { TfModel, asArray, block, isLiteral } from '../../model';
import { Rule, azapiWrites, bad, ok, pointsAt, writingMethod } from '../../rule';
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
  failClosed: `${ATTACHED} An endpoint written through azapi (Microsoft.Network/privateEndpoints) cannot be judged and fails; so does an azapi write that approves a private endpoint connection on the account, and an azapi resource or write (update, PUT/PATCH/DELETE action) of the endpoint's DNS zone group (privateDnsZoneGroups), which replaces or deletes the group judged here; a hand-written A, AAAA or CNAME record in a privatelink zone (zone named literally, by reference, or not resolvable) fails, written as azurerm, azapi or an azapi_resource_action PUT/PATCH of a record set on the zone.`,
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
      const record = handWrittenRecord(m);
      if (record) return bad(record.address, record.message, record.value);
      return ok(pes[0].address, 'private endpoint with account sub-resource and DNS zone group');
    }),
};

const RECORD_TYPES = [
  'azurerm_private_dns_a_record',
  'azurerm_private_dns_aaaa_record',
  'azurerm_private_dns_cname_record',
];
const AZAPI_RECORD = /^Microsoft\.Network\/privateDnsZones\/(A|AAAA|CNAME)@/i;
const AZAPI_ZONE = /^Microsoft\.Network\/privateDnsZones@/i;

/**
 * True when a zone (its name, or its ID) may be a privatelink zone: a literal privatelink.* name, a reference to a
 * zone whose name is one or is not a literal, or a value this input cannot resolve (a variable, a data source).
 */
function mayBePrivatelink(m: TfModel, zone: unknown): boolean {
  if (typeof zone === 'string' && isLiteral(zone)) {
    return /(^|\/privateDnsZones\/)privatelink\./i.test(zone.trim());
  }
  const zones = m
    .references(zone)
    .map((x) => m.get(x)!)
    .filter((z) => z.type === 'azurerm_private_dns_zone' || AZAPI_ZONE.test(String(z.values.type ?? '')));
  if (!zones.length) return true;
  return zones.some((z) => !isLiteral(z.values.name) || /^privatelink\./i.test(String(z.values.name)));
}

/**
 * A record written by hand into a privatelink zone (azurerm A, AAAA or CNAME records, by literal zone name or by
 * reference; azapi record resources and writes; an azapi_resource_action PUT or PATCH of A/<name>, AAAA/<name> or
 * CNAME/<name> on a zone, REST spec Microsoft.Network privatedns RecordSets_CreateOrUpdate): the zone group writes
 * the account's record, and a hand-written one can point its name anywhere.
 */
function handWrittenRecord(m: TfModel): { address: string; message: string; value: unknown } | undefined {
  const message =
    'hand-written DNS record in a privatelink zone (or a zone this input cannot name); use the endpoint DNS zone group';
  const azurerm = m.ofType(...RECORD_TYPES).find((r) => mayBePrivatelink(m, r.values.zone_name));
  if (azurerm) {
    return { address: azurerm.address, message, value: azurerm.values.records ?? azurerm.values.record };
  }
  const azapi = [
    ...m.ofType('azapi_resource').filter((r) => AZAPI_RECORD.test(String(r.values.type ?? ''))),
    ...azapiWrites(m, AZAPI_RECORD),
  ].find((r) =>
    mayBePrivatelink(
      m,
      r.values.parent_id ?? String(r.values.resource_id ?? '').replace(/\/(A|AAAA|CNAME)\/[^/]*$/i, ''),
    ),
  );
  if (azapi) return { address: azapi.address, message, value: azapi.values.body ?? '(no body)' };
  const action = m
    .ofType('azapi_resource_action')
    .find(
      (r) =>
        AZAPI_ZONE.test(String(r.values.type ?? '')) &&
        writingMethod(r.values.method) &&
        (!isLiteral(r.values.action) || /^(A|AAAA|CNAME)\//i.test(String(r.values.action ?? ''))) &&
        mayBePrivatelink(m, r.values.resource_id),
    );
  if (action) {
    return {
      address: action.address,
      message: `${message} (azapi_resource_action ${String(action.values.method)} ${String(action.values.action)})`,
      value: action.values.body ?? '(no body)',
    };
  }
  return undefined;
}
