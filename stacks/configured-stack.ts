import { AzurermProvider, AzurermProviderFeatures } from '@cdktf/provider-azurerm/lib/provider';
import { AzurermBackend, CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BackendConfig, ConfigError } from './config';
import { describeValue } from '../lib/validation';

/** What every reference-app stack kind configures the same way. */
export interface StackStateConfig {
  readonly stackName: string;
  readonly backend: BackendConfig;
  /** Undefined: the subscription ARM_SUBSCRIPTION_ID names at plan time. */
  readonly subscriptionId?: string;
}

/**
 * A stack of the reference app: its state backend and its azurerm provider, configured the same way for every
 * stack kind. Everything else is cdktf's own TerraformStack: the synth, the resolve and cross-stack references.
 */
export abstract class ConfiguredStack extends TerraformStack {
  /** Creates the stack with its state backend and its azurerm provider, configured the same way for every kind. */
  constructor(scope: Construct, config: StackStateConfig, features: AzurermProviderFeatures = {}) {
    super(scope, config.stackName);
    configureBackend(this, config.stackName, config.backend);
    new AzurermProvider(this, 'azurerm', {
      features: [features],
      // Undefined here means the provider reads ARM_SUBSCRIPTION_ID at plan time.
      subscriptionId: config.subscriptionId,
      storageUseAzuread: true,
    });
  }
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
