// Hand-written binding for the azapi provider, shaped like cdktf-generated provider bindings.
// No prebuilt @cdktf/provider-azapi exists and `cdktf get` cannot reach the registry from the build machines.
import { TerraformMetaArguments, TerraformProvider, TerraformResourceConfig, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/** The azapi provider version range this package's bindings are written against. */
export const AZAPI_PROVIDER_VERSION_CONSTRAINT = '~> 2.0';

export interface AzapiProviderConfig {
  /**
   * Subscription for azapi operations.
   * @default - ARM_SUBSCRIPTION_ID, like the azurerm provider
   */
  readonly subscriptionId?: string;
  /**
   * Tenant for authentication.
   * @default - ARM_TENANT_ID or the Azure CLI login
   */
  readonly tenantId?: string;
  /**
   * Authenticate with OIDC (GitHub Actions, HCP Terraform dynamic credentials).
   * @default false
   */
  readonly useOidc?: boolean;
  /**
   * Authenticate with a managed identity.
   * @default false
   */
  readonly useMsi?: boolean;
  /**
   * Provider alias.
   * @default - the default provider
   */
  readonly alias?: string;
}

/** The `azapi` provider (registry.terraform.io/Azure/azapi). */
export class AzapiProvider extends TerraformProvider {
  public static readonly tfResourceType = 'azapi';

  private readonly config: AzapiProviderConfig;

  constructor(scope: Construct, id: string, config: AzapiProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'azapi',
      terraformGeneratorMetadata: {
        providerName: 'azapi',
        providerVersionConstraint: AZAPI_PROVIDER_VERSION_CONSTRAINT,
      },
      terraformProviderSource: 'Azure/azapi',
    });
    this.config = config;
    this.alias = config.alias;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      subscription_id: this.config.subscriptionId,
      tenant_id: this.config.tenantId,
      use_oidc: this.config.useOidc,
      use_msi: this.config.useMsi,
      alias: this.alias,
    };
  }
}

/** The stack's azapi provider: the one the user declared, or a default one created on first use. */
export function azapiProviderFor(scope: Construct): AzapiProvider {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.children.find((c) => c instanceof AzapiProvider) as AzapiProvider | undefined;
  return existing ?? new AzapiProvider(stack, 'azapi');
}

/** The base-class config every azapi resource binding passes: its type, the provider pin, and the meta-arguments. */
export function azapiResourceConfig(
  terraformResourceType: string,
  config: TerraformMetaArguments,
): TerraformResourceConfig {
  return {
    terraformResourceType,
    terraformGeneratorMetadata: {
      providerName: 'azapi',
      providerVersionConstraint: AZAPI_PROVIDER_VERSION_CONSTRAINT,
    },
    provider: config.provider,
    dependsOn: config.dependsOn,
    count: config.count,
    lifecycle: config.lifecycle,
    forEach: config.forEach,
  };
}
