'use strict';
// The landing-zone policy set: the three ALZ deny policies a hardened Azure OpenAI stack meets first, evaluated on
// every ARM PUT inside an assignment's scope, as Azure Policy evaluates a request before the resource provider
// sees it. Definitions and sources: constraints.js (POLICIES) and docs/estate-constraints.md.
const { keyOf, nameOf } = require('./arm');

// Deny-Subnet-Without-Nsg's excludedSubnets default (Enterprise-Scale Deny-Subnet-Without-Nsg.json parameters).
const EXCLUDED_SUBNETS = ['gatewaysubnet', 'azurefirewallsubnet', 'azurefirewallmanagementsubnet', 'routeserversubnet'];

const hasNsg = (props) => typeof props?.networkSecurityGroup?.id === 'string' && props.networkSecurityGroup.id !== '';
const excluded = (name) => EXCLUDED_SUBNETS.includes(String(name).toLowerCase());

/** Each policy: (put) => a denial message, or null. `put` is { id, type, location, properties }. */
const LANDING_ZONE = {
  'Deny-Subnet-Without-Nsg': (put) => {
    if (put.type === 'Microsoft.Network/virtualNetworks/subnets') {
      return !excluded(nameOf(put.id)) && !hasNsg(put.properties) ? `subnet ${put.id} has no networkSecurityGroup` : null;
    }
    if (put.type === 'Microsoft.Network/virtualNetworks') {
      const bare = (put.properties?.subnets ?? []).filter((s) => !excluded(s.name) && !hasNsg(s.properties));
      return bare.length ? `virtual network ${put.id} carries subnets without networkSecurityGroup: ${bare.map((s) => s.name).join(', ')}` : null;
    }
    return null;
  },
  'Deny-Private-DNS-Zones': (put) =>
    put.type === 'Microsoft.Network/privateDnsZones'
      ? `private DNS zone ${nameOf(put.id)} may not be created in this scope (the landing zone's zones are central: link to the connectivity subscription's zone)`
      : null,
  'Deny-Cognitive-Services-Public-Network-Access': (put) =>
    put.type === 'Microsoft.CognitiveServices/accounts' && put.properties?.publicNetworkAccess !== 'Disabled'
      ? `account ${put.id} has publicNetworkAccess ${JSON.stringify(put.properties?.publicNetworkAccess ?? null)}, not "Disabled"`
      : null,
};

const POLICY_SETS = { 'landing-zone': LANDING_ZONE };

/** The first policy of the estate's assignments that denies this PUT: [name, message] or null. */
function denial(estate, put) {
  for (const { set, scope } of estate.policies ?? []) {
    const k = keyOf(scope);
    if (keyOf(put.id) !== k && !keyOf(put.id).startsWith(`${k}/`)) continue;
    for (const [name, test] of Object.entries(POLICY_SETS[set] ?? {})) {
      const message = test(put);
      if (message) return [name, `${message} (assignment of policy set ${set} at ${scope})`];
    }
  }
  return null;
}

module.exports = { POLICY_SETS, denial };
