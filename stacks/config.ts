/**
 * Configuration of the reference app. Built-in defaults synthesize without credentials; override them with a
 * JSON file named by the AOAI_CONFIG environment variable (or `"context": { "aoaiConfig": "<file>" }` in cdktf.json).
 * The file holds one object per stack, so one stack per environment or region is one more entry.
 */
import { readFileSync } from 'fs';
import { resolve } from 'path';

/** A mistake in the reference app's configuration: main.ts prints its message alone (no stack trace) and exits 1. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
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
  /** Provider feature: purge the account on destroy (frees the name) or keep it soft-deleted (recoverable). */
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

/** Load the stacks to synthesize: the defaults, or each entry of the config file merged over them. */
export function loadStackConfigs(file: string | undefined): StackConfig[] {
  if (!file) return [DEFAULT_CONFIG];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (e) {
    throw new ConfigError(
      `AOAI_CONFIG: cannot read ${file} as JSON (${(e as Error).message}). Point it at a JSON file with one object or an array of stack objects.`,
    );
  }
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  return entries.map((entry, i) => {
    if (entry === null || typeof entry !== 'object') {
      throw new ConfigError(`AOAI_CONFIG[${i}]: expected an object, got ${JSON.stringify(entry)}.`);
    }
    const e = entry as Partial<StackConfig>;
    return {
      ...DEFAULT_CONFIG,
      ...e,
      network: { ...DEFAULT_CONFIG.network, ...(e.network ?? {}) },
      monitoring: { ...DEFAULT_CONFIG.monitoring, ...(e.monitoring ?? {}) },
      backend: { ...DEFAULT_CONFIG.backend, ...(e.backend ?? {}) },
      tags: { ...DEFAULT_CONFIG.tags, ...(e.tags ?? {}) },
    };
  });
}
