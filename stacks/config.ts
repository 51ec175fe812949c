/**
 * Configuration of the reference app. Built-in defaults synthesize one stack without credentials; a fleet is a JSON
 * file named by the AOAI_CONFIG environment variable (or `"context": { "aoaiConfig": "<file>" }` in cdktf.json)
 * holding one entry per stack: account stacks (one per environment and region) and `subscription` entries (one
 * baseline stack per subscription). Names an entry does not give derive from its environment and location, so no
 * entry inherits another's names; two entries that would still claim one name are refused before synth.
 */
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { describeValue, safeErrorMessage } from '../lib/validation';

/** A mistake in the reference app's configuration: main.ts prints its message alone (no stack trace) and exits 1. */
export class ConfigError extends Error {
  constructor(message: string) {
    // Config values are echoed into messages: the library's one error formatting redacts and truncates them.
    super(safeErrorMessage(message));
    this.name = 'ConfigError';
  }
}

export interface DeploymentConfig {
  name: string;
  modelName: string;
  modelVersion: string;
  skuName?: string;
  capacity?: number;
}

/** An existing network (a landing zone's spoke): see ExistingNetworkOptions for each field. */
export interface ExistingNetworkConfig {
  virtualNetworkId: string;
  endpointSubnetId: string;
  allowedSources: Array<{ name: string; cidr: string; priority?: number }>;
  /** The platform's NSG on the endpoint subnet: rules are added to it, never replaced. */
  networkSecurityGroupId?: string;
  /** Who sets privateEndpointNetworkPolicies on the subnet, when the network team's azurerm_subnet does. */
  subnetNetworkPoliciesManagedBy?: string;
  /** The VNet's region, when it is not the account's (the endpoint must be in its VNet's region). */
  location?: string;
}

export interface BackendConfig {
  /** local (default), cloud (HCP Terraform) or azurerm (Azure Storage with Entra ID auth). */
  type: 'local' | 'cloud' | 'azurerm';
  /** cloud: organization and workspace. */
  organization?: string;
  workspace?: string;
  hostname?: string;
  /** azurerm: state storage. */
  storageAccountName?: string;
  containerName?: string;
  key?: string;
  resourceGroupName?: string;
}

export interface SubscriptionCoverageConfig {
  baselineStack?: string;
  managedElsewhere?: string;
  inThisStack?: boolean;
}

export interface StackConfig {
  /** Stack name: one per environment and region, e.g. aoai-prod-swedencentral. */
  stackName: string;
  environment: string;
  location: string;
  resourceGroupName: string;
  accountName: string;
  kind?: string;
  /** Subscription for the azurerm provider; falls back to ARM_SUBSCRIPTION_ID at plan time. Never hard-coded. */
  subscriptionId?: string;
  deployments: DeploymentConfig[];
  network: {
    vnetName: string;
    addressSpace: string;
    endpointSubnetCidr: string;
    appSubnetCidrs: string[];
    apimSubnetCidr?: string;
    /** More VNets to link to the private DNS zones (hub, on-premises DNS resolver VNet, other spokes). */
    dnsLinkedVirtualNetworkIds?: string[];
    /**
     * A landing zone's spoke instead of a new VNet (PrivateNetworkingProps.existingNetwork): the VNet, the endpoint
     * subnet and, usually, the platform's NSG on it, which the stack adds its rules to. Excludes vnetName,
     * addressSpace and the subnet CIDRs.
     */
    existing?: ExistingNetworkConfig;
    /** The hub's private DNS zones (central DNS): no privatelink.* zone is created (PrivateNetworkingProps.existingPrivateDnsZoneIds). */
    privateDnsZoneIds?: string[];
    /** The one owner of links to central zones (PrivateNetworkingProps.dnsLinkOwner). */
    dnsLinkOwner?: string;
  };
  workloadIdentities: string[];
  blocklist: { name: string; items: string[] };
  monitoring: {
    securityEmails: string[];
    finOpsEmails: string[];
    changeEmails: string[];
  };
  /**
   * How the subscription's Activity Log export and Defender for AI plan are provided: exactly one of a baseline
   * stack's name, "managed elsewhere" with a reason, or in this stack (only one stack per subscription may).
   */
  subscriptionCoverage: SubscriptionCoverageConfig;
  deletionProtection: boolean;
  /**
   * Provider feature `cognitive_account.purge_soft_delete_on_destroy`: purge the account on destroy (frees the name;
   * azurerm 4.55's default when unset) or keep it soft-deleted for 48 hours (recoverable by hand). The reference
   * stack sets it explicitly (false).
   */
  purgeSoftDeleteOnDestroy: boolean;
  backend: BackendConfig;
  tags: Record<string, string>;
}

export const DEFAULT_CONFIG: StackConfig = {
  stackName: 'aoai-hardened-dev',
  environment: 'dev',
  location: 'swedencentral',
  resourceGroupName: 'rg-aoai-hardened-dev',
  accountName: 'aoai-hardened-dev',
  kind: 'OpenAI',
  deployments: [
    { name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06', skuName: 'Standard', capacity: 10 },
  ],
  network: {
    vnetName: 'vnet-aoai-hardened-dev',
    addressSpace: '10.20.0.0/16',
    endpointSubnetCidr: '10.20.1.0/24',
    appSubnetCidrs: ['10.20.2.0/24'],
    apimSubnetCidr: '10.20.3.0/24',
  },
  workloadIdentities: ['id-aoai-chat-app'],
  blocklist: { name: 'corp-confidential', items: ['Project Bluebird', 'internal-only', 'do not distribute'] },
  monitoring: { securityEmails: [], finOpsEmails: [], changeEmails: [] },
  // The built-in single stack owns its subscription's baseline; a fleet config uses a "subscription" entry instead.
  subscriptionCoverage: { inThisStack: true },
  deletionProtection: true,
  purgeSoftDeleteOnDestroy: false,
  backend: { type: 'local' },
  tags: { workload: 'azure-openai', environment: 'dev', 'managed-by': 'cdktf' },
};

/** A subscription baseline stack: the Activity Log export and the Defender for AI plan, once per subscription. */
export interface SubscriptionEntryConfig {
  /** Stack name. Default: `<workload>-subscription` (plus the first 8 characters of subscriptionId when given). */
  stackName: string;
  /** Subscription it covers; undefined = the one ARM_SUBSCRIPTION_ID names at plan time. */
  subscriptionId?: string;
  /** Region of the baseline's resource group and workspace. */
  location: string;
  /** Prefix of the baseline's derived names (SubscriptionBaseline.namePrefix). */
  namePrefix: string;
  /** Resource group for the Activity Log workspace this stack creates (unused with activityLogWorkspaceId). */
  resourceGroupName: string;
  /** An existing Log Analytics workspace for the Activity Log; default: the stack creates `log-<namePrefix>`. */
  activityLogWorkspaceId?: string;
  /**
   * Who already exports the subscription's Activity Log to activityLogWorkspaceId (a landing zone's
   * Deploy-AzActivity-Log): no second export is written (SubscriptionBaseline.activityLogExportManagedBy).
   */
  activityLogExportManagedBy?: string;
  /** Defender for AI plan extensions (SubscriptionBaseline.defenderExtensions). */
  defenderExtensions: string[];
  backend: BackendConfig;
  tags: Record<string, string>;
}

/** What the reference app synthesizes: baseline stacks first (deploy them first), then account stacks. */
export interface AppConfig {
  subscriptions: SubscriptionEntryConfig[];
  stacks: StackConfig[];
}

/** Prefix of every name derived from a file entry; set `workload` per entry (e.g. "contoso-aoai"). */
export const DEFAULT_WORKLOAD = 'aoai';

/** Load the stacks to synthesize: the built-in stack, or the fleet the config file describes. */
export function loadAppConfig(file: string | undefined): AppConfig {
  if (!file) return { subscriptions: [], stacks: [DEFAULT_CONFIG] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (e) {
    throw new ConfigError(
      `AOAI_CONFIG: cannot read ${file} as JSON (${(e as Error).message}). Point it at a JSON file with one object or an array of stack objects.`,
    );
  }
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  if (entries.length === 0) {
    throw new ConfigError(`AOAI_CONFIG: ${file} holds an empty array. Add at least one stack entry.`);
  }
  const subscriptions: SubscriptionEntryConfig[] = [];
  const stacks: StackConfig[] = [];
  const labelled: Labelled[] = [];
  entries.forEach((entry, i) => {
    const where = `AOAI_CONFIG[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new ConfigError(`${where}: expected an object, got ${describeValue(entry)}.`);
    }
    const config =
      'subscription' in entry
        ? subscriptionEntry(where, entry as RawEntry)
        : accountEntry(where, entry as RawEntry);
    if ('subscription' in entry) subscriptions.push(config as SubscriptionEntryConfig);
    else stacks.push(config as StackConfig);
    labelled.push({ label: `${where} (${config.stackName})`, config });
  });
  // Names first: two entries claiming one stack would otherwise be reported as a coverage conflict.
  refuseCollisions(labelled);
  return { subscriptions, stacks: assignCoverage(subscriptions, stacks) };
}

/** The account stacks of a config file (or the built-in one); see loadAppConfig for the whole fleet. */
export function loadStackConfigs(file: string | undefined): StackConfig[] {
  return loadAppConfig(file).stacks;
}

type RawEntry = Record<string, any>;

/** The JSON shape of a config entry: each setting's expected type, checked before anything reads it. */
type Shape =
  'string' | 'number' | 'boolean' | 'string[]' | 'string map' | { readonly [key: string]: Shape } | Shape[];

const BACKEND_SHAPE: Shape = {
  type: 'string',
  organization: 'string',
  workspace: 'string',
  hostname: 'string',
  storageAccountName: 'string',
  containerName: 'string',
  key: 'string',
  resourceGroupName: 'string',
};

const ACCOUNT_SHAPE: Shape = {
  stackName: 'string',
  environment: 'string',
  location: 'string',
  workload: 'string',
  resourceGroupName: 'string',
  accountName: 'string',
  kind: 'string',
  subscriptionId: 'string',
  deployments: [
    { name: 'string', modelName: 'string', modelVersion: 'string', skuName: 'string', capacity: 'number' },
  ],
  network: {
    vnetName: 'string',
    addressSpace: 'string',
    endpointSubnetCidr: 'string',
    appSubnetCidrs: 'string[]',
    apimSubnetCidr: 'string',
    dnsLinkedVirtualNetworkIds: 'string[]',
    existing: {
      virtualNetworkId: 'string',
      endpointSubnetId: 'string',
      allowedSources: [{ name: 'string', cidr: 'string', priority: 'number' }],
      networkSecurityGroupId: 'string',
      subnetNetworkPoliciesManagedBy: 'string',
      location: 'string',
    },
    privateDnsZoneIds: 'string[]',
    dnsLinkOwner: 'string',
  },
  workloadIdentities: 'string[]',
  blocklist: { name: 'string', items: 'string[]' },
  monitoring: { securityEmails: 'string[]', finOpsEmails: 'string[]', changeEmails: 'string[]' },
  subscriptionCoverage: { baselineStack: 'string', managedElsewhere: 'string', inThisStack: 'boolean' },
  deletionProtection: 'boolean',
  purgeSoftDeleteOnDestroy: 'boolean',
  backend: BACKEND_SHAPE,
  tags: 'string map',
};

const SUBSCRIPTION_SHAPE: Shape = {
  subscription: {
    location: 'string',
    namePrefix: 'string',
    resourceGroupName: 'string',
    activityLogWorkspaceId: 'string',
    activityLogExportManagedBy: 'string',
    defenderExtensions: 'string[]',
  },
  stackName: 'string',
  subscriptionId: 'string',
  workload: 'string',
  backend: BACKEND_SHAPE,
  tags: 'string map',
};

const SHAPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  'string[]': 'a list of strings',
  'string map': 'an object of string values',
};

/** Refuse a setting of the wrong type or an unknown (misspelled) one, naming its path in the file. */
function checkShape(where: string, value: unknown, shape: Shape): void {
  const wrong = (expected: string): never => {
    throw new ConfigError(`${where}: expected ${expected}, got ${describeValue(value)}.`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return wrong('a list');
    value.forEach((item, i) => checkShape(`${where}[${i}]`, item, shape[0]));
  } else if (typeof shape === 'object') {
    if (!isObject(value)) return wrong('an object');
    for (const [key, item] of Object.entries(value)) {
      if (!(key in shape)) {
        throw new ConfigError(
          `${where}.${key}: unknown setting. Known settings: ${Object.keys(shape).sort().join(', ')}.`,
        );
      }
      checkShape(`${where}.${key}`, item, shape[key]);
    }
  } else if (shape === 'string[]') {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) wrong(SHAPE_NAMES[shape]);
  } else if (shape === 'string map') {
    if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
      wrong(SHAPE_NAMES[shape]);
    }
  } else if (typeof value !== shape) {
    wrong(SHAPE_NAMES[shape]);
  }
}

/** A stack name as cdktf and Terraform Cloud workspaces accept it. */
function stackNameOf(where: string, value: unknown, derived: string): string {
  if (value === undefined) return derived;
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,89}$/.test(value)) {
    throw new ConfigError(
      `${where}.stackName: invalid value ${describeValue(value)}. Use letters, digits, hyphens and underscores (e.g. "aoai-prod-swedencentral"), or leave it out to derive it.`,
    );
  }
  return value;
}

/** A name part: lower-case letters, digits and hyphens (it goes into Azure names and the stack name). */
function namePart(where: string, field: string, value: unknown, example: string): string {
  if (typeof value !== 'string' || !/^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/.test(value)) {
    throw new ConfigError(
      `${where}.${field}: invalid value ${describeValue(value)}. Use 1 to 32 lower-case letters, digits and hyphens, starting with a letter (e.g. "${example}").`,
    );
  }
  return value;
}

function accountEntry(where: string, e: RawEntry): StackConfig {
  checkShape(where, e, ACCOUNT_SHAPE);
  if (e.environment === undefined) {
    throw new ConfigError(
      `${where}.environment: missing. Each stack entry names its environment (e.g. "dev" or "prod"); the stack's names derive from it and its location.`,
    );
  }
  subscriptionIdOf(where, e.subscriptionId);
  checkNetwork(where, e.network);
  const environment = namePart(where, 'environment', e.environment, 'prod');
  const location = namePart(where, 'location', e.location ?? DEFAULT_CONFIG.location, 'swedencentral');
  const workload = namePart(where, 'workload', e.workload ?? DEFAULT_WORKLOAD, 'contoso-aoai');
  // `<workload>-<environment>-<location>`: unique per environment and region by construction.
  const base = `${workload}-${environment}-${location}`;
  const { workload: _workload, ...given } = e;
  return {
    ...DEFAULT_CONFIG,
    resourceGroupName: `rg-${base}`,
    accountName: base,
    workloadIdentities: [`id-${base}-chat-app`],
    ...given,
    stackName: stackNameOf(where, e.stackName, base),
    environment,
    location,
    network: { ...DEFAULT_CONFIG.network, vnetName: `vnet-${base}`, ...(e.network ?? {}) },
    monitoring: { ...DEFAULT_CONFIG.monitoring, ...(e.monitoring ?? {}) },
    // Coverage is assigned once the whole file is read (assignCoverage); an entry may still set its own.
    subscriptionCoverage: e.subscriptionCoverage ?? {},
    backend: { ...DEFAULT_CONFIG.backend, ...(e.backend ?? {}) },
    tags: { ...DEFAULT_CONFIG.tags, environment, ...(e.tags ?? {}) },
  };
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function subscriptionIdOf(where: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !GUID.test(value)) {
    throw new ConfigError(
      `${where}.subscriptionId: invalid value ${describeValue(value)}. Use the subscription's GUID, or leave it out to use ARM_SUBSCRIPTION_ID.`,
    );
  }
  return value;
}

function subscriptionEntry(where: string, e: RawEntry): SubscriptionEntryConfig {
  checkShape(where, e, SUBSCRIPTION_SHAPE);
  subscriptionIdOf(where, e.subscriptionId);
  const settings = e.subscription;
  const workload = namePart(where, 'workload', e.workload ?? DEFAULT_WORKLOAD, 'contoso-aoai');
  const location = namePart(
    `${where}.subscription`,
    'location',
    settings.location ?? DEFAULT_CONFIG.location,
    'swedencentral',
  );
  const suffix = e.subscriptionId ? `-${String(e.subscriptionId).slice(0, 8).toLowerCase()}` : '';
  const namePrefix = namePart(
    `${where}.subscription`,
    'namePrefix',
    settings.namePrefix ?? `${workload}-platform${suffix}`,
    'contoso-aoai-platform',
  );
  return {
    stackName: stackNameOf(where, e.stackName, `${workload}-subscription${suffix}`),
    subscriptionId: e.subscriptionId,
    location,
    namePrefix,
    resourceGroupName: settings.resourceGroupName ?? `rg-${namePrefix}`,
    activityLogWorkspaceId: settings.activityLogWorkspaceId,
    activityLogExportManagedBy: exportManagedBy(where, settings),
    defenderExtensions: settings.defenderExtensions ?? [],
    backend: { ...DEFAULT_CONFIG.backend, ...(e.backend ?? {}) },
    tags: { workload: 'azure-openai', 'managed-by': 'cdktf', ...(e.tags ?? {}) },
  };
}

/** A declared Activity Log export names the workspace it fills: the account stacks' detections read it. */
function exportManagedBy(where: string, settings: RawEntry): string | undefined {
  if (settings.activityLogExportManagedBy !== undefined && settings.activityLogWorkspaceId === undefined) {
    throw new ConfigError(
      `${where}.subscription.activityLogExportManagedBy: given without activityLogWorkspaceId. Name the workspace the existing export fills (subscription.activityLogWorkspaceId).`,
    );
  }
  return settings.activityLogExportManagedBy;
}

/** A new network's settings and an existing network exclude each other. */
function checkNetwork(where: string, network: RawEntry | undefined): void {
  if (network?.existing === undefined) return;
  const own = ['vnetName', 'addressSpace', 'endpointSubnetCidr', 'appSubnetCidrs', 'apimSubnetCidr'].filter(
    (k) => network[k] !== undefined,
  );
  if (own.length) {
    throw new ConfigError(
      `${where}.network: existing and ${own.join(', ')} given together. Give network.existing for a spoke the platform owns, or the new VNet's settings, not both.`,
    );
  }
}

/** How a subscription is named in messages and grouped: its ID, or the one ARM_SUBSCRIPTION_ID names. */
function subscriptionKey(subscriptionId: string | undefined): string {
  return subscriptionId ? subscriptionId.toLowerCase() : '(ARM_SUBSCRIPTION_ID)';
}

/**
 * Each subscription's Activity Log export and Defender plan have exactly one owner: its `subscription` entry, one
 * account stack (`inThisStack`, only when it is the subscription's only stack), or someone else (`managedElsewhere`).
 */
function assignCoverage(subscriptions: SubscriptionEntryConfig[], stacks: StackConfig[]): StackConfig[] {
  const baselines = new Map<string, SubscriptionEntryConfig>();
  for (const b of subscriptions) {
    const key = subscriptionKey(b.subscriptionId);
    const other = baselines.get(key);
    if (other) {
      throw new ConfigError(
        `subscription ${key}: two subscription entries (${other.stackName}, ${b.stackName}). Keep one baseline stack per subscription.`,
      );
    }
    baselines.set(key, b);
  }
  const bySubscription = new Map<string, StackConfig[]>();
  for (const s of stacks) {
    const key = subscriptionKey(s.subscriptionId);
    bySubscription.set(key, [...(bySubscription.get(key) ?? []), s]);
  }
  return stacks.map((s) => {
    const key = subscriptionKey(s.subscriptionId);
    const baseline = baselines.get(key);
    const siblings = bySubscription.get(key)!;
    const c = s.subscriptionCoverage;
    const declared = [c.baselineStack, c.managedElsewhere, c.inThisStack].filter((v) => v !== undefined);
    if (declared.length > 1) {
      throw new ConfigError(
        `${s.stackName}.subscriptionCoverage: set exactly one of baselineStack, managedElsewhere or inThisStack.`,
      );
    }
    if (c.inThisStack && (baseline || siblings.length > 1)) {
      const owner = baseline ? `the subscription entry ${baseline.stackName}` : 'another stack';
      throw new ConfigError(
        `${s.stackName}.subscriptionCoverage: inThisStack, but subscription ${key} is also covered by ${owner}; ` +
          'its Activity Log export and Defender plan exist once per subscription. Remove inThisStack (a subscription entry covers every stack of its subscription).',
      );
    }
    if (c.baselineStack !== undefined && baseline && c.baselineStack !== baseline.stackName) {
      throw new ConfigError(
        `${s.stackName}.subscriptionCoverage.baselineStack: invalid value "${c.baselineStack}": subscription ${key}'s baseline in this file is ${baseline.stackName}. Remove baselineStack (the subscription entry covers the stack).`,
      );
    }
    if (c.inThisStack === false) {
      throw new ConfigError(
        `${s.stackName}.subscriptionCoverage.inThisStack: false is not a coverage. Name a baselineStack or give managedElsewhere a reason.`,
      );
    }
    if (declared.length === 1) return s;
    if (baseline) return { ...s, subscriptionCoverage: { baselineStack: baseline.stackName } };
    if (siblings.length === 1) return { ...s, subscriptionCoverage: { inThisStack: true } };
    throw new ConfigError(
      `subscription ${key}: ${siblings.length} stacks (${siblings.map((x) => x.stackName).join(', ')}) and no subscription entry. ` +
        'Its Activity Log export and Defender plan exist once per subscription: add { "subscription": {} } (with "subscriptionId" when the stacks set one), ' +
        'or set subscriptionCoverage.managedElsewhere with the reason in each stack.',
    );
  });
}

interface Labelled {
  /** `AOAI_CONFIG[i] (<stack name>)`, for messages. */
  readonly label: string;
  readonly config: SubscriptionEntryConfig | StackConfig;
}

/** Names Azure keeps unique that two entries would both claim: refused with both entries named. */
function refuseCollisions(entries: Labelled[]): void {
  const seen = new Map<string, string>();
  const claim = (label: string, what: string, value: string, fix: string): void => {
    const key = `${what}|${value.toLowerCase()}`;
    const other = seen.get(key);
    if (other !== undefined) {
      throw new ConfigError(`${label}: ${what} "${value}" is also claimed by ${other}. ${fix}`);
    }
    seen.set(key, label);
  };
  const distinct = 'Give each entry its own environment or location, or set the name explicitly.';
  for (const { label, config: c } of entries) {
    claim(label, 'stack name', c.stackName, distinct);
    const rgKey = `resource group in subscription ${subscriptionKey(c.subscriptionId)}`;
    if ('accountName' in c) {
      // The custom subdomain (the account name) is unique across all of Azure.
      claim(label, 'account name', c.accountName, distinct);
      claim(label, rgKey, c.resourceGroupName, distinct);
    } else if (!c.activityLogWorkspaceId) {
      claim(label, rgKey, c.resourceGroupName, 'Set subscription.resourceGroupName.');
    }
  }
}
