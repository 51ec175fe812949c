import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Aspects, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import {
  AccountKind,
  AccountRole,
  HardenedAzureOpenAI,
  HardenedNetworkingOptions,
  HardeningChecks,
  SubscriptionCoverage,
} from '../lib';
import { StackConfig } from './config';
import { ConfiguredStack } from './configured-stack';

/** The reference stack: a thin wrapper around HardenedAzureOpenAI, configured from StackConfig. */
export class HardenedOpenAIStack extends ConfiguredStack {
  public readonly hardened: HardenedAzureOpenAI;

  constructor(scope: Construct, config: StackConfig) {
    super(scope, config, {
      cognitiveAccount: [{ purgeSoftDeleteOnDestroy: config.purgeSoftDeleteOnDestroy }],
    });
    const rg = new ResourceGroup(this, 'ResourceGroup', {
      name: config.resourceGroupName,
      location: config.location,
      tags: config.tags,
    });

    this.hardened = new HardenedAzureOpenAI(this, 'AzureOpenAI', {
      account: {
        name: config.accountName,
        resourceGroupName: rg.name,
        location: config.location,
        kind: AccountKind.of(config.kind ?? 'OpenAI'),
        deployments: config.deployments,
        deletionProtection: config.deletionProtection,
        tags: config.tags,
      },
      networking: networkingOf(config),
      identity: {
        workloadIdentities: config.workloadIdentities.map((name) => ({ name, role: AccountRole.INVOKE })),
      },
      contentFilter: {
        blocklists: [
          { name: config.blocklist.name, items: config.blocklist.items.map((pattern) => ({ pattern })) },
        ],
      },
      monitoring: {
        subscriptionCoverage: subscriptionCoverage(scope, config),
        securityTeam: { emailAddresses: config.monitoring.securityEmails },
        finOps: { emailAddresses: config.monitoring.finOpsEmails },
        changeManagement: { emailAddresses: config.monitoring.changeEmails },
      },
    });

    // The checklist runs on every synth: error-level findings fail it; reports land next to cdk.tf.json.
    Aspects.of(this).add(new HardeningChecks());

    const { account, networking, identity } = this.hardened;
    new TerraformOutput(this, 'endpoint', {
      value: account.endpoint,
      description: 'Data-plane endpoint (resolves privately inside linked VNets)',
    });
    new TerraformOutput(this, 'account_id', { value: account.accountId });
    new TerraformOutput(this, 'private_ip', {
      value: networking!.privateIpAddress,
      description: 'Private endpoint IP: nslookup of the endpoint from the VNet must return it',
    });
    new TerraformOutput(this, 'workload_identity_client_ids', {
      value: Object.fromEntries(
        Object.entries(identity.workloadIdentities).map(([name, id]) => [name, id.clientId]),
      ),
      description: 'Client IDs for the workloads (AZURE_CLIENT_ID); no keys are ever output',
    });
  }
}

/** A new VNet, or a landing zone's spoke (its NSG adopted, the hub's DNS zones used). */
function networkingOf(config: StackConfig): HardenedNetworkingOptions {
  const net = config.network;
  const dns = {
    existingPrivateDnsZoneIds: net.privateDnsZoneIds,
    additionalDnsLinkedVirtualNetworkIds: net.dnsLinkedVirtualNetworkIds,
    dnsLinkOwner: net.dnsLinkOwner,
  };
  if (net.existing) return { existingNetwork: net.existing, ...dns };
  return {
    newNetwork: {
      name: net.vnetName,
      addressSpace: net.addressSpace,
      endpointSubnetCidr: net.endpointSubnetCidr,
      appSubnetCidrs: net.appSubnetCidrs,
      apimSubnetCidr: net.apimSubnetCidr,
    },
    ...dns,
  };
}

function subscriptionCoverage(scope: Construct, config: StackConfig): SubscriptionCoverage {
  const c = config.subscriptionCoverage;
  // Presence, not truthiness: an empty reason must reach managedElsewhere's check, not fall through.
  if (c.baselineStack !== undefined) {
    // The baseline stacks are built first (reference-app.ts): pass the stack itself, so the deploy order is recorded.
    const baseline = scope.node.tryFindChild(c.baselineStack);
    return baseline
      ? SubscriptionCoverage.byBaselineStack(baseline)
      : SubscriptionCoverage.byBaselineStackName(c.baselineStack);
  }
  if (c.managedElsewhere !== undefined) return SubscriptionCoverage.managedElsewhere(c.managedElsewhere);
  return SubscriptionCoverage.inThisStack();
}
