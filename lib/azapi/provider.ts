// Hand-written binding for the azapi provider, shaped like cdktf-generated provider bindings.
// No prebuilt @cdktf/provider-azapi exists and `cdktf get` cannot reach the registry from the build machines.
import { TerraformMetaArguments, TerraformProvider, TerraformResourceConfig, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { hclAttributes } from '../hcl';

/**
 * The first azapi release whose embedded schemas know each `type@api-version` this package writes.
 * azapi validates `body` against schemas compiled into the provider binary; an older binary rejects an unknown
 * version at plan ("api-version is invalid"). Source: Azure/terraform-provider-azapi, tree
 * `internal/azure/generated/<service>/<namespace>/<api-version>/types.json` at each git tag:
 * microsoft.cognitiveservices/2025-06-01 first appears at v2.5.0 (absent at v2.0.1 to v2.4.0, and it lists
 * accounts, deployments, raiPolicies, raiBlocklists, raiBlocklistItems and defenderForAISettings);
 * microsoft.network/2024-05-01 (virtualNetworks/subnets, networkSecurityGroups/securityRules) first appears at v2.1.0;
 * microsoft.security/2024-01-01 (pricings) first appears at v1.11.0.
 */
export const AZAPI_SCHEMA_FIRST_RELEASE: Readonly<Record<string, string>> = {
  'Microsoft.CognitiveServices/accounts@2025-06-01': '2.5.0',
  'Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01': '2.5.0',
  'Microsoft.CognitiveServices/accounts/raiBlocklists@2025-06-01': '2.5.0',
  'Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems@2025-06-01': '2.5.0',
  'Microsoft.CognitiveServices/accounts/defenderForAISettings@2025-06-01': '2.5.0',
  'Microsoft.Network/virtualNetworks/subnets@2024-05-01': '2.1.0',
  'Microsoft.Network/networkSecurityGroups/securityRules@2024-05-01': '2.1.0',
  'Microsoft.Security/pricings@2024-01-01': '1.11.0',
};

/**
 * The azapi provider version range this package's bindings are written against: 2.x (the HCL-object `body`),
 * from the first release that embeds every schema in AZAPI_SCHEMA_FIRST_RELEASE (`~> 2.0` admitted 2.0-2.4,
 * which fail at plan on CognitiveServices 2025-06-01).
 */
export const AZAPI_PROVIDER_VERSION_CONSTRAINT = '~> 2.5';

/** Settings of the azapi provider block. */
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
  /** The provider's name in Terraform. */
  public static readonly tfResourceType = 'azapi';

  private readonly config: AzapiProviderConfig;
  private _alias?: string;

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

  /**
   * The provider alias. (TerraformProvider's own accessor stores nothing: a binding keeps it, as cdktf-generated
   * provider bindings do, or the alias is written neither to JSON nor to HCL.)
   */
  public get alias(): string | undefined {
    return this._alias;
  }

  public set alias(value: string | undefined) {
    this._alias = value;
  }

  /** The provider block's arguments, as Terraform names them. */
  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      subscription_id: this.config.subscriptionId,
      tenant_id: this.config.tenantId,
      use_oidc: this.config.useOidc,
      use_msi: this.config.useMsi,
      alias: this.alias,
    };
  }
  /** The same arguments for HCL output (`SYNTH_HCL_OUTPUT=true`), written from synthesizeAttributes(). */
  protected synthesizeHclAttributes(): { [name: string]: any } {
    return hclAttributes(this.synthesizeAttributes(), this.node.path);
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
