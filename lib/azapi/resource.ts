// Hand-written binding for `azapi_resource` (azapi 2.x), shaped like cdktf-generated resource bindings.
// `body` is an HCL object in azapi 2.x (not a JSON string) and keeps ARM's camelCase keys verbatim.
import { TerraformMetaArguments, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { hclAttributes, hclResource } from '../hcl';
import { azapiResourceConfig } from './provider';

/** The arguments of an azapi_resource. */
export interface AzapiResourceConfig extends TerraformMetaArguments {
  /** `<resource-type>@<api-version>`, e.g. Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01. */
  readonly type: string;
  /** The resource name. */
  readonly name: string;
  /** ID of the parent resource (the account for child resources). */
  readonly parentId: string;
  /**
   * Location, for tracked resources.
   * @default - none (child resources inherit their parent's)
   */
  readonly location?: string;
  /**
   * The ARM request body, camelCase as the REST API defines it.
   * @default - empty body
   */
  readonly body?: { [key: string]: any };
  /**
   * ARM resource IDs locked while this resource is created, updated or deleted, so operations on one
   * parent are serialized (the account rejects parallel child operations with 409 RequestConflict).
   * @default - none
   */
  readonly locks?: string[];
  /**
   * Top-level tags (never inside `body`: azapi rejects both).
   * @default - none
   */
  readonly tags?: { [key: string]: string };
  /**
   * Validate `body` against azapi's embedded schema at plan time.
   * @default true
   */
  readonly schemaValidationEnabled?: boolean;
  /**
   * Response paths exported in `output`.
   * @default - none
   */
  readonly responseExportValues?: string[];
}

/** `azapi_resource`: a resource managed through the Azure Resource Manager REST API. */
export class AzapiResource extends TerraformResource {
  /** The resource type in Terraform. */
  public static readonly tfResourceType = 'azapi_resource';

  private readonly config: AzapiResourceConfig;

  constructor(scope: Construct, id: string, config: AzapiResourceConfig) {
    super(scope, id, azapiResourceConfig(AzapiResource.tfResourceType, config));
    this.config = config;
  }

  /** The ARM resource ID. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** The resource name as configured. */
  public get name(): string {
    return this.config.name;
  }

  /** The resource type with API version. */
  public get type(): string {
    return this.config.type;
  }

  /** The body as configured (for tests and reports). */
  public get bodyInput(): { [key: string]: any } | undefined {
    return this.config.body;
  }

  /** The resource block's arguments, as Terraform names them. */
  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      type: this.config.type,
      name: this.config.name,
      parent_id: this.config.parentId,
      location: this.config.location,
      body: this.config.body,
      locks: this.config.locks,
      tags: this.config.tags,
      schema_validation_enabled: this.config.schemaValidationEnabled,
      response_export_values: this.config.responseExportValues,
    };
  }
  /** The same arguments for HCL output (`SYNTH_HCL_OUTPUT=true`), written from synthesizeAttributes(). */
  protected synthesizeHclAttributes(): { [name: string]: any } {
    return hclAttributes(this.synthesizeAttributes(), this.node.path);
  }

  /** HCL output with lifecycle conditions as blocks and overrides escaped (cdktf 0.21 writes neither validly). */
  public toHclTerraform(): any {
    return hclResource(super.toHclTerraform(), this.node.path);
  }
}
