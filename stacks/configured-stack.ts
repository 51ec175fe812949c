import { AzurermProvider, AzurermProviderFeatures } from '@cdktf/provider-azurerm/lib/provider';
import {
  AzurermBackend,
  CloudBackend,
  LocalBackend,
  NamedCloudWorkspace,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
} from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { BackendConfig, ConfigError } from './config';
import { ResolvedStrings, resolvePlainFast } from './plain-resolve';
import { describeValue } from '../lib/validation';

/** What every reference-app stack kind configures the same way. */
export interface StackStateConfig {
  readonly stackName: string;
  readonly backend: BackendConfig;
  /** Undefined: the subscription ARM_SUBSCRIPTION_ID names at plan time. */
  readonly subscriptionId?: string;
}

/**
 * A stack of the reference app: built from its JSON configuration alone, so it never holds a token of another stack.
 * It configures the state backend and the azurerm provider for its subclasses, and synthesizes with one resolve.
 *
 * cdktf's App.synth resolves every resource of every stack three times: once in `prepareStack()`, only to discover
 * cross-stack references (a reference resolved in a stack other than its origin; cdktf 0.21 lib/tfExpression.js,
 * `Reference.resolve` acts on `context.preparing` for nothing else), then twice in `toTerraform()` (see there). In a
 * stack that cannot hold another stack's token the first pass finds nothing, and at 50 stacks it was a third of each
 * stack's synth time. These stacks keep the rest of `prepareStack()` (a default backend) and skip that pass;
 * __tests__/reference-app-synth.test.ts proves the whole fleet's output byte-identical with cdktf's own
 * `prepareStack()` and `toTerraform()`, so a later change that adds a cross-stack reference fails there.
 */
export abstract class ConfiguredStack extends TerraformStack {
  /** Stack-level overrides are the one thing cdktf's second resolve exists for; a stack with any keeps it. */
  private hasStackOverrides = false;

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

  public prepareStack(): void {
    this.ensureBackendExists();
  }

  public addOverride(path: string, value: any): void {
    this.hasStackOverrides = true;
    super.addOverride(path, value);
  }

  /**
   * cdktf 0.21's `toTerraform()` resolves every element, deep-merges the fragments, then resolves the merged object
   * a second time (lib/terraform-stack.js: `return resolve(this, tf)`). That second pass can only change what the
   * first left unresolved: the stack's own overrides (merged raw) and the metadata header (its `cloud: undefined`
   * placeholder). Everything else is already plain JSON, and resolving plain JSON returns it unchanged; at 50
   * stacks the pass was a sixth of each stack's synth time. Here the elements and the header are resolved once
   * each (cdktf resolving only their tokens: stacks/plain-resolve.ts) and merged the way cdktf merges them; a stack
   * with stack-level overrides takes cdktf's own path.
   * __tests__/reference-app-synth.test.ts proves every written file byte-identical with cdktf's `toTerraform()`
   * for the fleet and the built-in stack, and that the comparison fails when a fragment is dropped.
   */
  public toTerraform(): any {
    if (this.hasStackOverrides) return super.toTerraform();
    const elements = terraformElements(this);
    const metadata: Record<string, unknown> = {
      version: this.node.tryGetContext('cdktfVersion'),
      stackName: this.node.id,
      backend: 'local', // overwritten by the backend's own metadata, as in cdktf
      cloud: undefined,
    };
    for (const e of elements) mergeResolved(metadata, this.resolveOnce(e.toMetadata()));
    const outputs: Record<string, unknown> = {};
    for (const e of elements) {
      if (!TerraformOutput.isTerraformOutput(e)) continue;
      // The output's construct path as nested keys ending in its id, as cdktf's header lists outputs.
      const nested = e.node.path
        .split('/')
        .reduceRight<Record<string, unknown> | string>(
          (inner, part) => ({ [part]: inner }),
          e.friendlyUniqueId,
        );
      mergeResolved(outputs, nested as Record<string, unknown>);
    }
    const tf: Record<string, unknown> = { '//': this.resolveOnce({ metadata, outputs }) };
    const references: ResolvedStrings = new Map();
    for (const e of elements) mergeResolved(tf, this.resolveOnce(e.toTerraform(), references));
    return tf;
  }

  private resolveOnce(obj: unknown, references?: ResolvedStrings): any {
    return resolvePlainFast(this, obj, references);
  }
}

/** The stack's Terraform elements, not descending into nested stacks (cdktf's own traversal). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) terraformElements(child, into);
  }
  return into;
}

/**
 * cdktf's deepMerge for resolved fragments: objects merge key by key, arrays concatenate (two providers of one
 * type), anything else replaces, and an undefined value deletes the key.
 */
function mergeResolved(target: Record<string, any>, source: Record<string, any>): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      mergeResolved(target[key], value);
    } else if (Array.isArray(value)) {
      target[key] = Array.isArray(target[key]) ? [...target[key], ...value] : value;
    } else if (value === undefined) {
      delete target[key];
    } else {
      target[key] = value;
    }
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
