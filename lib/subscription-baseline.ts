import { DataAzurermSubscription } from '@cdktf/provider-azurerm/lib/data-azurerm-subscription';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { TerraformResource, TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { azapiProviderFor } from './azapi/provider';
import { AzapiUpdateResource } from './azapi/update-resource';
import { HardeningRecord } from './hardening-record';
import { HclTerraformResource } from './hcl';
import { NamingScheme } from './naming';
import { MIN_REASON_LENGTH, OptOut, validateOptOut } from './opt-out';
import { SUBSCRIPTION_BASELINE_KIND, SUBSCRIPTION_COVERAGE_KIND } from './record-format';
import { registerBaseline, registerCoverage } from './subscription-claims';
import {
  fail,
  isListToken,
  isUnresolved,
  literalElements,
  requireNonEmpty,
  validateResourceId,
} from './validation';

export { SUBSCRIPTION_BASELINE_KIND, SUBSCRIPTION_COVERAGE_KIND };

/**
 * Activity Log categories exported. Administrative carries deployment, RAI policy and key-listing writes; Security,
 * Policy and Alert carry Defender, policy and alert events (the detections read AzureActivity).
 * Source: learn.microsoft.com/azure/azure-monitor/platform/activity-log-schema (categories).
 */
export const ACTIVITY_LOG_CATEGORIES: readonly string[] = ['Administrative', 'Security', 'Policy', 'Alert'];

/**
 * Defender for AI plan extension that adds prompts to alert evidence (see docs/azure-facts.md §8:
 * "AIPromptEvidence", Microsoft.Security pricings spec).
 */
export const DEFENDER_PROMPT_EVIDENCE_EXTENSION = 'AIPromptEvidence';

/**
 * API version of the Defender plan write (`Microsoft.Security/pricings`): 2024-01-01 is the stable version with
 * plan `extensions` (REST spec Azure/azure-rest-api-specs specification/security/resource-manager/Microsoft.Security/
 * stable/2024-01-01/pricings.json; in azapi's embedded schemas since v1.11.0).
 */
export const DEFENDER_PRICINGS_API_VERSION = '2024-01-01';

/** The Defender for AI settings of a subscription baseline. */
export interface SubscriptionBaselineOptions {
  /**
   * Turn on the Microsoft Defender for AI plan (resource type "AI", tier Standard) for the subscription.
   * @default true
   */
  readonly defenderForAI?: boolean;
  /**
   * The reason for leaving the plan off.
   * @default - required when defenderForAI is false
   */
  readonly defenderForAIOptOut?: OptOut;
  /**
   * Include prompt evidence in Defender alerts (the AIPromptEvidence extension). Prompts can hold personal data.
   * @default false
   */
  readonly defenderPromptEvidence?: boolean;
  /**
   * Further plan extensions to enable, by name (an extension not listed is not enabled).
   * @default []
   */
  readonly defenderExtensions?: string[];
}

/** Settings of a subscription baseline. */
export interface SubscriptionBaselineProps extends SubscriptionBaselineOptions {
  /**
   * Prefix of the derived names (the Activity Log export is `diag-<prefix>-activity-log`).
   * 1-40 lower-case letters, digits and hyphens.
   */
  readonly namePrefix: string;
  /** The Log Analytics workspace that receives the subscription Activity Log. */
  readonly activityLogWorkspaceId: string;
  /**
   * Who already exports the subscription's Activity Log to `activityLogWorkspaceId` (a platform diagnostic setting,
   * or a landing zone's Deploy-AzActivity-Log policy), at least 10 characters. Azure sends a log category of a
   * resource to a destination from one diagnostic setting only, so a second export of the same categories to that
   * workspace is refused ("Data sink ... is already used": Azure/bicep-registry-modules#3407,
   * Azure/Community-Policy#188). With it, no export is written here: the declaration and the workspace are recorded
   * in the baseline's `terraform_data` marker, and AOAI-MON-003 reports the declaration instead of an export.
   * @default - the baseline writes its own export, so the Activity Log is exported whatever the platform does
   */
  readonly activityLogExportManagedBy?: string;
}

/**
 * What exists once per subscription (the subscription of the stack's azurerm provider): the Activity Log export to a chosen workspace and the Defender for AI plan
 * with its extensions. Deploy it once per subscription (in its own stack); account stacks then declare
 * `SubscriptionCoverage.byBaselineStack(...)` instead of creating these singletons, so stacks never fight over them
 * and destroying one environment never switches off another's export or plan.
 *
 * @example
 * import { App, TerraformStack } from 'cdktf';
 * import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
 * import { SubscriptionBaseline } from 'cdktf-azure-openai-hardening';
 *
 * const app = new App();
 * // Once per subscription, in its own stack (deploy it before the account stacks).
 * const baseline = new TerraformStack(app, 'aoai-subscription-baseline');
 * new AzurermProvider(baseline, 'azurerm', { features: [{}] });
 * new SubscriptionBaseline(baseline, 'Baseline', {
 *   namePrefix: 'aoai',
 *   activityLogWorkspaceId: '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-platform/providers/Microsoft.OperationalInsights/workspaces/log-platform',
 * });
 */
export class SubscriptionBaseline extends Construct {
  /** `/subscriptions/<id>` of the covered subscription. @attribute */
  public readonly subscriptionScope: string;
  /** The subscription diagnostic setting exporting the Activity Log (none when `activityLogExportManagedBy` is set). */
  public readonly activityLogExport?: MonitorDiagnosticSetting;
  /**
   * The Defender for AI plan write, unless opted out: an `azapi_update_resource` on
   * `<subscription>/providers/Microsoft.Security/pricings/AI`. The plan always exists (Free or Standard), so the
   * write never conflicts with a plan the platform already set to Standard, and destroying it leaves the plan as it
   * is. (`azurerm_security_center_subscription_pricing` refuses to create over a Standard plan, "needs to be
   * imported", and its delete sets the whole subscription back to Free: terraform-provider-azurerm v4.55.0
   * internal/services/securitycenter/security_center_subscription_pricing_resource.go, create and delete.)
   */
  public readonly defenderForAIPlan?: AzapiUpdateResource;

  constructor(scope: Construct, id: string, props: SubscriptionBaselineProps) {
    super(scope, id);
    const naming = NamingScheme.fromPrefix(props.namePrefix);
    validateResourceId(
      'activityLogWorkspaceId',
      requireNonEmpty(
        'activityLogWorkspaceId',
        props.activityLogWorkspaceId,
        'Pass the Log Analytics workspace ID.',
      ),
      'Microsoft.OperationalInsights/workspaces',
      '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>',
    );
    // The subscription of the stack's azurerm provider: the Defender pricing has no subscription argument and
    // always lands there (azurerm 4.55.0 security_center_subscription_pricing schema), so the export follows it.
    this.subscriptionScope = new DataAzurermSubscription(this, 'Subscription', {}).id;

    registerBaseline(this);
    const exportedBy = validateExportManagedBy(props.activityLogExportManagedBy);
    const marker = new HclTerraformResource(this, 'Marker', { terraformResourceType: 'terraform_data' });
    marker.addOverride('input', {
      kind: SUBSCRIPTION_BASELINE_KIND,
      name_prefix: naming.prefix,
      ...(exportedBy !== undefined
        ? { activity_log_exported_by: exportedBy, activity_log_workspace_id: props.activityLogWorkspaceId }
        : {}),
    });

    if (exportedBy === undefined) {
      this.activityLogExport = new MonitorDiagnosticSetting(this, 'ActivityLogExport', {
        // Diagnostic setting names are unique per target (here the subscription): derived, never a constant.
        name: naming.name('diag', 260, 'activity-log'),
        targetResourceId: this.subscriptionScope,
        logAnalyticsWorkspaceId: props.activityLogWorkspaceId,
        enabledLog: ACTIVITY_LOG_CATEGORIES.map((category) => ({ category })),
      });
    }

    const optOut = validateOptOut('defenderForAIOptOut', props.defenderForAIOptOut);
    if (props.defenderForAI === false) {
      if (!optOut) {
        fail(
          'defenderForAI',
          false,
          'Defender for AI detects jailbreaks, data leakage and credential theft; keep it on, or pass defenderForAIOptOut with a reason.',
        );
      }
      HardeningRecord.of(this).recordOptOut(marker, ['AOAI-MON-011'], 'defenderForAIOptOut', optOut);
      return;
    }
    this.defenderForAIPlan = this.writeDefenderPlan(props);
  }

  /**
   * The plan set to Standard with the requested extensions. One pricing per subscription and resource type
   * (docs/azure-facts.md §8): this is why it lives here and not in each account stack. Without requested extensions the
   * body carries no `extensions`, so extensions the platform turned on stay as they are.
   */
  private writeDefenderPlan(props: SubscriptionBaselineProps): AzapiUpdateResource {
    const listToken = isListToken(props.defenderExtensions);
    const extensions = [
      ...(props.defenderPromptEvidence ? [DEFENDER_PROMPT_EVIDENCE_EXTENSION] : []),
      ...literalElements(props.defenderExtensions),
    ];
    extensions.forEach((name, i) => {
      if (!isUnresolved(name) && !/^[A-Za-z][A-Za-z0-9]*$/.test(name ?? '')) {
        fail(`defenderExtensions[${i}]`, name, 'Use an extension name such as AIPromptEvidence.');
      }
    });
    if (new Set(extensions).size !== extensions.length) {
      fail(
        'defenderExtensions',
        extensions,
        'List each extension once (defenderPromptEvidence adds AIPromptEvidence).',
      );
    }
    azapiProviderFor(this);
    return new AzapiUpdateResource(this, 'DefenderForAIPlan', {
      type: 'Microsoft.Security/pricings@2024-01-01', // DEFENDER_PRICINGS_API_VERSION
      resourceId: `${this.subscriptionScope}/providers/Microsoft.Security/pricings/AI`,
      body: {
        properties: {
          pricingTier: 'Standard',
          extensions: listToken
            ? extensionList(extensions, props.defenderExtensions!)
            : extensions.length
              ? extensions.map((name) => ({ name, isEnabled: 'True' }))
              : undefined,
        },
      },
    });
  }
}

/**
 * How an account stack's subscription gets its once-per-subscription resources (Activity Log export, Defender for
 * AI plan). The declaration is written to the synthesized Terraform, and the checklist reports it.
 */
export class SubscriptionCoverage {
  /**
   * Covered by the SubscriptionBaseline of another stack of this app: pass that stack (or the SubscriptionBaseline
   * itself, or any construct in its stack). The declaring stack depends on it (`cdktf deploy` deploys the baseline
   * first), and synth fails when that stack holds no SubscriptionBaseline.
   *
   * @example SubscriptionCoverage.byBaselineStack(baselineStack)
   */
  public static byBaselineStack(baseline: IConstruct): SubscriptionCoverage {
    if (typeof baseline === 'string' || !baseline?.node) {
      fail(
        'subscriptionCoverage.byBaselineStack',
        baseline,
        'Pass the baseline TerraformStack itself (or its SubscriptionBaseline), not its name: a name cannot record the deploy order. A stack known only by name: byBaselineStackName(name).',
      );
    }
    return new SubscriptionCoverage('baseline-stack', {}, undefined, TerraformStack.of(baseline));
  }

  /**
   * Covered by the SubscriptionBaseline in the stack of this app with the given name (its construct ID). The name
   * is looked up at synth: a name that matches no stack, or a stack without a SubscriptionBaseline, fails synth
   * with the stacks that hold one. Prefer byBaselineStack(stack), which the compiler checks.
   */
  public static byBaselineStackName(stackName: string): SubscriptionCoverage {
    if (!stackName || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(stackName)) {
      fail(
        'subscriptionCoverage.byBaselineStackName',
        stackName,
        'Name the stack that holds the SubscriptionBaseline (its construct ID).',
      );
    }
    return new SubscriptionCoverage('baseline-stack', { baseline_stack: stackName });
  }

  /** Covered outside this package (a platform team, Azure Policy), with a written reason of 10 characters or more. */
  public static managedElsewhere(reason: string): SubscriptionCoverage {
    if ((reason ?? '').trim().length < MIN_REASON_LENGTH) {
      fail(
        'subscriptionCoverage.managedElsewhere',
        reason,
        `Say who provides the Activity Log export and the Defender for AI plan (at least ${MIN_REASON_LENGTH} characters).`,
      );
    }
    return new SubscriptionCoverage('managed-elsewhere', { reason: reason.trim() });
  }

  /**
   * Create the SubscriptionBaseline in this stack (a single-stack subscription). A second stack in the same
   * subscription must then use byBaselineStack(this stack): two baselines for one subscription fail synth.
   */
  public static inThisStack(options: SubscriptionBaselineOptions = {}): SubscriptionCoverage {
    return new SubscriptionCoverage('this-stack', {}, options);
  }

  private constructor(
    /** "baseline-stack", "managed-elsewhere" or "this-stack". */
    public readonly mode: string,
    private readonly details: Record<string, string>,
    /** Baseline options when mode is "this-stack". */
    public readonly baselineOptions?: SubscriptionBaselineOptions,
    private readonly baselineStack?: TerraformStack,
  ) {}

  /**
   * Write the declaration into the stack (a terraform_data resource the checklist reads); a baseline stack
   * declaration also records the stack dependency and is checked against the app at synth.
   */
  public declare(scope: Construct, id: string): TerraformResource {
    const declaration = new HclTerraformResource(scope, id, { terraformResourceType: 'terraform_data' });
    const stackName = this.baselineStack ? { baseline_stack: this.baselineStack.node.id } : {};
    declaration.addOverride('input', {
      kind: SUBSCRIPTION_COVERAGE_KIND,
      covered_by: this.mode,
      ...this.details,
      ...stackName,
    });
    if (this.mode === 'baseline-stack') {
      registerCoverage({
        declaredBy: scope,
        baselineStack: this.baselineStack,
        baselineStackName: this.details.baseline_stack,
      });
    }
    return declaration;
  }
}

/** The declared owner of an existing Activity Log export: at least 10 characters (a reference is taken as given). */
function validateExportManagedBy(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = String(value ?? '').trim();
  if (!isUnresolved(value) && trimmed.length < MIN_REASON_LENGTH) {
    fail(
      'activityLogExportManagedBy',
      value,
      `Say which diagnostic setting or policy already exports the Activity Log to activityLogWorkspaceId (at least ${MIN_REASON_LENGTH} characters), or leave it out to export it here.`,
    );
  }
  return isUnresolved(value) ? value : trimmed;
}

/**
 * Extensions for a whole-list reference of names (plus literal ones), as one HCL list expression (the REST shape:
 * `{ name, isEnabled: "True" }` per extension, pricings.json Extension).
 */
function extensionList(literal: string[], names: string[]): any {
  const all = literal.length
    ? `concat(${JSON.stringify(literal)}, ${Token.asString(names)})`
    : Token.asString(names);
  return Token.asAny(`\${[for n in ${all} : { name = n, isEnabled = "True" }]}`);
}
