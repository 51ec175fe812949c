'use strict';
// The fake ARM: resources by ID with their parents and children, and the checks Azure makes on a PUT or DELETE.
// Works on one estate document inside a store transaction (store.js); refusals name their constraint
// (constraints.js) or policy (policies.js).
const { keyOf, typeOf, nameOf, parentOf, subscriptionOf } = require('./arm');
const { refuse } = require('./constraints');
const { denial } = require('./policies');

const SOFT_DELETE_MS = 48 * 3600 * 1000;
const T = {
  vnet: 'Microsoft.Network/virtualNetworks',
  subnet: 'Microsoft.Network/virtualNetworks/subnets',
  nsg: 'Microsoft.Network/networkSecurityGroups',
  rule: 'Microsoft.Network/networkSecurityGroups/securityRules',
  zone: 'Microsoft.Network/privateDnsZones',
  link: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
  endpoint: 'Microsoft.Network/privateEndpoints',
  diag: 'Microsoft.Insights/diagnosticSettings',
  account: 'Microsoft.CognitiveServices/accounts',
};

const region = (l) => String(l ?? '').replace(/\s+/g, '').toLowerCase();
const sameId = (a, b) => typeof a === 'string' && typeof b === 'string' && keyOf(a) === keyOf(b);
const prefixesOf = (p) => [...(p?.addressPrefixes ?? []), ...(p?.addressPrefix ? [p.addressPrefix] : [])].map(String).sort();

class ArmModel {
  constructor(doc) {
    this.doc = doc;
    this.now = doc.clock ?? Date.now();
  }

  get(id) {
    return this.doc.resources[keyOf(id)];
  }

  /** Every stored resource, or those of one type. */
  all(type) {
    return Object.values(this.doc.resources).filter((r) => !type || r.type === type);
  }

  /** Direct children (and extension resources) of an ID. */
  children(id) {
    return Object.values(this.doc.resources).filter((r) => sameId(parentOf(r.id), id));
  }

  /** The private endpoints (the NICs the model knows) in a subnet. */
  usersOfSubnet(subnetId) {
    return this.all(T.endpoint).filter((e) => sameId(e.properties?.subnet?.id, subnetId));
  }

  requireExists(id, what) {
    if (!this.get(id)) refuse('ReferencedResourceNotFound', `${what} ${id} was not found in the estate`);
  }

  /** Create or replace a resource (one ARM PUT): policies first, then the resource provider's own checks. */
  put(put, { create = false } = {}) {
    const w = { ...put, type: put.type ?? typeOf(put.id), properties: put.properties ?? {} };
    const denied = denial(this.doc, w);
    if (denied) refuse(...denied);
    const prev = this.get(w.id);
    const check = CHECKS[w.type];
    if (check) check(this, w, prev, create);
    this.store(w, prev);
    if (w.type === T.vnet) this.putInlineSubnets(w);
    if (w.type === T.nsg) this.putInlineRules(w);
  }

  store(w, prev) {
    const { inline, ...rest } = w;
    this.doc.resources[keyOf(w.id)] = { ...rest, location: w.location ?? prev?.location ?? null, via: w.via ?? prev?.via ?? null };
  }

  putInlineSubnets(vnet) {
    for (const s of vnet.properties.subnets ?? []) {
      const id = `${vnet.id}/subnets/${s.name}`;
      CHECKS[T.subnet](this, { id, type: T.subnet, properties: s.properties }, this.get(id), false);
      this.store({ id, type: T.subnet, properties: s.properties, via: vnet.via }, this.get(id));
    }
  }

  putInlineRules(nsg) {
    const rules = nsg.properties.securityRules;
    if (!Array.isArray(rules) || rules.length === 0) return;
    for (const r of this.children(nsg.id)) if (r.type === T.rule) delete this.doc.resources[keyOf(r.id)];
    for (const r of rules) this.store({ id: `${nsg.id}/securityRules/${r.name}`, type: T.rule, properties: r.properties, via: nsg.via });
  }

  /** Delete a resource (one ARM DELETE) and, as ARM does, its children and extension resources. */
  delete(id) {
    const r = this.get(id);
    if (!r) return;
    const check = DELETE_CHECKS[r.type];
    if (check) check(this, r);
    const k = keyOf(id);
    for (const key of Object.keys(this.doc.resources)) if (key === k || key.startsWith(`${k}/`)) delete this.doc.resources[key];
    if (r.type === T.account) this.doc.softDeleted[k] = { id: r.id, location: r.location, deletedAt: this.now };
  }

  /** Purge a soft-deleted account (azurerm's purge_soft_delete_on_destroy). */
  purge(id) {
    delete this.doc.softDeleted[keyOf(id)];
  }
}

function checkSubnet(model, w, prev) {
  model.requireExists(parentOf(w.id), 'virtual network');
  const nsg = w.properties.networkSecurityGroup?.id;
  if (nsg) model.requireExists(nsg, 'network security group');
  if (prev && prefixesOf(prev.properties).join() !== prefixesOf(w.properties).join()) {
    const users = model.usersOfSubnet(w.id);
    if (users.length) {
      refuse(
        'SubnetInUseAddressChange',
        `subnet ${w.id} cannot change its address range from ${prefixesOf(prev.properties).join(', ')} to ${prefixesOf(w.properties).join(', ')}: in use by ${users.map((u) => u.id).join(', ')}`,
      );
    }
  }
}

function ruleKey(props) {
  return `${String(props?.direction ?? '').toLowerCase()}/${props?.priority}`;
}

function checkNsg(model, w) {
  const seen = new Map();
  for (const r of w.properties.securityRules ?? []) {
    const k = ruleKey(r.properties);
    if (seen.has(k)) refuse('SecurityRulePriorityConflict', `rules ${seen.get(k)} and ${r.name} of ${w.id} both have priority ${r.properties.priority} (${r.properties.direction})`);
    seen.set(k, r.name);
  }
}

function checkRule(model, w) {
  model.requireExists(parentOf(w.id), 'network security group');
  const clash = model
    .children(parentOf(w.id))
    .find((r) => r.type === T.rule && !sameId(r.id, w.id) && ruleKey(r.properties) === ruleKey(w.properties));
  if (clash) {
    refuse(
      'SecurityRulePriorityConflict',
      `security rule ${nameOf(w.id)} and existing rule ${nameOf(clash.id)} of ${parentOf(w.id)} both have priority ${w.properties.priority} (${w.properties.direction})`,
    );
  }
}

function checkLink(model, w) {
  const zoneId = parentOf(w.id);
  model.requireExists(zoneId, 'private DNS zone');
  const vnet = w.properties.virtualNetwork?.id;
  model.requireExists(vnet, 'virtual network');
  for (const other of model.all(T.link)) {
    if (sameId(other.id, w.id) || !sameId(other.properties?.virtualNetwork?.id, vnet)) continue;
    if (sameId(parentOf(other.id), zoneId)) {
      refuse('DnsZoneLinkExists', `zone ${nameOf(zoneId)} is already linked to virtual network ${vnet} by ${other.id}`);
    }
    if (nameOf(parentOf(other.id)).toLowerCase() === nameOf(zoneId).toLowerCase()) {
      refuse('DnsZoneNameOverlap', `virtual network ${vnet} is already linked to another zone named ${nameOf(zoneId)}: ${parentOf(other.id)}`);
    }
  }
}

function checkEndpoint(model, w) {
  const subnetId = w.properties.subnet?.id;
  model.requireExists(subnetId, 'subnet');
  const vnet = model.get(parentOf(subnetId));
  if (region(vnet.location) !== region(w.location)) {
    refuse('PrivateEndpointNotInVnetRegion', `private endpoint ${w.id} is in ${w.location}, its virtual network ${vnet.id} in ${vnet.location}`);
  }
  if (subscriptionOf(w.id) !== subscriptionOf(vnet.id)) {
    refuse('PrivateEndpointNotInVnetSubscription', `private endpoint ${w.id} is in subscription ${subscriptionOf(w.id)}, its virtual network ${vnet.id} in ${subscriptionOf(vnet.id)}`);
  }
}

/** The destinations of a diagnostic setting, as comparable keys. */
function sinksOf(p) {
  const sinks = [p.workspaceId, p.storageAccountId, p.marketplacePartnerId].filter(Boolean).map(keyOf);
  if (p.eventHubAuthorizationRuleId) sinks.push(`${keyOf(p.eventHubAuthorizationRuleId)}#${String(p.eventHubName ?? '').toLowerCase()}`);
  return sinks;
}

/** Log entries as 'log:<category>' / 'group:<group>', metrics as 'metric:<category>'. */
function categoriesOf(p) {
  const logs = (p.logs ?? []).filter((l) => l.enabled !== false).map((l) => (l.categoryGroup ? `group:${l.categoryGroup}` : `log:${l.category}`));
  const metrics = (p.metrics ?? []).filter((m) => m.enabled !== false).map((m) => `metric:${m.category}`);
  return [...logs, ...metrics].map((c) => c.toLowerCase());
}

function overlaps(a, b) {
  if (a === b) return true;
  const [ka] = a.split(':');
  const [kb] = b.split(':');
  if (ka === 'metric' || kb === 'metric') return false;
  // allLogs covers every log category; the audit group covers the Audit category (Cognitive Services).
  if (a === 'group:alllogs' || b === 'group:alllogs') return true;
  return [a, b].sort().join() === 'group:audit,log:audit';
}

function checkDiagnostic(model, w) {
  const target = parentOf(w.id);
  const siblings = model.children(target).filter((r) => r.type === T.diag && !sameId(r.id, w.id));
  if (siblings.length >= 5) refuse('DiagnosticSettingsLimit', `${target} already has ${siblings.length} diagnostic settings`);
  const mine = categoriesOf(w.properties);
  for (const other of siblings) {
    const sink = sinksOf(w.properties).find((s) => sinksOf(other.properties).includes(s));
    if (!sink) continue;
    const pair = mine.flatMap((c) => categoriesOf(other.properties).filter((o) => overlaps(c, o)).map((o) => [c, o]))[0];
    if (pair) {
      refuse(
        'DiagnosticCategorySinkConflict',
        `Data sink ${sink} is already used in diagnostic setting ${nameOf(other.id)} for ${pair[1]} of ${target}; setting ${nameOf(w.id)} sends ${pair[0]} there too`,
      );
    }
  }
}

function checkAccount(model, w, prev, create) {
  const k = keyOf(w.id);
  const deleted = model.doc.softDeleted[k];
  if (!create || !deleted) return;
  if (model.now - deleted.deletedAt >= SOFT_DELETE_MS) {
    model.purge(w.id);
    return;
  }
  if (w.properties.restore === true) {
    model.purge(w.id);
    return;
  }
  const hours = ((model.now - deleted.deletedAt) / 3600000).toFixed(1);
  refuse(
    'AccountSoftDeleted',
    `409 FlagMustBeSetForRestore: account ${nameOf(w.id)} was deleted ${hours} h ago and is soft-deleted until ${new Date(deleted.deletedAt + SOFT_DELETE_MS).toISOString()}: purge it (az cognitiveservices account purge) or restore it (az cognitiveservices account recover)`,
  );
}

const CHECKS = {
  [T.subnet]: checkSubnet,
  [T.nsg]: checkNsg,
  [T.rule]: checkRule,
  [T.link]: checkLink,
  [T.endpoint]: checkEndpoint,
  [T.diag]: checkDiagnostic,
  [T.account]: checkAccount,
};

function refuseSubnetInUse(model, subnetId) {
  const users = model.usersOfSubnet(subnetId);
  if (users.length) refuse('SubnetInUseCannotBeDeleted', `subnet ${subnetId} is in use by ${users.map((u) => u.id).join(', ')}`);
}

const DELETE_CHECKS = {
  [T.subnet]: (model, r) => refuseSubnetInUse(model, r.id),
  [T.vnet]: (model, r) => model.children(r.id).filter((c) => c.type === T.subnet).forEach((s) => refuseSubnetInUse(model, s.id)),
  [T.nsg]: (model, r) => {
    const users = model.all(T.subnet).filter((s) => sameId(s.properties?.networkSecurityGroup?.id, r.id));
    if (users.length) refuse('NsgInUseCannotBeDeleted', `network security group ${r.id} is associated with ${users.map((s) => s.id).join(', ')}`);
  },
};

module.exports = { ArmModel, T, SOFT_DELETE_MS, sameId };
