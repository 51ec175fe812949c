'use strict';
// What each Terraform resource type does to the fake ARM: the ARM request(s) its create, update and delete
// send (in ARM's property shape, so azurerm and azapi writes meet the same checks), the provider-side checks it
// makes before writing (import-as-exists), and what its Read sees. Types not listed write their ARM ID with a
// location and no modelled properties.
const { isArmId, keyOf, parentOf, typeOf } = require('./arm');
const { refuse } = require('./constraints');
const { T } = require('./model');

const list = (v) => (Array.isArray(v) ? v : v == null ? [] : [v]);
/** A `dynamic` attribute as decoded from msgpack is [JSON type, value]; JSON state gives the value. */
const dyn = (v) => (Array.isArray(v) && v.length === 2 && v[0] instanceof Uint8Array ? v[1] : v);
const sub = (id) => (id ? { id } : undefined);

/** azurerm attribute shapes -> ARM properties, per type. */
const AZURERM_PROPERTIES = {
  azurerm_virtual_network: (s) => ({
    addressSpace: { addressPrefixes: list(s.address_space) },
    // Inline subnet blocks travel in the VNet's PUT (empty: the VNet's own subnets are left alone).
    ...(list(s.subnet).length
      ? { subnets: list(s.subnet).map((b) => ({ name: b.name, properties: { addressPrefixes: list(b.address_prefixes), networkSecurityGroup: sub(b.security_group) } })) }
      : {}),
  }),
  azurerm_subnet: (s) => ({
    addressPrefixes: list(s.address_prefixes),
    // azurerm's schema Default (subnet_resource.go L279-282): sent as Disabled when unset.
    privateEndpointNetworkPolicies: s.private_endpoint_network_policies ?? 'Disabled',
  }),
  azurerm_network_security_group: (s) => ({
    securityRules: list(s.security_rule).map((r) => ({ name: r.name, properties: { priority: r.priority, direction: r.direction, access: r.access } })),
  }),
  azurerm_network_security_rule: (s) => ({ priority: s.priority, direction: s.direction, access: s.access }),
  azurerm_private_dns_zone_virtual_network_link: (s) => ({ virtualNetwork: sub(s.virtual_network_id), registrationEnabled: !!s.registration_enabled }),
  azurerm_private_endpoint: (s) => ({
    subnet: sub(s.subnet_id),
    privateLinkServiceConnections: list(s.private_service_connection).map((c) => ({ name: c.name, properties: { privateLinkServiceId: c.private_connection_resource_id, groupIds: list(c.subresource_names) } })),
  }),
  azurerm_monitor_diagnostic_setting: (s) => ({
    workspaceId: s.log_analytics_workspace_id ?? undefined,
    storageAccountId: s.storage_account_id ?? undefined,
    eventHubAuthorizationRuleId: s.eventhub_authorization_rule_id ?? undefined,
    eventHubName: s.eventhub_name ?? undefined,
    logs: [...list(s.enabled_log), ...list(s.log)].map((l) => ({ category: l.category ?? undefined, categoryGroup: l.category_group ?? undefined, enabled: l.enabled ?? true })),
    metrics: [...list(s.enabled_metric), ...list(s.metric)].map((m) => ({ category: m.category, enabled: m.enabled ?? true })),
  }),
  // azurerm's public_network_access_enabled defaults to true (Enabled).
  azurerm_cognitive_account: (s) => ({ publicNetworkAccess: s.public_network_access_enabled === false ? 'Disabled' : 'Enabled', customSubDomainName: s.custom_subdomain_name ?? undefined }),
};

/** The ARM ID a Terraform resource is stored under, or null when it names no ARM resource. */
function armIdOf(tfType, s) {
  if (!s) return null;
  if (tfType === 'azurerm_monitor_diagnostic_setting') {
    const [target, name] = String(s.id ?? '').split('|');
    return isArmId(target) ? `${target}/providers/Microsoft.Insights/diagnosticSettings/${name}` : null;
  }
  if (tfType === 'azapi_update_resource') return isArmId(s.resource_id) ? s.resource_id : isArmId(s.id) ? s.id : null;
  return isArmId(s.id) ? s.id : null;
}

function putOf(tfType, s) {
  const id = armIdOf(tfType, s);
  if (tfType === 'azapi_resource') {
    const body = dyn(s.body) ?? {};
    return { id, type: String(s.type).split('@')[0], location: s.location ?? undefined, properties: body.properties ?? {}, via: tfType };
  }
  const props = AZURERM_PROPERTIES[tfType];
  return { id, type: typeOf(id), location: s.location ?? undefined, properties: props ? props(s) : {}, via: tfType };
}

const importAsExists = (tfType, id) =>
  refuse(
    'ResourceAlreadyExists',
    `A resource with the ID "${id}" already exists - to be managed via Terraform this resource needs to be imported into the State. Please see the resource documentation for "${tfType}" for more information.`,
  );

/** The default: create (import-as-exists first), update and delete of the resource's own ID. */
const generic = {
  create(model, tfType, s) {
    const put = putOf(tfType, s);
    if (model.get(put.id)) importAsExists(tfType, put.id);
    model.put(put, { create: true });
  },
  update(model, tfType, s) {
    model.put(putOf(tfType, s));
  },
  delete(model, tfType, s) {
    model.delete(armIdOf(tfType, s));
  },
  read(model, tfType, s) {
    return model.get(armIdOf(tfType, s)) ? s : null;
  },
};

const deepMerge = (a, b) => {
  if (!b || typeof b !== 'object' || Array.isArray(b) || !a || typeof a !== 'object' || Array.isArray(a)) return b === undefined ? a : b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = deepMerge(a[k], v);
  return out;
};

/**
 * Resources that exist as soon as their parent does, with these properties: every Defender plan of a
 * subscription (Free until set; azure-rest-api-specs security Pricings_List returns every plan), and an account's
 * Defender for AI settings singleton `Default` (azure-rest-api-specs cognitiveservices DefenderForAISettings_Get).
 */
const IMPLICIT = {
  'Microsoft.Security/pricings': { pricingTier: 'Free' },
  'Microsoft.CognitiveServices/accounts/defenderForAISettings': {},
};

const SPECIAL = {
  // azurerm_subnet reads the subnet and writes it back with its own fields (the NSG and other properties kept).
  azurerm_subnet: {
    ...generic,
    update(model, tfType, s) {
      const put = putOf(tfType, s);
      const prev = model.get(put.id);
      model.put({ ...put, properties: { ...(prev?.properties ?? {}), ...put.properties } });
    },
    read(model, tfType, s) {
      const r = model.get(s.id);
      if (!r) return null;
      return { ...s, private_endpoint_network_policies: r.properties.privateEndpointNetworkPolicies ?? s.private_endpoint_network_policies };
    },
  },
  azurerm_subnet_network_security_group_association: {
    create(model, tfType, s) {
      const subnet = model.get(s.subnet_id);
      if (!subnet) refuse('ReferencedResourceNotFound', `${s.subnet_id} was not found`);
      model.requireExists(s.network_security_group_id, 'network security group');
      const existing = subnet.properties.networkSecurityGroup?.id;
      if (existing) {
        refuse(
          'SubnetAlreadyHasNsg',
          `A resource with the ID "${s.subnet_id}" already exists - to be managed via Terraform this resource needs to be imported into the State (the subnet is associated with network security group "${existing}")`,
        );
      }
      model.put({ ...subnet, properties: { ...subnet.properties, networkSecurityGroup: { id: s.network_security_group_id } }, via: subnet.via });
    },
    update(model, tfType, s) {
      const subnet = model.get(s.subnet_id);
      model.put({ ...subnet, properties: { ...subnet.properties, networkSecurityGroup: { id: s.network_security_group_id } } });
    },
    // Removing the association is a subnet PUT without networkSecurityGroup (which Deny-Subnet-Without-Nsg denies).
    delete(model, tfType, s) {
      const subnet = model.get(s.subnet_id);
      if (!subnet) return;
      const { networkSecurityGroup, ...rest } = subnet.properties;
      model.put({ ...subnet, properties: rest });
    },
    read(model, tfType, s) {
      const subnet = model.get(s.subnet_id);
      return subnet && keyOf(subnet.properties.networkSecurityGroup?.id ?? '') === keyOf(s.network_security_group_id) ? s : null;
    },
  },
  azurerm_security_center_subscription_pricing: {
    create(model, tfType, s) {
      const tier = model.get(s.id)?.properties.pricingTier ?? 'Free';
      if (tier !== 'Free') {
        refuse('PricingNotFree', `the pricing tier of this subscription is not Free (plan ${s.resource_type} is ${tier}): ${s.id} needs to be imported into the State`);
      }
      this.update(model, tfType, s);
    },
    update(model, tfType, s) {
      const prev = model.get(s.id);
      model.put({ id: s.id, properties: { ...(prev?.properties ?? {}), pricingTier: s.tier, subPlan: s.subplan ?? undefined }, via: tfType });
    },
    // Delete sets the plan to Free for the whole subscription (the record stays: every plan always exists).
    delete(model, tfType, s) {
      const prev = model.get(s.id);
      model.put({ id: s.id, properties: { ...(prev?.properties ?? {}), pricingTier: 'Free', subPlan: undefined }, via: tfType });
    },
    read(model, tfType, s) {
      const tier = model.get(s.id)?.properties.pricingTier ?? 'Free';
      return { ...s, tier };
    },
  },
  // azapi_update_resource: GET, merge the body, PUT; on destroy nothing is sent.
  azapi_update_resource: {
    create(model, tfType, s) {
      this.update(model, tfType, s);
    },
    update(model, tfType, s) {
      const id = armIdOf(tfType, s);
      const prev = model.get(id);
      // Singletons exist with their parent (IMPLICIT); any other target must exist.
      const implicit = IMPLICIT[typeOf(id)];
      if (!prev && !implicit) refuse('ReferencedResourceNotFound', `${id} (azapi_update_resource target) was not found in the estate`);
      if (!prev && parentOf(id) && typeOf(parentOf(id)) !== 'Microsoft.Resources/subscriptions') model.requireExists(parentOf(id), `parent of ${id}:`);
      const body = dyn(s.body) ?? {};
      const base = prev ?? { id, type: typeOf(id), properties: { ...implicit } };
      model.put({ ...base, properties: deepMerge(base.properties, body.properties ?? {}), via: base.via ?? tfType });
    },
    delete() {},
    read(model, tfType, s) {
      return s;
    },
  },
  azurerm_cognitive_account: {
    ...generic,
    // azurerm purges the soft-deleted account on destroy unless features.cognitive_account says otherwise.
    delete(model, tfType, s, ctx) {
      model.delete(s.id);
      const feature = list(list(ctx.providerConfig?.features)[0]?.cognitive_account)[0]?.purge_soft_delete_on_destroy;
      if (feature !== false) model.purge(s.id);
    },
  },
};

function handlerFor(tfType) {
  return SPECIAL[tfType] ?? generic;
}

/** Whether the model tracks this type at all (azurerm_* and azapi_*; nothing else reaches the stubs). */
const tracked = (tfType, s) => /^(azurerm|azapi)_/.test(tfType) && armIdOf(tfType, s) !== null;

module.exports = { handlerFor, tracked, armIdOf, putOf, parentOf };
