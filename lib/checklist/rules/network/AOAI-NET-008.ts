import { Rule, bad, ok } from '../../rule';
import { ATTACHED } from '../fail-closed';
import {
  ENDPOINT_POLICIES,
  SUBNET_TYPE,
  adoptionFor,
  azapiWritesTo,
  bodyProperties,
  createdSubnetOf,
  perAccountEndpoints,
  sameSubnet,
  subnetNsg,
  subnetOf,
} from './shared';

export const rule: Rule = {
  id: 'AOAI-NET-008',
  constant: 'NET_SUBNET_POLICIES',
  summary: 'The endpoint subnet has network policies and an NSG.',
  severity: 'error',
  phase: 'Network Isolation',
  title: 'The endpoint subnet has network policies enabled and an NSG',
  rationale:
    'NSG rules are silently ignored for private endpoint traffic unless private_endpoint_network_policies is Enabled.',
  references: { mcsb: 'NS-1' },
  failClosed: `${ATTACHED} A subnet not managed here fails unless an azapi update enables its policies; any azapi write to the endpoint subnet that turns them off, moves it to another NSG or cannot be read fails.`,
  evaluate: (m) =>
    perAccountEndpoints(m, (_a, pes) => {
      for (const pe of pes) {
        const subnetId = pe.values.subnet_id;
        // The subnet as an azurerm_subnet, or as the azapi write that creates it with its NSG.
        const created = subnetOf(m, subnetId) ? undefined : createdSubnetOf(m, subnetId);
        const subnet = subnetOf(m, subnetId) ?? created;
        const policy = created
          ? bodyProperties(created)?.privateEndpointNetworkPolicies
          : subnet?.values.private_endpoint_network_policies;
        const nsg = subnetNsg(m, subnetId);
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
            const nsgId = properties.networkSecurityGroup?.id;
            if (!nsg || !sameSubnet(m, nsgId, nsg.nsgId)) {
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
        const adopted = adoptionFor(m, subnetId);
        if (
          !patched &&
          !adopted?.policiesBy &&
          !['Enabled', 'NetworkSecurityGroupEnabled'].includes(policy)
        ) {
          return bad(
            subnet?.address ?? pe.address,
            'private_endpoint_network_policies is not Enabled on the endpoint subnet: the NSG does not apply',
            policy ?? (subnet ? '(unset: Disabled)' : `(subnet ${String(subnetId)} not managed here)`),
          );
        }
        if (!nsg && !adopted?.nsgId) {
          return bad(pe.address, 'no NSG associated with the endpoint subnet', subnetId);
        }
        if (adopted && (adopted.policiesBy || adopted.nsgId)) {
          return ok(
            adopted.address,
            `${adopted.policiesBy ? `network policies set by the subnet's owner (${adopted.policiesBy})` : 'network policies enabled'}, ${adopted.nsgId ? "the platform's NSG adopted" : 'NSG associated'}`,
          );
        }
      }
      return ok(pes[0].address, 'network policies enabled, NSG on the subnet');
    }),
};
