// Hand-written binding for `azapi_update_resource` (azapi 2.x): patches properties of a resource this
// stack does not own (e.g. network policies on a subnet from the platform team's VNet).
import { TerraformMetaArguments, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { hclAttributes, hclResource } from '../hcl';
import { azapiResourceConfig } from './provider';

/** The arguments of an azapi_update_resource. */
export interface AzapiUpdateResourceConfig extends TerraformMetaArguments {
  /** `<resource-type>@<api-version>`. */
  readonly type: string;
  /**
   * ID of the resource to update. Give either this, or `name` with `parentId`.
   * @default - derived from parentId and name
   */
  readonly resourceId?: string;
  /**
   * Name of the resource to update, with `parentId` (a reference to the parent orders the update after it).
   * @default - none; resourceId is used
   */
  readonly name?: string;
  /**
   * ID of the parent of the resource to update, with `name`.
   * @default - none; resourceId is used
   */
  readonly parentId?: string;
  /** The properties to set; merged into the resource's current body. */
  readonly body: { [key: string]: any };
  /**
   * ARM resource IDs locked during the update.
   * @default - none
   */
  readonly locks?: string[];
}

/** `azapi_update_resource`: sets properties on an existing resource; destroying it leaves the resource as it is. */
export class AzapiUpdateResource extends TerraformResource {
  /** The resource type in Terraform. */
  public static readonly tfResourceType = 'azapi_update_resource';

  private readonly config: AzapiUpdateResourceConfig;

  constructor(scope: Construct, id: string, config: AzapiUpdateResourceConfig) {
    super(scope, id, azapiResourceConfig(AzapiUpdateResource.tfResourceType, config));
    if ((config.resourceId === undefined) === (config.name === undefined || config.parentId === undefined)) {
      throw new Error(
        `${id}: give azapi_update_resource either resourceId, or name with parentId (got ${JSON.stringify({
          resourceId: config.resourceId,
          name: config.name,
          parentId: config.parentId,
        })}).`,
      );
    }
    this.config = config;
  }

  /** The resource type with API version. */
  public get type(): string {
    return this.config.type;
  }

  /** The ID of this update resource. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** The resource block's arguments, as Terraform names them. */
  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      type: this.config.type,
      resource_id: this.config.resourceId,
      name: this.config.name,
      parent_id: this.config.parentId,
      body: this.config.body,
      locks: this.config.locks,
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
