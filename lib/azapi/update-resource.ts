// Hand-written binding for `azapi_update_resource` (azapi 2.x): patches properties of a resource this
// stack does not own (e.g. network policies on a subnet from the platform team's VNet).
import { TerraformMetaArguments, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { azapiResourceConfig } from './provider';

export interface AzapiUpdateResourceConfig extends TerraformMetaArguments {
  /** `<resource-type>@<api-version>`. */
  readonly type: string;
  /** ID of the resource to update. */
  readonly resourceId: string;
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
  public static readonly tfResourceType = 'azapi_update_resource';

  private readonly config: AzapiUpdateResourceConfig;

  constructor(scope: Construct, id: string, config: AzapiUpdateResourceConfig) {
    super(scope, id, azapiResourceConfig(AzapiUpdateResource.tfResourceType, config));
    this.config = config;
  }

  /** The ID of this update resource. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      type: this.config.type,
      resource_id: this.config.resourceId,
      body: this.config.body,
      locks: this.config.locks,
    };
  }
}
