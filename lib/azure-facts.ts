/**
 * Azure facts this package encodes, each stated once with its source.
 * Sources are summarised in docs/architecture.md; the guide's own code is wrong in places (see comments).
 */

/**
 * Built-in role definition GUIDs.
 * Source: learn.microsoft.com/azure/role-based-access-control/built-in-roles/ai-machine-learning and /privileged.
 * The hardening guide labels a001fd3d-… "Cognitive Services Contributor": it is Cognitive Services OpenAI Contributor.
 */
export const ROLE_GUIDS = {
  COGNITIVE_SERVICES_OPENAI_USER: '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd',
  COGNITIVE_SERVICES_OPENAI_CONTRIBUTOR: 'a001fd3d-188f-4b5d-821b-7da978bf7442',
  COGNITIVE_SERVICES_CONTRIBUTOR: '25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68',
  COGNITIVE_SERVICES_USER: 'a97b65f3-24c7-4388-baec-2e87135dc908',
  COGNITIVE_SERVICES_USAGES_READER: 'bba48692-92b0-4667-a9ad-c31c7b334ac2',
  READER: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  CONTRIBUTOR: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  OWNER: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  USER_ACCESS_ADMINISTRATOR: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  RBAC_ADMINISTRATOR: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
} as const;

/** Human-readable names for the GUIDs above (reports and error messages). */
export const ROLE_NAMES: Readonly<Record<string, string>> = {
  [ROLE_GUIDS.COGNITIVE_SERVICES_OPENAI_USER]: 'Cognitive Services OpenAI User',
  [ROLE_GUIDS.COGNITIVE_SERVICES_OPENAI_CONTRIBUTOR]: 'Cognitive Services OpenAI Contributor',
  [ROLE_GUIDS.COGNITIVE_SERVICES_CONTRIBUTOR]: 'Cognitive Services Contributor',
  [ROLE_GUIDS.COGNITIVE_SERVICES_USER]: 'Cognitive Services User',
  [ROLE_GUIDS.COGNITIVE_SERVICES_USAGES_READER]: 'Cognitive Services Usages Reader',
  [ROLE_GUIDS.READER]: 'Reader',
  [ROLE_GUIDS.CONTRIBUTOR]: 'Contributor',
  [ROLE_GUIDS.OWNER]: 'Owner',
  [ROLE_GUIDS.USER_ACCESS_ADMINISTRATOR]: 'User Access Administrator',
  [ROLE_GUIDS.RBAC_ADMINISTRATOR]: 'Role Based Access Control Administrator',
};

/**
 * Roles refused on the account (or a scope containing it) for any principal without an opt-out: they grant keys,
 * broad data actions or role management. Cognitive Services Contributor holds `Microsoft.CognitiveServices/*`
 * control-plane actions including listKeys and accounts/write, so it can turn key auth and public access back on
 * (docs/azure-facts.md, built-in roles table; learn.microsoft.com/azure/role-based-access-control/built-in-roles/ai-machine-learning).
 */
export const PRIVILEGED_ROLE_GUIDS: readonly string[] = [
  ROLE_GUIDS.OWNER,
  ROLE_GUIDS.CONTRIBUTOR,
  ROLE_GUIDS.USER_ACCESS_ADMINISTRATOR,
  ROLE_GUIDS.RBAC_ADMINISTRATOR,
  ROLE_GUIDS.COGNITIVE_SERVICES_USER,
  ROLE_GUIDS.COGNITIVE_SERVICES_CONTRIBUTOR,
];

/** Roles the guide's access audit calls contributor-level: refused for individual users. */
export const CONTRIBUTOR_LEVEL_ROLE_GUIDS: readonly string[] = [
  ROLE_GUIDS.CONTRIBUTOR,
  ROLE_GUIDS.OWNER,
  ROLE_GUIDS.COGNITIVE_SERVICES_CONTRIBUTOR,
  ROLE_GUIDS.COGNITIVE_SERVICES_OPENAI_CONTRIBUTOR,
];

/**
 * Private DNS zones per account kind for the `account` sub-resource.
 * Source: learn.microsoft.com/azure/private-link/private-endpoint-dns and the Foundry virtual-networks page.
 */
export const PRIVATE_DNS_ZONES = {
  OPENAI: 'privatelink.openai.azure.com',
  COGNITIVE_SERVICES: 'privatelink.cognitiveservices.azure.com',
  AI_SERVICES: 'privatelink.services.ai.azure.com',
} as const;

/** Private link group ID of a cognitive account (ListPrivateLinkResources: groupId "account"). */
export const PRIVATE_LINK_SUBRESOURCE = 'account';

/**
 * Content filter vocabulary of Microsoft.CognitiveServices raiPolicies (REST 2025-06-01, ListRaiContentFilters).
 * Only the four harm categories are multi-level; the guide's lower-case names and `allowedContentLevel` are legacy.
 */
export const HARM_FILTERS = ['Hate', 'Sexual', 'Violence', 'Selfharm'] as const;
export const FILTER_SOURCES: Readonly<Record<string, readonly string[]>> = {
  Hate: ['Prompt', 'Completion'],
  Sexual: ['Prompt', 'Completion'],
  Violence: ['Prompt', 'Completion'],
  Selfharm: ['Prompt', 'Completion'],
  Profanity: ['Prompt', 'Completion'],
  Jailbreak: ['Prompt'],
  'Indirect Attack': ['Prompt'],
  'Protected Material Text': ['Completion'],
  'Protected Material Code': ['Completion'],
};
export const MULTI_LEVEL_FILTERS: readonly string[] = HARM_FILTERS;
/** Severity thresholds, strictest first: Low blocks low, medium and high. */
export const SEVERITY_ORDER: readonly string[] = ['Low', 'Medium', 'High'];
export const RAI_POLICY_MODES: readonly string[] = ['Default', 'Deferred', 'Blocking', 'Asynchronous_filter'];

/**
 * API version of Microsoft.Network/privateDnsZones/virtualNetworkLinks for azapi links to central zones: the newest
 * the azapi docs list (`2018-09-01, 2020-01-01, 2020-06-01, 2024-06-01`;
 * AZAPI:docs/resources/Microsoft.Network_privateDnsZones_virtualNetworkLinks.md at c43c57b).
 */
export const PRIVATE_DNS_API_VERSION = '2024-06-01';

/**
 * API version of the azapi writes of Microsoft.Network subnets and NSG security rules: 2024-05-01, the version
 * azurerm 4.55.0's network client uses (go-azure-sdk resource-manager/network/2024-05-01), in azapi's embedded
 * schemas since azapi 2.1.0.
 */
export const NETWORK_API_VERSION = '2024-05-01';

/**
 * The inbound rules an API Management subnet needs in a VNet (classic tiers, external or internal mode):
 * TCP 3443 from the ApiManagement service tag (the management endpoint) and TCP 6390 from AzureLoadBalancer (the
 * Azure infrastructure load balancer). learn.microsoft.com/azure/api-management/virtual-network-reference,
 * "Required ports" (docs/azure-facts.md §5.6). Outbound needs are met by Azure's default outbound rules.
 */
export const APIM_INBOUND_RULES = [
  {
    name: 'Allow-ApiManagement-3443',
    priority: 100,
    direction: 'Inbound',
    access: 'Allow',
    protocol: 'Tcp',
    sourcePortRange: '*',
    destinationPortRange: '3443',
    sourceAddressPrefix: 'ApiManagement',
    destinationAddressPrefix: 'VirtualNetwork',
    description: 'API Management management endpoint (Azure portal, PowerShell)',
  },
  {
    name: 'Allow-AzureLoadBalancer-6390',
    priority: 110,
    direction: 'Inbound',
    access: 'Allow',
    protocol: 'Tcp',
    sourcePortRange: '*',
    destinationPortRange: '6390',
    sourceAddressPrefix: 'AzureLoadBalancer',
    destinationAddressPrefix: 'VirtualNetwork',
    description: 'Azure infrastructure load balancer health probes of API Management',
  },
];

/** Pinned API versions for azapi resources (the version azurerm 4.55.0 itself uses). */
export const COGNITIVE_API_VERSION = '2025-06-01';

/** Diagnostic log categories of Microsoft.CognitiveServices/accounts (all land in AzureDiagnostics). */
export const REQUIRED_LOG_CATEGORIES: readonly string[] = ['Audit', 'RequestResponse', 'Trace'];
export const ALL_LOGS_CATEGORY_GROUP = 'allLogs';
export const ALL_METRICS_CATEGORY = 'AllMetrics';

/** Log Analytics retention the guide asks of audit data. */
export const AUDIT_RETENTION_DAYS = 365;

/** Evaluation frequencies accepted by scheduled query rules v2 (azurerm 4.55.0 validation). */
export const QUERY_RULE_FREQUENCIES: readonly string[] = [
  'PT1M',
  'PT5M',
  'PT10M',
  'PT15M',
  'PT30M',
  'PT45M',
  'PT1H',
  'PT2H',
  'PT3H',
  'PT4H',
  'PT5H',
  'PT6H',
  'P1D',
];
