import { AzurermProvider, AzurermProviderFeatures } from '@cdktf/provider-azurerm/lib/provider';
import {
  AzurermBackend,
  CloudBackend,
  LocalBackend,
  NamedCloudWorkspace,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
  Tokenization,
} from 'cdktf';
// cdktf's own deepMerge (not exported from the package root): the merge must be cdktf's, its errors included.
import { deepMerge } from 'cdktf/lib/util';
import { Construct, IConstruct } from 'constructs';
import { BackendConfig, ConfigError } from './config';
import { ResolvedStrings, resolvePlainFast, resolveSettled, SAME_STACK_RESOLVER } from './plain-resolve';
import { describeValue } from '../lib/validation';

/** What every reference-app stack kind configures the same way. */
export interface StackStateConfig {
  readonly stackName: string;
  readonly backend: BackendConfig;
  /** Undefined: the subscription ARM_SUBSCRIPTION_ID names at plan time. */
  readonly subscriptionId?: string;
}

/**
 * A stack of the reference app: it configures the state backend and the azurerm provider for its subclasses, and
 * synthesizes with one resolve of its plain values.
 *
 * cdktf's App.synth resolves every resource of every stack three times: once in `prepareStack()` (a preparing
 * resolve, for its side effects only), then twice in `toTerraform()`. These stacks skip the preparing resolve
 * (see prepareStack: a cross-stack reference is refused instead), resolve each element once with the plain values
 * copied instead of walked by cdktf (stacks/plain-resolve.ts), and skip the second resolve where it cannot change
 * anything. __tests__/reference-app-synth.test.ts proves the output byte-identical with cdktf's own `prepareStack()`
 * and `toTerraform()` for the whole fleet and for stacks built to sit on each edge of the shortcut.
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

  /**
   * cdktf's prepareStack (lib/terraform-stack.js) without its preparing resolve. That resolve is run for its side
   * effects only, and cdktf 0.21 has one (lib/tfExpression.js, the one reader of `context.preparing`): a reference
   * to another stack's resource registers a cross-stack output and remote state. These stacks are built from their
   * own config entry and hold no such reference; should one appear, the stack's resolve refuses it with both stacks
   * named (stacks/plain-resolve.ts, SameStackResolver) instead of writing a reference to nothing. It also means a
   * lazy value is produced once per synth where cdktf produces it twice (prepare, then write): the same value
   * unless its producer counts its calls. At 50 stacks the preparing resolve was a third of each stack's synth.
   */
  public prepareStack(): void {
    this.ensureBackendExists();
  }

  /**
   * cdktf 0.21's `toTerraform()` (lib/terraform-stack.js) resolves every element, deep-merges the fragments and the
   * stack's own overrides, then resolves the merged object a second time (`return resolve(this, tf)`). Here every
   * step is cdktf's, in its order, with the elements resolved once each by stacks/plain-resolve.ts. The second
   * resolve only has work to do on the header (its `cloud: undefined` placeholder, raw values), on stack-level
   * overrides (merged raw) and on what a merge or a token can leave unsettled (a value cdktf would resolve
   * differently or refuse the second time). So the header is resolved on its own, and the fragments are merged
   * without a second resolve when every fragment is settled, the stack has no override and the merge meets nothing
   * cdktf's deepMerge would treat otherwise; any other stack takes cdktf's merge and second resolve, on the same
   * resolved fragments (no token is resolved twice). At 50 stacks the second resolve was a sixth of each stack's
   * synth time.
   */
  public toTerraform(): any {
    const own = this as unknown as { cdktfVersion?: string; rawOverrides: Record<string, unknown> };
    const overridden = Object.keys(own.rawOverrides).length > 0;
    const metadata: Record<string, unknown> = {
      version: own.cdktfVersion,
      stackName: this.node.id,
      backend: 'local', // overwritten by the backend's own metadata, as in cdktf
      cloud: undefined, // overwritten by cloud and remote backends, as in cdktf
      ...(overridden ? { overrides: { stack: Object.keys(own.rawOverrides) } } : {}),
    };
    const elements = terraformElements(this);
    const metadatas = elements.map((e) => resolvePlainFast(this, e.toMetadata()));
    for (const meta of metadatas) deepMerge(metadata, meta);
    const outputs = elements.reduce<Record<string, unknown>>((carry, item) => {
      if (!TerraformOutput.isTerraformOutput(item)) return carry;
      // The output's construct path as nested keys ending in its id, exactly as cdktf builds its header.
      deepMerge(
        carry,
        item.node.path
          .split('/')
          .reduceRight<Record<string, unknown>>(
            (inner, part) =>
              Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner },
            {},
          ),
      );
      return carry;
    }, {});
    const tf: Record<string, unknown> = { '//': { metadata, outputs } };
    // One cache of resolved reference strings for the stack's elements.
    const references: ResolvedStrings = new Map();
    const fragments = elements.map((e) => resolveSettled(this, e.toTerraform(), references));

    if (!overridden && fragments.every((f) => f.settled)) {
      const merged: Record<string, unknown> = {};
      if (fragments.every((f) => mergeSettledFragment(merged, f.value))) {
        return { ...resolvePlainFast(this, { '//': tf['//'] }), ...merged };
      }
    }
    for (const fragment of fragments) deepMerge(tf, fragment.value);
    deepMerge(tf, own.rawOverrides);
    return Tokenization.resolve(tf, { scope: this, preparing: false, resolver: SAME_STACK_RESOLVER });
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
 * cdktf's deepMerge of a settled fragment into the stack's fragments so far (objects merge key by key, arrays
 * concatenate: two providers of one type; anything else replaces), where the result needs no second resolve.
 * False, with `target` to be thrown away, where cdktf would do something else or its second resolve could: a
 * fragment that is not an object or writes the header (`//`), an object merged into null (cdktf throws) or into
 * an array (its keys land on the array), a key cdktf's construct check reads (`_children`, `_metadata`).
 */
function mergeSettledFragment(target: Record<string, unknown>, fragment: unknown): boolean {
  if (typeof fragment !== 'object' || fragment === null || Array.isArray(fragment)) return false;
  if (Object.prototype.hasOwnProperty.call(fragment, '//')) return false;
  return mergeSettled(target, fragment as Record<string, unknown>);
}

function mergeSettled(target: Record<string, any>, source: Record<string, unknown>): boolean {
  for (const key of Object.keys(source)) {
    if (key === '_children' || key === '_metadata') return false;
    const value = source[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const current = target[key];
      if (typeof current !== 'object') target[key] = {};
      else if (current === null || Array.isArray(current)) return false;
      if (!mergeSettled(target[key], value as Record<string, unknown>)) return false;
    } else if (Array.isArray(value)) {
      target[key] = Array.isArray(target[key]) ? [...target[key], ...value] : value;
    } else if (value === undefined) {
      delete target[key];
    } else {
      target[key] = value;
    }
  }
  return true;
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
