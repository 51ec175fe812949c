import { AzurermProvider, AzurermProviderFeatures } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import {
  Aspects,
  AzurermBackend,
  CloudBackend,
  LocalBackend,
  NamedCloudWorkspace,
  TerraformOutput,
  TerraformStack,
} from 'cdktf';
import { Construct } from 'constructs';
import { AccountKind, AccountRole, HardenedAzureOpenAI, HardeningChecks, SubscriptionCoverage } from '../lib';
import { BackendConfig, ConfigError, StackConfig } from './config';
import { describeValue } from '../lib/validation';

/**
 * A stack of the reference app: built from its JSON configuration alone, so it never holds a token of another stack.
 *
 * cdktf's App.synth resolves every resource of every stack twice: once in `prepareStack()`, only to discover
 * cross-stack references (a reference resolved in a stack other than its origin; cdktf 0.21 lib/tfExpression.js,
 * `Reference.resolve` acts on `context.preparing` for nothing else), and once to write cdk.tf.json. In a stack that
 * cannot hold another stack's token the first pass finds nothing, and at 50 stacks it was a third of each stack's
 * synth time. These stacks keep the rest of `prepareStack()` (a default backend) and skip that pass;
 * __tests__/reference-app-synth.test.ts proves the whole fleet's output byte-identical with cdktf's own
 * `prepareStack()`, so a later change that adds a cross-stack reference fails there.
 */
export abstract class ConfiguredStack extends TerraformStack {
  public prepareStack(): void {
    this.ensureBackendExists();
  }
}

/** The reference stack: a thin wrapper around HardenedAzureOpenAI, configured from StackConfig. */
export class HardenedOpenAIStack extends ConfiguredStack {
  public readonly hardened: HardenedAzureOpenAI;

  constructor(scope: Construct, config: StackConfig) {
    super(scope, config.stackName);
    configureStateAndProvider(this, config, {
      cognitiveAccount: [{ purgeSoftDeleteOnDestroy: config.purgeSoftDeleteOnDestroy }],
    });
    const rg = new ResourceGroup(this, 'ResourceGroup', {
      name: config.resourceGroupName,
      location: config.location,
      tags: config.tags,
    });

    this.hardened = new HardenedAzureOpenAI(this, 'AzureOpenAI', {
      account: {
        name: config.accountName,
        resourceGroupName: rg.name,
        location: config.location,
        kind: AccountKind.of(config.kind ?? 'OpenAI'),
        deployments: config.deployments,
        deletionProtection: config.deletionProtection,
        tags: config.tags,
      },
      networking: {
        newNetwork: {
          name: config.network.vnetName,
          addressSpace: config.network.addressSpace,
          endpointSubnetCidr: config.network.endpointSubnetCidr,
          appSubnetCidrs: config.network.appSubnetCidrs,
          apimSubnetCidr: config.network.apimSubnetCidr,
        },
        additionalDnsLinkedVirtualNetworkIds: config.network.dnsLinkedVirtualNetworkIds,
      },
      identity: {
        workloadIdentities: config.workloadIdentities.map((name) => ({ name, role: AccountRole.INVOKE })),
      },
      contentFilter: {
        blocklists: [
          { name: config.blocklist.name, items: config.blocklist.items.map((pattern) => ({ pattern })) },
        ],
      },
      monitoring: {
        subscriptionCoverage: subscriptionCoverage(config),
        securityTeam: { emailAddresses: config.monitoring.securityEmails },
        finOps: { emailAddresses: config.monitoring.finOpsEmails },
        changeManagement: { emailAddresses: config.monitoring.changeEmails },
      },
    });

    // The checklist runs on every synth: error-level findings fail it; reports land next to cdk.tf.json.
    Aspects.of(this).add(new HardeningChecks());

    const { account, networking, identity } = this.hardened;
    new TerraformOutput(this, 'endpoint', {
      value: account.endpoint,
      description: 'Data-plane endpoint (resolves privately inside linked VNets)',
    });
    new TerraformOutput(this, 'account_id', { value: account.accountId });
    new TerraformOutput(this, 'private_ip', {
      value: networking!.privateIpAddress,
      description: 'Private endpoint IP: nslookup of the endpoint from the VNet must return it',
    });
    new TerraformOutput(this, 'workload_identity_client_ids', {
      value: Object.fromEntries(
        Object.entries(identity.workloadIdentities).map(([name, id]) => [name, id.clientId]),
      ),
      description: 'Client IDs for the workloads (AZURE_CLIENT_ID); no keys are ever output',
    });
  }
}

function subscriptionCoverage(config: StackConfig): SubscriptionCoverage {
  const c = config.subscriptionCoverage;
  // Presence, not truthiness: an empty reason must reach managedElsewhere's check, not fall through.
  if (c.baselineStack !== undefined) return SubscriptionCoverage.byBaselineStack(c.baselineStack);
  if (c.managedElsewhere !== undefined) return SubscriptionCoverage.managedElsewhere(c.managedElsewhere);
  return SubscriptionCoverage.inThisStack();
}

/** What every reference-app stack configures the same way: its state backend and its azurerm provider. */
export function configureStateAndProvider(
  stack: TerraformStack,
  config: { stackName: string; backend: BackendConfig; subscriptionId?: string },
  features: AzurermProviderFeatures = {},
): void {
  configureBackend(stack, config.stackName, config.backend);
  new AzurermProvider(stack, 'azurerm', {
    features: [features],
    // Undefined here means the provider reads ARM_SUBSCRIPTION_ID at plan time.
    subscriptionId: config.subscriptionId,
    storageUseAzuread: true,
  });
}

/** The stack's state backend: local by default, HCP Terraform or Azure Storage with Entra ID auth. */
function configureBackend(stack: TerraformStack, stackName: string, b: BackendConfig): void {
  const need = (value: string | undefined, field: string): string => {
    if (!value) {
      throw new ConfigError(
        `backend.${field}: missing for backend type "${b.type}". Set it in the AOAI_CONFIG file.`,
      );
    }
    return value;
  };
  switch (b.type) {
    case 'local':
      new LocalBackend(stack, { path: `terraform.${stackName}.tfstate` });
      break;
    case 'cloud':
      new CloudBackend(stack, {
        organization: need(b.organization, 'organization'),
        workspaces: new NamedCloudWorkspace(need(b.workspace, 'workspace')),
        hostname: b.hostname,
      });
      break;
    case 'azurerm':
      new AzurermBackend(stack, {
        storageAccountName: need(b.storageAccountName, 'storageAccountName'),
        containerName: need(b.containerName, 'containerName'),
        key: b.key ?? `${stackName}.tfstate`,
        resourceGroupName: b.resourceGroupName,
        // Entra ID to the state blob: no storage account keys (needs Storage Blob Data Contributor).
        useAzureadAuth: true,
      });
      break;
    default:
      throw new ConfigError(
        `backend.type: invalid value ${describeValue((b as { type: unknown }).type)}. Use "local", "cloud" or "azurerm".`,
      );
  }
}
