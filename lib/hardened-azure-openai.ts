import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { OpenAIAccount, OpenAIAccountProps } from './account';
import { HardeningChecks } from './checklist/aspect';
import { StackCheck } from './checklist/stack-checks';
import { BlocklistOptions, ContentFilterPolicy, ContentFilterSetting } from './content-filter-policy';
import { HardeningRecord } from './hardening-record';
import { IdentityLockdown, PrincipalGrant, WorkloadIdentityOptions } from './identity-lockdown';
import { OptOut, validateOptOut } from './opt-out';
import { ExistingNetworkOptions, NewNetworkOptions, PrivateNetworking } from './private-networking';
import { ActionGroupOptions, SecurityMonitoring } from './security-monitoring';
import { SubscriptionCoverage } from './subscription-baseline';
import { fail, locateConfigErrors } from './validation';

/** Phase 1 options (see PrivateNetworkingProps). */
export interface HardenedNetworkingOptions {
  /**
   * Create a VNet.
   * @default - none; give newNetwork or existingNetwork
   */
  readonly newNetwork?: NewNetworkOptions;
  /**
   * Use an existing VNet and subnet.
   * @default - none; give newNetwork or existingNetwork
   */
  readonly existingNetwork?: ExistingNetworkOptions;
  /**
   * Resource group for the network and DNS resources (VNet, NSG, private endpoint, zones, links), so the network
   * team's group and lifecycle stay apart from the account's.
   * @default - the account's resource group
   */
  readonly resourceGroupName?: string;
  /**
   * Existing private DNS zone IDs (central DNS).
   * @default - zones created
   */
  readonly existingPrivateDnsZoneIds?: string[];
  /**
   * More VNets to link to the zones.
   * @default []
   */
  readonly additionalDnsLinkedVirtualNetworkIds?: string[];
  /**
   * The one owner of links to central zones (see PrivateNetworkingProps.dnsLinkOwner): links named
   * `link-<owner>-<vnet>` with `prevent_destroy`.
   * @default - none; required with existingPrivateDnsZoneIds and additionalDnsLinkedVirtualNetworkIds
   */
  readonly dnsLinkOwner?: string;
  /**
   * Remove the deny-all inbound rule (priority 4096), with a written reason.
   * @default - deny-all inbound in place: only the allowed sources reach the endpoint
   */
  readonly denyAllInboundOptOut?: OptOut;
}

/** Phase 2 options (see IdentityLockdownProps). */
export interface HardenedIdentityOptions {
  /**
   * Managed identities to create for workloads.
   * @default []
   */
  readonly workloadIdentities?: WorkloadIdentityOptions[];
  /**
   * Existing principals to grant roles.
   * @default []
   */
  readonly grants?: PrincipalGrant[];
  /**
   * Resource group for created identities.
   * @default - the account's resource group
   */
  readonly resourceGroupName?: string;
}

/** Phase 3 options (see ContentFilterPolicyProps). */
export interface HardenedContentFilterOptions {
  /**
   * Policy name.
   * @default "strict-production-filter"
   */
  readonly policyName?: string;
  /**
   * Base policy.
   * @default "Microsoft.DefaultV2"
   */
  readonly basePolicyName?: string;
  /**
   * Filtering mode: Default or Blocking filter before content is returned; Deferred and Asynchronous_filter
   * stream content before filtering completes and need an opt-out.
   * @default "Default"
   */
  readonly mode?: string;
  /**
   * Reason for a streaming mode (Deferred, Asynchronous_filter).
   * @default - streaming modes refused
   */
  readonly modeOptOut?: OptOut;
  /**
   * Filter overrides.
   * @default [] - the strict policy
   */
  readonly filters?: ContentFilterSetting[];
  /**
   * Custom blocklists.
   * @default []
   */
  readonly blocklists?: BlocklistOptions[];
}

/** Phase 4 options (see SecurityMonitoringProps). */
export interface HardenedMonitoringOptions {
  /**
   * Existing Log Analytics workspace.
   * @default - created with 365-day retention
   */
  readonly existingWorkspaceId?: string;
  /**
   * Resource group for the workspace, alerts and action groups.
   * @default - the account's resource group
   */
  readonly resourceGroupName?: string;
  /**
   * Name of the created workspace.
   * @default - log-<account name>
   */
  readonly workspaceName?: string;
  /**
   * Retention of the created workspace, in days (365 or more: the guide keeps audit data a year). A reference is
   * checked at plan by a precondition.
   * @default 365
   */
  readonly retentionInDays?: number;
  /**
   * Evaluation frequency override for the 5-minute log alerts (a frequency Azure accepts, e.g. PT5M, PT15M).
   * @default - each detection's own frequency
   */
  readonly logAlertFrequency?: string;
  /**
   * How the subscription's Activity Log export and Defender for AI plan are provided (see SubscriptionCoverage).
   * @default - none created; the checklist reports AOAI-MON-003 and AOAI-MON-011 until a coverage is declared
   */
  readonly subscriptionCoverage?: SubscriptionCoverage;
  /**
   * Security team receivers.
   * @default - no receivers
   */
  readonly securityTeam?: ActionGroupOptions;
  /**
   * FinOps receivers.
   * @default - no receivers
   */
  readonly finOps?: ActionGroupOptions;
  /**
   * Change management receivers.
   * @default - no receivers
   */
  readonly changeManagement?: ActionGroupOptions;
  /**
   * The account's Defender for AI setting (the subscription plan comes from subscriptionCoverage).
   * @default true
   */
  readonly defenderForAI?: boolean;
  /**
   * Reason for turning Defender for AI off.
   * @default - required when defenderForAI is false
   */
  readonly defenderForAIOptOut?: OptOut;
}

/** Settings of a hardened Azure OpenAI deployment. */
export interface HardenedAzureOpenAIProps {
  /** The account and its deployments. */
  readonly account: OpenAIAccountProps;
  /**
   * Private networking. Required unless privateNetworkingOptOut is given.
   * @default - none
   */
  readonly networking?: HardenedNetworkingOptions;
  /**
   * Skip private networking (the account then has no network path at all unless public access is opted in).
   * @default - private networking required
   */
  readonly privateNetworkingOptOut?: OptOut;
  /**
   * Identities and grants.
   * @default - key auth off, no grants
   */
  readonly identity?: HardenedIdentityOptions;
  /**
   * Content filter policy.
   * @default - the guide's strict policy
   */
  readonly contentFilter?: HardenedContentFilterOptions;
  /**
   * Monitoring.
   * @default - workspace, diagnostics, detections, action groups without receivers, Defender for AI
   */
  readonly monitoring?: HardenedMonitoringOptions;
  /**
   * Leave the HardeningChecks Aspect out of this stack (for instance when CI runs `aoai-harden check` on the plan
   * instead). Recorded in the stack's hardening record with its reason; it exempts no rule.
   * @default - the stack gets HardeningChecks: every synth judges it and fails on error-level findings
   */
  readonly hardeningChecksOptOut?: OptOut;
}

/**
 * The composition most users reach for: a hardened account plus the four phases
 * (PrivateNetworking, IdentityLockdown, ContentFilterPolicy, SecurityMonitoring) with secure defaults.
 * Construct IDs below are a public contract: renaming one replaces Azure resources.
 *
 * @example
 * import { App, TerraformStack } from 'cdktf';
 * import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
 * import { HardenedAzureOpenAI, SubscriptionCoverage } from 'cdktf-azure-openai-hardening';
 *
 * const app = new App();
 * const stack = new TerraformStack(app, 'aoai-prod');
 * new AzurermProvider(stack, 'azurerm', { features: [{}] });
 * new HardenedAzureOpenAI(stack, 'AzureOpenAI', {
 *   account: {
 *     name: 'aoai-prod-swc', resourceGroupName: 'rg-aoai-prod', location: 'swedencentral',
 *     deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
 *   },
 *   networking: {
 *     newNetwork: { name: 'vnet-aoai', addressSpace: '10.0.0.0/16', endpointSubnetCidr: '10.0.1.0/24', appSubnetCidrs: ['10.0.2.0/24'] },
 *   },
 *   monitoring: {
 *     securityTeam: { emailAddresses: ['secops@contoso.com'] },
 *     subscriptionCoverage: SubscriptionCoverage.managedElsewhere('the platform team deploys the subscription baseline'),
 *   },
 * });
 * app.synth(); // judged by the hardening checklist: error-level findings fail the synth
 */
export class HardenedAzureOpenAI extends Construct {
  /** The hardened account and its deployments (construct ID "Account"). */
  public readonly account: OpenAIAccount;
  /** Phase 1 (construct ID "Networking"); undefined only with privateNetworkingOptOut. */
  public readonly networking?: PrivateNetworking;
  /** Phase 2 (construct ID "Identity"). */
  public readonly identity: IdentityLockdown;
  /** Phase 3 (construct ID "ContentFilter"). */
  public readonly contentFilter: ContentFilterPolicy;
  /** Phase 4 (construct ID "Monitoring"). */
  public readonly monitoring: SecurityMonitoring;

  constructor(scope: Construct, id: string, props: HardenedAzureOpenAIProps) {
    super(scope, id);
    const tags = props.account.tags;
    // Each phase validates its own props; a config error names this construct and the full property path.
    this.account = locateConfigErrors(
      this,
      'account.',
      () => new OpenAIAccount(this, 'Account', props.account),
    );
    // The policy first: deployments bind to it and depend on it.
    this.contentFilter = locateConfigErrors(
      this,
      'contentFilter.',
      () =>
        new ContentFilterPolicy(this, 'ContentFilter', {
          account: this.account,
          tags,
          ...props.contentFilter,
        }),
    );
    this.identity = locateConfigErrors(
      this,
      'identity.',
      () => new IdentityLockdown(this, 'Identity', { account: this.account, tags, ...props.identity }),
    );
    this.networking = this.addNetworking(props);
    this.monitoring = locateConfigErrors(
      this,
      'monitoring.',
      () => new SecurityMonitoring(this, 'Monitoring', { account: this.account, tags, ...props.monitoring }),
    );
    locateConfigErrors(this, '', () => this.addHardeningChecks(props.hardeningChecksOptOut));
  }

  /** Phase 1, or the recorded opt-out of it. */
  private addNetworking(props: HardenedAzureOpenAIProps): PrivateNetworking | undefined {
    if (props.networking) {
      const tags = props.account.tags;
      return locateConfigErrors(
        this,
        'networking.',
        () => new PrivateNetworking(this, 'Networking', { account: this.account, tags, ...props.networking }),
      );
    }
    const optOut = locateConfigErrors(this, '', () =>
      validateOptOut('privateNetworkingOptOut', props.privateNetworkingOptOut),
    );
    if (!optOut) {
      fail(
        'networking',
        props.networking,
        'Pass networking.newNetwork or networking.existingNetwork, or privateNetworkingOptOut with a reason.',
        this,
      );
    }
    HardeningRecord.of(this).recordOptOut(
      this.account.resource,
      ['AOAI-NET-006', 'AOAI-NET-007', 'AOAI-NET-008', 'AOAI-NET-009'],
      'privateNetworkingOptOut',
      optOut,
    );
    return undefined;
  }

  /** Secure by default at synth: the checklist judges this stack unless an opt-out with a reason says otherwise. */
  private addHardeningChecks(optOut: OptOut | undefined): void {
    const valid = validateOptOut('hardeningChecksOptOut', optOut);
    if (valid) {
      HardeningRecord.of(this).recordSynthChecksOptOut('hardeningChecksOptOut', valid);
      // An App-level HardeningChecks still covers this stack: that is an explicit request of its own.
      StackCheck.of(TerraformStack.of(this));
      return;
    }
    HardeningChecks._addDefault(this);
  }
}
