'use strict';
// The estate model's named constraints: each is an Azure or provider rule with its public source. A write that
// breaks one is refused with a Terraform error diagnostic whose summary names the constraint
// ("Estate constraint <Name>: ..."). docs/estate-constraints.md lists the same table (a unit test keeps both in
// step). AZURERM = github.com/hashicorp/terraform-provider-azurerm/blob/v4.55.0, AZAPI =
// github.com/Azure/terraform-provider-azapi (v2.x), ALZ = github.com/Azure/Enterprise-Scale.

const AZURERM = 'https://github.com/hashicorp/terraform-provider-azurerm/blob/v4.55.0';
const ALZ = 'https://github.com/Azure/Enterprise-Scale/blob/main/src/resources/Microsoft.Authorization';

const CONSTRAINTS = {
  ResourceAlreadyExists: {
    rule: 'Creating a resource whose ID already exists is refused: azurerm and azapi read before they create and ask for an import.',
    sources: [
      `${AZURERM}/internal/services/resource/resource_group_resource.go (create: tf.ImportAsExistsError; every azurerm resource does the same)`,
      'https://github.com/Azure/terraform-provider-azapi/blob/main/internal/services/azapi_resource.go ("Resource already exists", tf.ImportAsExistsError)',
    ],
  },
  SubnetAlreadyHasNsg: {
    rule: 'azurerm_subnet_network_security_group_association refuses to create when the subnet already has any NSG (import-as-exists).',
    sources: [`${AZURERM}/internal/services/network/subnet_network_security_group_association_resource.go (create, L92-98)`],
  },
  PricingNotFree: {
    rule: 'azurerm_security_center_subscription_pricing refuses to create when the plan is already not Free (import-as-exists).',
    sources: [`${AZURERM}/internal/services/securitycenter/security_center_subscription_pricing_resource.go (create, L134-135)`],
  },
  SecurityRulePriorityConflict: {
    rule: 'Two security rules of one NSG may not share a priority in the same direction (Azure: SecurityRuleConflict).',
    sources: [
      'https://github.com/hashicorp/terraform-provider-azurerm/issues/11137',
      'https://github.com/hashicorp/terraform-provider-azurerm/issues/19202',
    ],
  },
  DnsZoneLinkExists: {
    rule: 'A private DNS zone has at most one link to a given virtual network.',
    sources: ['https://learn.microsoft.com/azure/dns/private-dns-virtual-network-links ("You can create only one link between a private DNS zone and a virtual network")'],
  },
  DnsZoneNameOverlap: {
    rule: 'A virtual network cannot be linked to two private DNS zones of the same name (e.g. the hub\'s privatelink.openai.azure.com and a local one).',
    sources: ['https://github.com/MicrosoftDocs/azure-aks-docs/issues/212 ("A virtual network cannot be linked to multiple zones with overlapping namespaces")'],
  },
  DiagnosticCategorySinkConflict: {
    rule: 'A log category (or metric category) of a resource may go to a given destination from one diagnostic setting only ("Data sink ... is already used").',
    sources: [
      'https://github.com/Azure/bicep-registry-modules/issues/3407',
      'https://github.com/Azure/Community-Policy/issues/188',
    ],
  },
  DiagnosticSettingsLimit: {
    rule: 'A resource has at most five diagnostic settings.',
    sources: ['https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings (limits: up to five diagnostic settings per resource)'],
  },
  PrivateEndpointNotInVnetRegion: {
    rule: 'A private endpoint must be in the region of its subnet\'s virtual network.',
    sources: ['https://learn.microsoft.com/azure/private-link/private-endpoint-overview ("The private endpoint must be deployed in the same region and subscription as the virtual network")'],
  },
  PrivateEndpointNotInVnetSubscription: {
    rule: 'A private endpoint must be in the subscription of its subnet\'s virtual network.',
    sources: ['https://learn.microsoft.com/azure/private-link/private-endpoint-overview ("The private endpoint must be deployed in the same region and subscription as the virtual network")'],
  },
  SubnetInUseAddressChange: {
    rule: 'The address range of a subnet cannot change while resources (private endpoints) are in it.',
    sources: ['https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet (change subnet settings: the address range can change only if the subnet has no resources in it)'],
  },
  SubnetInUseCannotBeDeleted: {
    rule: 'A subnet cannot be deleted while resources (private endpoints) are in it (Azure: InUseSubnetCannotBeDeleted).',
    sources: ['https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet (delete a subnet: only if there are no resources in the subnet)'],
  },
  NsgInUseCannotBeDeleted: {
    rule: 'A network security group cannot be deleted while a subnet uses it (Azure: InUseNetworkSecurityGroupCannotBeDeleted).',
    sources: ['https://learn.microsoft.com/azure/virtual-network/manage-network-security-group (delete a network security group: not while associated to subnets or network interfaces)'],
  },
  AccountSoftDeleted: {
    rule: 'A deleted Cognitive Services account stays soft-deleted for 48 hours: creating the same account again fails (409 FlagMustBeSetForRestore) until it is purged, restored (properties.restore = true) or the 48 hours have passed. azurerm purges on destroy only when features.cognitive_account.purge_soft_delete_on_destroy is on (its default).',
    sources: [
      'https://learn.microsoft.com/azure/ai-services/recover-purge-resources',
      'https://github.com/Azure/azure-cli/issues/18146 (FlagMustBeSetForRestore)',
      `${AZURERM}/internal/features/defaults.go (PurgeSoftDeleteOnDestroy: true) and internal/services/cognitive/cognitive_account_resource.go (delete, L716-736)`,
    ],
  },
  ReferencedResourceNotFound: {
    rule: 'A child resource needs its parent, and a write that names another resource (an endpoint\'s subnet, a link\'s VNet, an association\'s subnet and NSG, an update\'s target) needs it to exist. Singletons exist with their parent: every Defender plan of a subscription, an account\'s defenderForAISettings/Default.',
    sources: [
      `${AZURERM}/internal/services/network/subnet_network_security_group_association_resource.go ("%s was not found")`,
      'https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-parent-resource-not-found',
    ],
  },
};

/** The landing-zone policy set (ALZ, assigned at the landing-zone management groups; effect Deny). */
const POLICIES = {
  'Deny-Subnet-Without-Nsg': {
    rule: 'A subnet PUT (or a VNet PUT carrying subnets) without networkSecurityGroup is denied, except GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet, RouteServerSubnet.',
    sources: [`${ALZ}/policyDefinitions/Deny-Subnet-Without-Nsg.json`, 'https://github.com/hashicorp/terraform-provider-azurerm/issues/28701'],
  },
  'Deny-Private-DNS-Zones': {
    rule: 'Creating any private DNS zone (so every privatelink.* zone) in the landing zone is denied: zones are central, in the connectivity subscription.',
    sources: [`${ALZ}/policyDefinitions/Deny-Private-DNS-Zones.json (if type equals Microsoft.Network/privateDnsZones then deny)`],
  },
  'Deny-Cognitive-Services-Public-Network-Access': {
    rule: 'A Cognitive Services account whose publicNetworkAccess is not Disabled is denied.',
    sources: [
      `${ALZ}/policySetDefinitions/Deny-PublicPaaSEndpoints.json (reference Deny-Cognitive-Services-Public-Network-Access, effect Deny)`,
      'https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/Cognitive%20Services/CognitiveServices_DisablePublicNetworkAccess_Audit.json (built-in 0725b4dd-7e76-479c-a735-68e7ee23d5ca)',
    ],
  },
};

/** Behaviours the model reproduces (not refusals): what a test can observe in the estate. */
const BEHAVIOURS = {
  PricingDeleteSetsFree: {
    rule: 'Destroying azurerm_security_center_subscription_pricing sets the plan to Free for the whole subscription; an azapi_update_resource of the plan leaves it as it is on destroy.',
    sources: [`${AZURERM}/internal/services/securitycenter/security_center_subscription_pricing_resource.go (delete, L308-325)`],
  },
  SubnetResendsPrivateEndpointNetworkPolicies: {
    rule: 'azurerm_subnet plans private_endpoint_network_policies as its default Disabled when unset, reads the live value, and sends its own on the next apply, undoing another writer\'s patch.',
    sources: [`${AZURERM}/internal/services/network/subnet_resource.go (schema Default L279-282, update L491-492, read L603)`],
  },
  CascadeDelete: {
    rule: 'Deleting a resource deletes its child and extension resources (a zone its links, an NSG its rules, an account its deployments and diagnostic settings).',
    sources: ['https://learn.microsoft.com/azure/azure-resource-manager/management/delete-resource-group'],
  },
};

/** A refusal: the write fails with a diagnostic that names the constraint or policy. */
class EstateRefusal extends Error {
  constructor(name, message) {
    const known = CONSTRAINTS[name] ?? POLICIES[name];
    if (!known) throw new Error(`estate model: unknown constraint ${name}`);
    super(message);
    this.constraint = name;
    this.kind = POLICIES[name] ? 'policy' : 'constraint';
  }

  diagnostic() {
    const entry = CONSTRAINTS[this.constraint] ?? POLICIES[this.constraint];
    const summary =
      this.kind === 'policy'
        ? `Estate policy ${this.constraint}: RequestDisallowedByPolicy: ${this.message}`
        : `Estate constraint ${this.constraint}: ${this.message}`;
    return { severity: 'ERROR', summary, detail: `${entry.rule}\nSource: ${entry.sources.join('; ')}` };
  }
}

const refuse = (name, message) => {
  throw new EstateRefusal(name, message);
};

module.exports = { CONSTRAINTS, POLICIES, BEHAVIOURS, EstateRefusal, refuse };
