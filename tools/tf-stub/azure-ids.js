'use strict';
// Deterministic fake IDs shaped like the IDs Azure returns, built from the planned values (no randomness:
// the same configuration always gets the same IDs). Templates follow the ARM resource ID of each type as
// documented in the "Import" section of each azurerm 4.55.0 resource page (linked from every binding's JSDoc,
// e.g. https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/cognitive_deployment#import)
// and, for azapi_resource, the ARM rule that a child resource's ID is its parent's ID + /<child type>/<name>.
// A type without a template gets a generic ID under its resource group.
const crypto = require('crypto');

/** The subscription every fake ID lives in, unless the provider configuration names one. */
const SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The subscription of a provider without `subscription_id`: azurerm and azapi then take ARM_SUBSCRIPTION_ID; the
 * runner sets TF_STUB_DEFAULT_SUBSCRIPTION_ID to an estate's subscription (see README.md, "Estate model").
 */
const defaultSubscription = () => process.env.TF_STUB_DEFAULT_SUBSCRIPTION_ID || SUBSCRIPTION_ID;

const RG = '{rg}/providers';
const TEMPLATES = {
  azurerm_resource_group: '/subscriptions/{sub}/resourceGroups/{name}',
  azurerm_cognitive_account: `${RG}/Microsoft.CognitiveServices/accounts/{name}`,
  azurerm_cognitive_deployment: '{cognitive_account_id}/deployments/{name}',
  azurerm_log_analytics_workspace: `${RG}/Microsoft.OperationalInsights/workspaces/{name}`,
  azurerm_management_lock: '{scope}/providers/Microsoft.Authorization/locks/{name}',
  azurerm_monitor_action_group: `${RG}/Microsoft.Insights/actionGroups/{name}`,
  azurerm_monitor_activity_log_alert: `${RG}/Microsoft.Insights/activityLogAlerts/{name}`,
  // azurerm's own composite ID for diagnostic settings: "<target resource ID>|<name>".
  azurerm_monitor_diagnostic_setting: '{target_resource_id}|{name}',
  azurerm_monitor_metric_alert: `${RG}/Microsoft.Insights/metricAlerts/{name}`,
  azurerm_monitor_scheduled_query_rules_alert_v2: `${RG}/Microsoft.Insights/scheduledQueryRules/{name}`,
  azurerm_network_security_group: `${RG}/Microsoft.Network/networkSecurityGroups/{name}`,
  azurerm_network_security_rule: `${RG}/Microsoft.Network/networkSecurityGroups/{network_security_group_name}/securityRules/{name}`,
  azurerm_private_dns_zone: `${RG}/Microsoft.Network/privateDnsZones/{name}`,
  azurerm_private_dns_zone_virtual_network_link: `${RG}/Microsoft.Network/privateDnsZones/{private_dns_zone_name}/virtualNetworkLinks/{name}`,
  azurerm_private_endpoint: `${RG}/Microsoft.Network/privateEndpoints/{name}`,
  // Role assignment names are GUIDs: when none is configured, one derived from the scope, role and principal.
  azurerm_role_assignment: '{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}',
  azurerm_security_center_subscription_pricing: '/subscriptions/{sub}/providers/Microsoft.Security/pricings/{resource_type}',
  azurerm_subnet: `${RG}/Microsoft.Network/virtualNetworks/{virtual_network_name}/subnets/{name}`,
  // An association's ID is the subnet's ID.
  azurerm_subnet_network_security_group_association: '{subnet_id}',
  azurerm_user_assigned_identity: `${RG}/Microsoft.ManagedIdentity/userAssignedIdentities/{name}`,
  azurerm_virtual_network: `${RG}/Microsoft.Network/virtualNetworks/{name}`,
  azurerm_virtual_network_peering: `${RG}/Microsoft.Network/virtualNetworks/{virtual_network_name}/virtualNetworkPeerings/{name}`,
  azurerm_key_vault: `${RG}/Microsoft.KeyVault/vaults/{name}`,
  azurerm_storage_account: `${RG}/Microsoft.Storage/storageAccounts/{name}`,
};

function hash(...parts) {
  return crypto.createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

function guid(seed) {
  const h = hash(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function str(v) {
  return typeof v === 'string' ? v : undefined;
}

/** The fake ARM ID of a resource about to be created. */
function fakeArmId(typeName, planned, providerConfig = {}) {
  const sub = str(providerConfig?.subscription_id) ?? defaultSubscription();
  if (typeName === 'azapi_update_resource' && str(planned.resource_id)) return planned.resource_id;
  if (typeName === 'azapi_resource' || typeName === 'azapi_update_resource') {
    // type is "<namespace>/<type>[/<child type>...]@<api version>": children append their last type segment.
    const resourceType = String(planned.type).split('@')[0];
    const segments = resourceType.split('/');
    const parent = str(planned.parent_id) ?? `/subscriptions/${sub}`;
    const isChild = segments.length > 2 && !/\/resourceGroups\/[^/]+$/i.test(parent) && !/^\/subscriptions\/[^/]+$/.test(parent);
    return isChild
      ? `${parent}/${segments[segments.length - 1]}/${planned.name}`
      : `${parent}/providers/${resourceType}/${planned.name}`;
  }
  const values = {
    sub,
    rg: `/subscriptions/${sub}/resourceGroups/${str(planned.resource_group_name) ?? 'stub-rg'}`,
    guid: str(planned.name) ?? guid(`${planned.scope}|${planned.role_definition_name ?? planned.role_definition_id}|${planned.principal_id}`),
  };
  const template = TEMPLATES[typeName] ?? `${RG}/Stub.Terraform/${typeName}/{name}`;
  return template.replace(/\{(\w+)\}/g, (_, key) => str(values[key]) ?? str(planned[key]) ?? `stub-${key}-${hash(typeName, JSON.stringify(planned)).slice(0, 8)}`);
}

/**
 * The ID of a data source as the real provider sets it, so that a value read at plan time is shaped like Azure's
 * (the checklist recognises a subscription by its ID, as it would in a real plan). azurerm 4.x
 * `internal/services/subscription/subscription_data_source.go`: `d.SetId(commonids.NewSubscriptionID(id).ID())`,
 * i.e. `/subscriptions/<subscription_id>`, with the provider's subscription when `subscription_id` is unset. A
 * data source of a type that has a resource template (e.g. azurerm_private_dns_zone) gets that resource's ID.
 */
function fakeDataSourceId(typeName, config, providerConfig = {}) {
  if (typeName === 'azurerm_subscription') {
    return `/subscriptions/${str(config.subscription_id) ?? str(providerConfig?.subscription_id) ?? defaultSubscription()}`;
  }
  if (TEMPLATES[typeName] && str(config.name)) return fakeArmId(typeName, config, providerConfig);
  return `stub-data-${typeName}`;
}

module.exports = { fakeArmId, fakeDataSourceId, guid, hash, SUBSCRIPTION_ID, defaultSubscription, TEMPLATES };
