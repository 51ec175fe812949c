import {
  NetworkSecurityGroup,
  NetworkSecurityGroupSecurityRule,
} from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import {
  DefaultTokenResolver,
  Fn,
  Op,
  StringConcat,
  TerraformIterator,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  Token,
  Tokenization,
} from 'cdktf';
import { Construct } from 'constructs';
import { AccountWriteStage, IOpenAIAccount } from './account';
import { azapiProviderFor } from './azapi/provider';
import { AzapiResource } from './azapi/resource';
import { AzapiUpdateResource } from './azapi/update-resource';
import {
  APIM_INBOUND_RULES,
  COGNITIVE_API_VERSION,
  NETWORK_API_VERSION,
  PRIVATE_DNS_API_VERSION,
  PRIVATE_LINK_SUBRESOURCE,
} from './azure-facts';
import { HardeningRecord } from './hardening-record';
import { HclTerraformResource, withHclOutput } from './hcl';
import { NAME_LIMITS, NamingScheme, fitName } from './naming';
import {
  DENY_ALL_PRIORITY,
  MIN_RULE_PRIORITY,
  PrioritizedSource,
  checkPriorityCollisions,
  derivedPriority,
} from './nsg-priority';
import { MIN_REASON_LENGTH, OptOut, validateOptOut } from './opt-out';
import { NETWORK_ADOPTION_KIND } from './record-format';
import {
  AZURE_NAME_RULES,
  BROADEST_SOURCE_PREFIX,
  Cidr,
  cidrContains,
  constructKey,
  fail,
  isListToken,
  isUnresolved,
  literalElements,
  parseCidrOrToken,
  rejectDuplicates,
  rejectOverlaps,
  validateAzureName,
  validateResourceId,
} from './validation';

/** Resources given plan-time preconditions, valid in HCL output too (lib/hcl.ts). */
const GuardedNetworkSecurityRule = withHclOutput(NetworkSecurityRule);

/** A network allowed to reach the private endpoint on TCP 443. */
export interface AllowedSource {
  /** Rule name suffix, e.g. "app" (becomes Allow-app-443). It keys the rule: renaming a source replaces its rule. */
  readonly name: string;
  /** Source IPv4 CIDR. */
  readonly cidr: string;
  /**
   * NSG rule priority, 100-4095 (4096 is the deny-all rule).
   * @default - derived from the name: 100 + (SHA-256 of the name, first 32 bits) mod 3900, so adding, removing or
   * reordering other sources never renumbers this one; a collision is refused at synth (then set it here)
   */
  readonly priority?: number;
}

/** A workload subnet created in the new VNet, keyed by its name. */
export interface AppSubnet {
  /**
   * Name: the subnet is `snet-<name>`, its construct ID `Subnet-<name>` and its NSG rule `Allow-<name>-443`.
   * 1-40 letters, digits and hyphens; not "apim" or "private-endpoints".
   */
  readonly name: string;
  /** CIDR inside the VNet's address space. */
  readonly cidr: string;
  /**
   * Priority of its NSG rule.
   * @default - derived from the name (see AllowedSource.priority)
   */
  readonly priority?: number;
}

/** A VNet created by this construct for the reference deployment. */
export interface NewNetworkOptions {
  /** VNet name. */
  readonly name: string;
  /** VNet address space, e.g. 10.20.0.0/16. */
  readonly addressSpace: string;
  /** CIDR of the private endpoint subnet. */
  readonly endpointSubnetCidr: string;
  /**
   * Workload subnets allowed to call the account, keyed by name (give this or appSubnetCidrs, at least one).
   * Removing one deletes only that subnet and its rule.
   * @default - appSubnetCidrs
   */
  readonly appSubnets?: AppSubnet[];
  /**
   * CIDRs of the workload subnets, named app1, app2, ... by position (kept for existing stacks: the same IDs as
   * before). Removing the first would rewrite the second's address range in place (a subnet in use cannot change
   * it): prefer appSubnets, whose `{ name: 'app1', cidr }` keeps these addresses.
   * @default - appSubnets
   * @deprecated use appSubnets
   */
  readonly appSubnetCidrs?: string[];
  /**
   * CIDR of an API Management subnet allowed to call the account.
   * @default - no APIM subnet
   */
  readonly apimSubnetCidr?: string;
}

/** The user's existing network (the common enterprise case). */
export interface ExistingNetworkOptions {
  /** ID of the VNet that holds the endpoint subnet. */
  readonly virtualNetworkId: string;
  /** ID of the subnet for the private endpoint. */
  readonly endpointSubnetId: string;
  /** Sources allowed to reach the endpoint on TCP 443 (at least one). */
  readonly allowedSources: AllowedSource[];
  /**
   * The NSG the platform already put on the endpoint subnet (landing zones require one on every subnet). The
   * package then adds its rules to that NSG (azapi `securityRules` children, named `Allow-<account>-<source>-443`
   * and `Deny-<account>-All-Inbound`) and neither creates an NSG nor touches the subnet's association: an
   * association on a subnet that has an NSG is refused ("needs to be imported"), and replacing it would drop the
   * platform's rules and flow logs. Must be in the VNet's subscription.
   * @default - the package creates its own NSG and associates it with the subnet (the subnet must have none)
   */
  readonly networkSecurityGroupId?: string;
  /**
   * Set `privateEndpointNetworkPolicies = Enabled` on the endpoint subnet, so the NSG applies to private endpoint
   * traffic: on the azurerm_subnet itself when the subnet is created in this stack (pass its `id`, and create it
   * before this construct), otherwise through an azapi update. Turn off only if the subnet's owner already sets it
   * (say who in subnetNetworkPoliciesManagedBy).
   * @default true
   */
  readonly enableSubnetNetworkPolicies?: boolean;
  /**
   * Who sets `privateEndpointNetworkPolicies = Enabled` on the endpoint subnet, when a network team manages the
   * subnet with `azurerm_subnet` (which sends its own value on every apply and would undo the package's azapi
   * patch). With it no patch is written; the declaration is recorded for the checklist (AOAI-NET-008).
   * At least 10 characters, e.g. "platform spoke module sets it (ticket NET-1234)".
   * @default - the package patches the subnet (enableSubnetNetworkPolicies)
   */
  readonly subnetNetworkPoliciesManagedBy?: string;
  /**
   * Region of the VNet: the private endpoint and a created NSG go there ("The private endpoint must be deployed in
   * the same region and subscription as the virtual network. The private-link resource can be deployed in a
   * different region": learn.microsoft.com/azure/private-link/private-endpoint-overview).
   * @default - the account's location (set this when the models live in another region than the spoke)
   */
  readonly location?: string;
  /**
   * Subscription of the VNet; checked against the VNet's ID when both are literal.
   * @default - read from virtualNetworkId
   */
  readonly subscriptionId?: string;
  /**
   * An azurerm provider (an alias) for the VNet's subscription, when it is not the stack's default one: the
   * private endpoint, a created NSG and its rules are written through it. A literal `subscriptionId` on the
   * provider is checked against the VNet's.
   * @default - the stack's default azurerm provider
   */
  readonly provider?: TerraformProvider;
}

/** Settings of the private networking. */
export interface PrivateNetworkingProps {
  /** The account to isolate. */
  readonly account: IOpenAIAccount;
  /**
   * Resource group for the network resources (in the VNet's subscription for existingNetwork).
   * @default - the account's resource group; with existingNetwork.provider, the VNet's resource group
   */
  readonly resourceGroupName?: string;
  /**
   * Create a VNet with endpoint, app and optional APIM subnets. Exactly one of newNetwork / existingNetwork.
   * @default - none
   */
  readonly newNetwork?: NewNetworkOptions;
  /**
   * Use existing VNet and subnet. Exactly one of newNetwork / existingNetwork.
   * @default - none
   */
  readonly existingNetwork?: ExistingNetworkOptions;
  /**
   * Existing private DNS zone IDs (hub-and-spoke with central DNS); their names must be the zones the account kind
   * needs. No `privatelink.*` zone is then created here (landing zones deny them in spokes: policy
   * Deny-Private-DNS-Zones), and no VNet is linked unless additionalDnsLinkedVirtualNetworkIds names it.
   * @default - the zones are created in the network resource group
   */
  readonly existingPrivateDnsZoneIds?: string[];
  /**
   * Further VNets to link to the zones (hub, on-premises DNS resolver VNet, other spokes).
   * The endpoint's VNet is always linked when the zones are created here. With central zones
   * (existingPrivateDnsZoneIds) a link is made only when asked here, and needs dnsLinkOwner: Azure allows one
   * link per zone and VNet, and the hub usually owns it already.
   * @default []
   */
  readonly additionalDnsLinkedVirtualNetworkIds?: string[];
  /**
   * The one owner of links to central zones (a stack or team name, 1-40 lower-case letters, digits and hyphens):
   * the links are named `link-<owner>-<vnet>` instead of per account, and carry `prevent_destroy`, because the
   * spoke's only link decides how every endpoint in it resolves. Set it to the account name to keep the link names
   * of earlier versions (`link-<account>-<vnet>`).
   * @default - none; required with existingPrivateDnsZoneIds and additionalDnsLinkedVirtualNetworkIds
   */
  readonly dnsLinkOwner?: string;
  /**
   * Remove the deny-all inbound rule (priority 4096), with a written reason.
   * @default - deny-all inbound in place: only the allowed sources reach the endpoint
   */
  readonly denyAllInboundOptOut?: OptOut;
  /**
   * Tags for the created resources.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** What the validation step settles before anything is created. */
interface NetworkPlan {
  readonly rg: string;
  readonly location: string;
  readonly provider?: TerraformProvider;
  readonly denyOptOut?: OptOut;
  readonly sources: SourceRule[];
  /** The platform's NSG (existingNetwork.networkSecurityGroupId), when adopted. */
  readonly adoptedNsg?: { id: string; name: string; resourceGroupName: string };
}

/** The endpoint network: IDs, a created VNet and subnets, and what the NSG association must wait for. */
interface EndpointNetwork {
  readonly virtualNetworkId: string;
  readonly endpointSubnetId: string;
  readonly virtualNetwork?: VirtualNetwork;
  readonly appSubnetIds: string[];
  readonly subnetDependency?: TerraformResource;
  readonly endpointPrefix: string;
  readonly appNsg?: NetworkSecurityGroup;
  readonly apimNsg?: NetworkSecurityGroup;
}

/**
 * Phase 1, network isolation: a private endpoint for the account's `account` sub-resource with Azure-managed
 * DNS records, the private DNS zones the account kind needs, VNet links, and an NSG on the endpoint subnet
 * (with network policies enabled, or Azure ignores it) that admits only the named sources on TCP 443. In a landing
 * zone it adopts what the platform owns: the subnet's NSG, central DNS zones and their links, the subnet's
 * network policies.
 *
 * @example
 * import { App, TerraformStack } from 'cdktf';
 * import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
 * import { OpenAIAccount, PrivateNetworking } from 'cdktf-azure-openai-hardening';
 *
 * const app = new App();
 * const stack = new TerraformStack(app, 'aoai');
 * new AzurermProvider(stack, 'azurerm', { features: [{}] });
 * const account = new OpenAIAccount(stack, 'Account', {
 *   name: 'aoai-prod-swc', resourceGroupName: 'rg-aoai-prod', location: 'swedencentral',
 *   deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
 * });
 * new PrivateNetworking(stack, 'Networking', {
 *   account,
 *   newNetwork: { name: 'vnet-aoai', addressSpace: '10.0.0.0/16', endpointSubnetCidr: '10.0.1.0/24', appSubnetCidrs: ['10.0.2.0/24'] },
 * });
 */
export class PrivateNetworking extends Construct {
  /** The private endpoint. */
  public readonly privateEndpoint: PrivateEndpoint;
  /** Private IP of the endpoint. @attribute */
  public readonly privateIpAddress: string;
  /** The FQDN clients use; it resolves to the private IP inside linked VNets. @attribute */
  public readonly privateFqdn: string;
  /** IDs of the private DNS zones (created or given). @attribute */
  public readonly privateDnsZoneIds: string[];
  /** The NSG created on the endpoint subnet; undefined when the platform's NSG is adopted. */
  public readonly networkSecurityGroup?: NetworkSecurityGroup;
  /** ID of the endpoint subnet's NSG (created or adopted). @attribute */
  public readonly networkSecurityGroupId: string;
  /** The endpoint subnet ID. @attribute */
  public readonly endpointSubnetId: string;
  /** The endpoint VNet ID. @attribute */
  public readonly virtualNetworkId: string;
  /** The created VNet, when newNetwork was given. */
  public readonly virtualNetwork?: VirtualNetwork;
  /** The created app subnet IDs, when newNetwork was given. */
  public readonly appSubnetIds: string[];
  /**
   * The NSG the created app subnets carry from their first write (Azure's default rules; add the workloads' own
   * rules to it), when newNetwork was given.
   */
  public readonly appNetworkSecurityGroup?: NetworkSecurityGroup;
  /** The NSG of the created APIM subnet (API Management's inbound management rules), when apimSubnetCidr was given. */
  public readonly apimNetworkSecurityGroup?: NetworkSecurityGroup;

  constructor(scope: Construct, id: string, props: PrivateNetworkingProps) {
    super(scope, id);
    const account = props.account;
    const plan = this.validate(props);
    const nsg = plan.adoptedNsg ? undefined : this.createNsg(account, plan, props.tags);
    this.networkSecurityGroup = nsg;
    this.networkSecurityGroupId = nsg?.id ?? plan.adoptedNsg!.id;
    const network = props.newNetwork
      ? this.createNetwork(props.newNetwork, plan, nsg!, props.tags)
      : this.adoptNetwork(props.existingNetwork!);
    this.virtualNetworkId = network.virtualNetworkId;
    this.endpointSubnetId = network.endpointSubnetId;
    this.virtualNetwork = network.virtualNetwork;
    this.appSubnetIds = network.appSubnetIds;
    this.appNetworkSecurityGroup = network.appNsg;
    this.apimNetworkSecurityGroup = network.apimNsg;
    this.lockDownImportedAccount(account);
    this.addRules(account, plan, network.endpointPrefix);
    // A new subnet carries its NSG from its first write; an existing subnet is associated (refused if it has one).
    const association = nsg && !props.newNetwork ? this.associateNsg(nsg, plan, network) : undefined;
    if (plan.adoptedNsg || props.existingNetwork?.subnetNetworkPoliciesManagedBy !== undefined) {
      this.declareAdoption(props, plan);
    }
    const zones = this.resolveZones(props, plan.rg);
    this.linkZones(props, zones);
    this.privateDnsZoneIds = isListToken(props.existingPrivateDnsZoneIds)
      ? props.existingPrivateDnsZoneIds!
      : zones.map((z) => z.id);
    this.privateEndpoint = this.createEndpoint(
      account,
      plan,
      association ?? network.subnetDependency,
      props.tags,
    );
    this.privateIpAddress = this.privateEndpoint.privateServiceConnection.privateIpAddress;
    this.privateFqdn = account.endpoint.replace(/^https:\/\//, '').replace(/\/$/, '');
  }

  /** Step 1: every input checked, and the group, region, provider and NSG rules settled, before anything exists. */
  private validate(props: PrivateNetworkingProps): NetworkPlan {
    const account = props.account;
    const denyOptOut = validateOptOut('denyAllInboundOptOut', props.denyAllInboundOptOut);
    if (!!props.newNetwork === !!props.existingNetwork) {
      fail(
        'newNetwork/existingNetwork',
        props.newNetwork ? 'both' : 'neither',
        'Pass exactly one: newNetwork to create a VNet, or existingNetwork with your VNet and subnet IDs.',
      );
    }
    validateDnsLinkOwner(props);
    if (props.newNetwork) {
      return {
        rg: props.resourceGroupName ?? account.resourceGroupName,
        location: account.location,
        denyOptOut,
        sources: newNetworkSources(props.newNetwork),
      };
    }
    const net = props.existingNetwork!;
    validateExistingIds(net);
    const vnetSubscription = checkNetworkSubscription(this, account, net);
    const adoptedNsg = net.networkSecurityGroupId
      ? adoptedNsgOf(net.networkSecurityGroupId, vnetSubscription)
      : undefined;
    if (net.subnetNetworkPoliciesManagedBy !== undefined) {
      const owner = String(net.subnetNetworkPoliciesManagedBy ?? '').trim();
      if (!isUnresolved(owner) && owner.length < MIN_REASON_LENGTH) {
        fail(
          'existingNetwork.subnetNetworkPoliciesManagedBy',
          net.subnetNetworkPoliciesManagedBy,
          `Say who sets privateEndpointNetworkPolicies = Enabled on the subnet (at least ${MIN_REASON_LENGTH} characters).`,
        );
      }
    }
    if (!net.allowedSources || net.allowedSources.length === 0) {
      fail(
        'existingNetwork.allowedSources',
        net.allowedSources ?? [],
        'List at least one source network: with none, nothing may reach the endpoint.',
      );
    }
    // In the platform's NSG the account name is part of each rule's key, so two accounts sharing it never derive
    // the same priority for a source of the same name.
    const keyPrefix = adoptedNsg && !isUnresolved(account.accountName) ? `${account.accountName}/` : '';
    const sources = prioritize(
      net.allowedSources.map((s, i) => ({
        ...s,
        field: `existingNetwork.allowedSources[${i}]`,
        // Construct ID contract: Allow-<name> for a literal source name (unchanged), Allow-<index> for a reference.
        key: constructKey(s.name, i),
      })),
      keyPrefix,
    );
    return {
      rg:
        props.resourceGroupName ??
        (net.provider ? resourceIdPart(net.virtualNetworkId, 4) : account.resourceGroupName),
      location: net.location ?? account.location,
      provider: net.provider,
      denyOptOut,
      sources,
      adoptedNsg,
    };
  }

  /**
   * Step 2a: a new VNet and its subnets, each written with its NSG in the same PUT (azapi
   * Microsoft.Network/virtualNetworks/subnets with properties.networkSecurityGroup): landing zones deny a subnet
   * without one (policy Deny-Subnet-Without-Nsg), so a subnet created first and associated afterwards is refused.
   * The endpoint subnet (network policies on) carries the endpoint NSG, app subnets one NSG for the workloads,
   * an APIM subnet its own with API Management's inbound management rules.
   */
  private createNetwork(
    net: NewNetworkOptions,
    plan: NetworkPlan,
    endpointNsg: NetworkSecurityGroup,
    tags: { [key: string]: string } | undefined,
  ): EndpointNetwork {
    validateAzureName('newNetwork.name', net.name, AZURE_NAME_RULES.virtualNetwork);
    const subnets = newNetworkSubnets(net);
    checkSubnetRanges(net, subnets);
    const vnet = new VirtualNetwork(this, 'VirtualNetwork', {
      name: net.name,
      resourceGroupName: plan.rg,
      location: plan.location,
      addressSpace: [net.addressSpace],
      tags,
    });
    azapiProviderFor(this);
    const endpointSubnet = this.writeSubnet(
      'EndpointSubnet',
      vnet,
      'snet-private-endpoints',
      net.endpointSubnetCidr,
      endpointNsg,
      {
        // NSGs are ignored for private endpoint traffic unless network policies are enabled.
        privateEndpointNetworkPolicies: 'Enabled',
        lifecycle: subnets[0].cidr
          ? undefined
          : {
              precondition: [
                {
                  condition: Op.lte(prefixLength(net.endpointSubnetCidr, 32), 28),
                  errorMessage:
                    'Hardening: newNetwork.endpointSubnetCidr must be a CIDR of at least /28 (Azure reserves five addresses per subnet).',
                },
              ],
            },
      },
    );
    const appNsg = this.createSubnetNsg('AppNsg', `nsg-${net.name}-app`, plan, tags);
    const apimNsg = net.apimSubnetCidr
      ? this.createSubnetNsg('ApimNsg', `nsg-${net.name}-apim`, plan, tags, APIM_INBOUND_RULES)
      : undefined;
    const appSubnetIds: string[] = [];
    for (const s of subnets.slice(1)) {
      // Keyed by name (Subnet-<name>, snet-<name>): removing one subnet never rewrites another's range.
      const nsg = s.role === 'apim' ? apimNsg! : appNsg;
      const subnet = this.writeSubnet(`Subnet-${s.key}`, vnet, `snet-${s.role}`, s.value, nsg, {});
      if (s.role !== 'apim') appSubnetIds.push(subnet.id);
    }
    if (isListToken(net.appSubnetCidrs)) {
      // A whole-list reference: one subnet per element (for_each), admitted by one NSG rule.
      const each = TerraformIterator.fromList(net.appSubnetCidrs!);
      const appSubnets = this.writeSubnet(
        'Subnet-app',
        vnet,
        Fn.join('-', ['snet-app', Fn.replace(each.value, '/', '-')]),
        each.value,
        appNsg,
        { forEach: each },
      );
      appSubnetIds.push(
        ...Token.asList(
          `\${[for s in ${appSubnets.terraformResourceType}.${appSubnets.friendlyUniqueId} : s.id]}`,
        ),
      );
    }
    return {
      virtualNetworkId: vnet.id,
      endpointSubnetId: endpointSubnet.id,
      virtualNetwork: vnet,
      appSubnetIds,
      subnetDependency: endpointSubnet,
      endpointPrefix: net.endpointSubnetCidr,
      appNsg,
      apimNsg,
    };
  }

  /** One subnet of a new VNet, written with its NSG; subnet writes on one VNet are serialized (they conflict). */
  private writeSubnet(
    id: string,
    vnet: VirtualNetwork,
    name: string,
    cidr: string,
    nsg: NetworkSecurityGroup,
    options: { privateEndpointNetworkPolicies?: string; lifecycle?: any; forEach?: TerraformIterator },
  ): AzapiResource {
    return new AzapiResource(this, id, {
      type: `Microsoft.Network/virtualNetworks/subnets@${NETWORK_API_VERSION}`,
      name,
      parentId: vnet.id,
      body: {
        properties: {
          addressPrefixes: [cidr],
          networkSecurityGroup: { id: nsg.id },
          ...(options.privateEndpointNetworkPolicies
            ? { privateEndpointNetworkPolicies: options.privateEndpointNetworkPolicies }
            : {}),
          defaultOutboundAccess: false,
        },
      },
      locks: [vnet.id],
      lifecycle: options.lifecycle,
      forEach: options.forEach,
    });
  }

  /** An NSG for created subnets other than the endpoint's, with the given inbound rules (none: Azure's defaults). */
  private createSubnetNsg(
    id: string,
    name: string,
    plan: NetworkPlan,
    tags: { [key: string]: string } | undefined,
    rules: NetworkSecurityGroupSecurityRule[] = [],
  ): NetworkSecurityGroup {
    return new NetworkSecurityGroup(this, id, {
      name: fitName(name, NAME_LIMITS.NETWORK_SECURITY_GROUP),
      resourceGroupName: plan.rg,
      location: plan.location,
      securityRule: rules.length ? rules : undefined,
      tags,
      provider: plan.provider,
    });
  }

  /**
   * Step 2b: the user's VNet and subnet, with network policies enabled on the subnet: on its azurerm_subnet when
   * this stack manages it, through an azapi update otherwise, or left to the owner who declared it.
   */
  private adoptNetwork(net: ExistingNetworkOptions): EndpointNetwork {
    const base = {
      virtualNetworkId: net.virtualNetworkId,
      endpointSubnetId: net.endpointSubnetId,
      appSubnetIds: [],
      endpointPrefix: 'VirtualNetwork',
    };
    const wanted =
      (net.enableSubnetNetworkPolicies ?? true) && net.subnetNetworkPoliciesManagedBy === undefined;
    const ownSubnet = isUnresolved(net.endpointSubnetId)
      ? subnetInStack(this, net.endpointSubnetId)
      : undefined;
    if (ownSubnet && wanted) {
      // The subnet is managed in this configuration: set the policy on it. An azapi update on a subnet that
      // azurerm_subnet also manages is undone by every plan (azurerm sends its own value, default Disabled).
      const current = ownSubnet.privateEndpointNetworkPoliciesInput;
      if (current === undefined) {
        ownSubnet.privateEndpointNetworkPolicies = 'Enabled';
      } else if (!['Enabled', 'NetworkSecurityGroupEnabled'].includes(current)) {
        fail(
          'existingNetwork.endpointSubnetId',
          `${ownSubnet.node.path} (privateEndpointNetworkPolicies = "${current}")`,
          'The NSG is ignored for private endpoint traffic on that subnet: set privateEndpointNetworkPolicies to "Enabled" on it, or pass enableSubnetNetworkPolicies: false.',
        );
      }
      return { ...base, subnetDependency: ownSubnet };
    }
    if (!wanted) return base;
    azapiProviderFor(this);
    const patch = new AzapiUpdateResource(this, 'EndpointSubnetNetworkPolicies', {
      type: `Microsoft.Network/virtualNetworks/subnets@${NETWORK_API_VERSION}`,
      resourceId: net.endpointSubnetId,
      body: { properties: { privateEndpointNetworkPolicies: 'Enabled' } },
      locks: [net.virtualNetworkId],
    });
    return { ...base, subnetDependency: patch };
  }

  /** Step 3: an account created elsewhere gets public access off and deny-by-default through the ARM API. */
  private lockDownImportedAccount(account: IOpenAIAccount): void {
    if (account.managedInThisStack) return;
    azapiProviderFor(this);
    const lockdown = new AzapiUpdateResource(this, 'AccountNetworkLockdown', {
      type: `Microsoft.CognitiveServices/accounts@${COGNITIVE_API_VERSION}`,
      resourceId: account.accountId,
      body: {
        properties: {
          publicNetworkAccess: 'Disabled',
          networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [], virtualNetworkRules: [] },
          // Outbound calls only to the account's allowedFqdnList (kept as it is: the update merges into the
          // current body). REST 2025-06-01 AccountProperties.restrictOutboundNetworkAccess (docs/azure-facts.md §1).
          restrictOutboundNetworkAccess: true,
        },
      },
      locks: [account.accountId],
    });
    account._addAccountWrite(lockdown, AccountWriteStage.LOCKDOWN);
  }

  /** Step 4: the package's own NSG for the endpoint subnet (in the VNet's region). */
  private createNsg(
    account: IOpenAIAccount,
    plan: NetworkPlan,
    tags: { [key: string]: string } | undefined,
  ): NetworkSecurityGroup {
    return new NetworkSecurityGroup(this, 'EndpointNsg', {
      name: `nsg-${account.accountName}-pe`,
      resourceGroupName: plan.rg,
      location: plan.location,
      tags,
      provider: plan.provider,
    });
  }

  /**
   * Step 5: allow 443 from each named source, deny everything else inbound (4096, pre-empting AllowVnetInBound at
   * 65000): azurerm rules in the package's NSG, azapi `securityRules` children in an adopted NSG (written where
   * the NSG is, whatever subscription the providers default to; parent_id is the NSG).
   */
  private addRules(account: IOpenAIAccount, plan: NetworkPlan, endpointPrefix: string): void {
    const adopted = plan.adoptedNsg;
    const owner = adopted ? `${account.accountName}-` : '';
    for (const s of plan.sources) {
      const rule: RuleSpec = {
        name: `Allow-${owner}${s.name}-443`,
        priority: s.priority!,
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: s.cidrList ? undefined : s.cidr,
        sourceAddressPrefixes: s.cidrList,
        destinationAddressPrefix: endpointPrefix,
        destinationPortRange: '443',
        description: `HTTPS from ${s.name} to the Azure OpenAI private endpoint`,
      };
      this.writeRule(
        `Allow-${s.key ?? s.name}`,
        rule,
        plan,
        s.cidrList || !isUnresolved(s.cidr) ? undefined : s.cidr,
      );
    }
    if (plan.denyOptOut) {
      const target =
        this.networkSecurityGroup ??
        this.node.findChild(`Allow-${plan.sources[0].key ?? plan.sources[0].name}`);
      HardeningRecord.of(this).recordOptOut(
        target,
        ['AOAI-NET-009'],
        'denyAllInboundOptOut',
        plan.denyOptOut,
      );
      return;
    }
    this.writeRule(
      'Deny-All-Inbound',
      {
        name: adopted ? `Deny-${account.accountName}-All-Inbound` : 'Deny-All-Inbound',
        priority: DENY_ALL_PRIORITY,
        access: 'Deny',
        protocol: '*',
        sourceAddressPrefix: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: '*',
        description:
          'Only the allowed sources reach the private endpoint (pre-empts AllowVnetInBound at 65000)',
      },
      plan,
    );
  }

  /** One inbound rule, in the package's NSG (azurerm) or the platform's (azapi). */
  private writeRule(id: string, rule: RuleSpec, plan: NetworkPlan, deferredSource?: string): void {
    // A source given by reference is checked at plan: a CIDR no wider than /8, never /0.
    const lifecycle = deferredSource ? { precondition: [sourceGuard(deferredSource)] } : undefined;
    if (plan.adoptedNsg) {
      azapiProviderFor(this);
      new AzapiResource(this, id, {
        type: `Microsoft.Network/networkSecurityGroups/securityRules@${NETWORK_API_VERSION}`,
        name: rule.name,
        parentId: plan.adoptedNsg.id,
        body: {
          properties: {
            priority: rule.priority,
            direction: 'Inbound',
            access: rule.access,
            protocol: rule.protocol,
            sourceAddressPrefix: rule.sourceAddressPrefix,
            sourceAddressPrefixes: rule.sourceAddressPrefixes,
            sourcePortRange: '*',
            destinationAddressPrefix: rule.destinationAddressPrefix,
            destinationPortRange: rule.destinationPortRange,
            description: rule.description,
          },
        },
        // One write at a time per NSG (parallel rule writes on one NSG conflict).
        locks: [plan.adoptedNsg.id],
        lifecycle,
      });
      return;
    }
    new GuardedNetworkSecurityRule(this, id, {
      name: rule.name,
      resourceGroupName: plan.rg,
      networkSecurityGroupName: this.networkSecurityGroup!.name,
      priority: rule.priority,
      direction: 'Inbound',
      access: rule.access,
      protocol: rule.protocol,
      sourceAddressPrefix: rule.sourceAddressPrefix,
      sourceAddressPrefixes: rule.sourceAddressPrefixes,
      lifecycle,
      sourcePortRange: '*',
      destinationAddressPrefix: rule.destinationAddressPrefix,
      destinationPortRange: rule.destinationPortRange,
      description: rule.description,
      provider: plan.provider,
    });
  }

  /** Step 6a: the package's NSG on the endpoint subnet (refused by Azure if the subnet already has one). */
  private associateNsg(
    nsg: NetworkSecurityGroup,
    plan: NetworkPlan,
    network: EndpointNetwork,
  ): SubnetNetworkSecurityGroupAssociation {
    return new SubnetNetworkSecurityGroupAssociation(this, 'EndpointNsgAssociation', {
      subnetId: network.endpointSubnetId,
      networkSecurityGroupId: nsg.id,
      dependsOn: network.subnetDependency ? [network.subnetDependency] : undefined,
      provider: plan.provider,
    });
  }

  /**
   * Step 6b: with the platform's NSG or subnet policies adopted, a declaration of what the platform provides, for
   * the checklist (AOAI-NET-008, AOAI-NET-009); nothing about the subnet's association is written.
   */
  private declareAdoption(props: PrivateNetworkingProps, plan: NetworkPlan): TerraformResource {
    const net = props.existingNetwork!;
    const declaration = new HclTerraformResource(this, 'PlatformNetwork', {
      terraformResourceType: 'terraform_data',
    });
    declaration.addOverride('input', {
      kind: NETWORK_ADOPTION_KIND,
      endpoint_subnet_id: net.endpointSubnetId,
      network_security_group_id: plan.adoptedNsg?.id,
      subnet_policies_managed_by: net.subnetNetworkPoliciesManagedBy?.trim(),
    });
    return declaration;
  }

  /**
   * Step 7: the private DNS zones the account kind needs: the hub's (central DNS, nothing created here) or created
   * in the network resource group, shared by the accounts of this stack whose network shares the group.
   */
  private resolveZones(props: PrivateNetworkingProps, rg: string): ZoneRef[] {
    const account = props.account;
    const neededZones = account.kind.privateDnsZoneNames;
    const zoneIdsGiven = props.existingPrivateDnsZoneIds;
    if (!zoneIdsGiven) {
      // `name` and `resourceGroupName` are references when the zone is created here: a literal would let Terraform
      // create a link before its zone (and delete the zone before its links). Azure allows one zone of a name per
      // resource group: a second account of this stack whose network resources share the group links its VNet to
      // the first one's zone instead of creating a duplicate.
      return neededZones.map((name) => {
        const zone = sharedZone(
          this,
          rg,
          name,
          () => new PrivateDnsZone(this, `Zone-${name}`, { name, resourceGroupName: rg, tags: props.tags }),
        );
        return { name: zone.name, key: name, id: zone.id, resourceGroupName: zone.resourceGroupName };
      });
    }
    // Construct ID contract: zones and links are keyed by the zone name and VNet name when literal (unchanged),
    // and by position ("zone-<i>", "vnet-<i>") when they come from references.
    const zones: ZoneRef[] = literalElements(zoneIdsGiven).map((zoneId, i) => {
      validateResourceId(
        `existingPrivateDnsZoneIds[${i}]`,
        zoneId,
        'Microsoft.Network/privateDnsZones',
        '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com',
      );
      const name = isUnresolved(zoneId) ? undefined : zoneId.split('/')[8].toLowerCase();
      if (name !== undefined && !neededZones.includes(name)) {
        fail(
          `existingPrivateDnsZoneIds[${i}]`,
          zoneId,
          `Zone ${name} is not used by kind ${account.kind.value}; it needs ${neededZones.join(', ')}.`,
        );
      }
      return {
        name: name ?? Fn.element(Fn.split('/', zoneId), 8),
        key: name ?? `zone-${i}`,
        id: zoneId,
        resourceGroupName: resourceIdPart(zoneId, 4),
      };
    });
    rejectDuplicates('existingPrivateDnsZoneIds', zones, (z) => z.key, 'Pass each zone once.', true);
    const missing = neededZones.filter((n) => !zones.some((z) => z.key === n));
    // Zones given by reference are checked on plan JSON by the checklist (AOAI-NET-007).
    if (missing.length > 0 && !isListToken(zoneIdsGiven) && !zoneIdsGiven.some(isUnresolved)) {
      fail(
        'existingPrivateDnsZoneIds',
        zoneIdsGiven,
        `Kind ${account.kind.value} also needs ${missing.join(', ')}; add their zone IDs.`,
      );
    }
    return zones;
  }

  /**
   * Step 8: VNet links. Zones created here: the endpoint's VNet and the additional ones, azurerm links. Central
   * zones: only the VNets asked for, as azapi links created where the zone is (parent_id is the zone ID: "the ID of
   * the azure resource in which this resource is created", azapi docs; an azurerm link would land in
   * ARM_SUBSCRIPTION_ID's subscription), named after their one owner and protected from destroy.
   */
  private linkZones(props: PrivateNetworkingProps, zones: ZoneRef[]): void {
    const extraVnets = props.additionalDnsLinkedVirtualNetworkIds ?? [];
    const central = props.existingPrivateDnsZoneIds !== undefined;
    const linkedVnets = [
      ...(central ? [] : [{ id: this.virtualNetworkId, key: 'endpoint-vnet' }]),
      ...literalElements(extraVnets).map((vnetId, i) => {
        validateResourceId(
          `additionalDnsLinkedVirtualNetworkIds[${i}]`,
          vnetId,
          'Microsoft.Network/virtualNetworks',
          '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>',
        );
        return { id: vnetId, key: isUnresolved(vnetId) ? `vnet-${i}` : vnetId.split('/')[8] };
      }),
    ];
    rejectDuplicates(
      'additionalDnsLinkedVirtualNetworkIds',
      linkedVnets,
      (v) => v.id,
      'Link each VNet once.',
      true,
    );
    if (isListToken(props.existingPrivateDnsZoneIds) && isListToken(extraVnets)) {
      fail(
        'additionalDnsLinkedVirtualNetworkIds',
        extraVnets,
        'With existingPrivateDnsZoneIds also a whole-list reference, the links cannot be enumerated; pass one of the two lists as a literal array (its elements may be references), or link the VNets in the DNS hub stack.',
      );
    }
    // Link names are unique per owner (the account, or the one named owner of central links) and VNet.
    const owner = central ? (props.dnsLinkOwner ?? props.account.accountName) : props.account.accountName;
    const naming = NamingScheme.fromAccount(owner);
    const links: LinkSpec = {
      vnets: linkedVnets,
      extraVnets,
      linkName: (vnetName) => naming.name('link', NAME_LIMITS.DNS_ZONE_LINK, vnetName),
      linkNameOf: (vnetId) =>
        Fn.substr(Fn.join('-', ['link', owner, Fn.element(Fn.split('/', vnetId), 8)]), 0, 80),
    };
    if (central) this.linkCentralZones(props, zones, links);
    else this.linkOwnZones(props, zones, links);
  }

  /** Links to the hub's zones, only on request: one owner, `prevent_destroy`. */
  private linkCentralZones(props: PrivateNetworkingProps, zones: ZoneRef[], links: LinkSpec): void {
    if (links.vnets.length === 0 && !isListToken(links.extraVnets)) return;
    azapiProviderFor(this);
    const centralLink = (
      id: string,
      parentId: string,
      vnetId: string,
      name: string,
      forEach?: TerraformIterator,
    ) =>
      new AzapiResource(this, id, {
        type: `Microsoft.Network/privateDnsZones/virtualNetworkLinks@${PRIVATE_DNS_API_VERSION}`,
        name,
        parentId,
        location: 'global',
        body: { properties: { registrationEnabled: false, virtualNetwork: { id: vnetId } } },
        tags: props.tags,
        forEach,
        // The spoke's only link decides how every endpoint in it resolves: destroying this stack must not take it.
        lifecycle: { preventDestroy: true },
      });
    for (const zone of zones) {
      for (const vnet of links.vnets) {
        centralLink(`Link-${zone.key}-${vnet.key}`, zone.id, vnet.id, links.linkName(vnet.key));
      }
      if (isListToken(links.extraVnets)) {
        const each = TerraformIterator.fromList(links.extraVnets);
        centralLink(`Link-${zone.key}-vnets`, zone.id, each.value, links.linkNameOf(each.value), each);
      }
    }
    if (isListToken(props.existingPrivateDnsZoneIds)) {
      for (const vnet of links.vnets) {
        const each = TerraformIterator.fromList(props.existingPrivateDnsZoneIds!);
        centralLink(`Link-zones-${vnet.key}`, each.value, vnet.id, links.linkName(vnet.key), each);
      }
    }
  }

  /** Links to the zones created here: the endpoint's VNet and the additional ones (azurerm). */
  private linkOwnZones(props: PrivateNetworkingProps, zones: ZoneRef[], links: LinkSpec): void {
    const linkProps = {
      // Private link zones hold Azure-managed records only; auto-registration would add VM records.
      registrationEnabled: false,
      tags: props.tags,
    };
    for (const zone of zones) {
      for (const vnet of links.vnets) {
        if (!claimLink(this, zone.id, vnet.id)) continue;
        new PrivateDnsZoneVirtualNetworkLink(this, `Link-${zone.key}-${vnet.key}`, {
          name: links.linkName(vnet.key),
          resourceGroupName: zone.resourceGroupName,
          privateDnsZoneName: zone.name,
          virtualNetworkId: vnet.id,
          ...linkProps,
        });
      }
      if (isListToken(links.extraVnets)) {
        // VNets from a whole-list reference: one link per VNet (for_each), named after the account and VNet.
        const each = TerraformIterator.fromList(links.extraVnets);
        new PrivateDnsZoneVirtualNetworkLink(this, `Link-${zone.key}-vnets`, {
          forEach: each,
          name: links.linkNameOf(each.value),
          resourceGroupName: zone.resourceGroupName,
          privateDnsZoneName: zone.name,
          virtualNetworkId: each.value,
          ...linkProps,
        });
      }
    }
  }

  /** Step 9: the private endpoint, in the VNet's region (and subscription, through its provider). */
  private createEndpoint(
    account: IOpenAIAccount,
    plan: NetworkPlan,
    after: TerraformResource | undefined,
    tags: { [key: string]: string } | undefined,
  ): PrivateEndpoint {
    const endpoint = new PrivateEndpoint(this, 'Endpoint', {
      name: `pe-${account.accountName}`,
      resourceGroupName: plan.rg,
      location: plan.location,
      subnetId: this.endpointSubnetId,
      customNetworkInterfaceName: `nic-pe-${account.accountName}`,
      privateServiceConnection: {
        name: `psc-${account.accountName}`,
        isManualConnection: false,
        privateConnectionResourceId: account.accountId,
        subresourceNames: [PRIVATE_LINK_SUBRESOURCE],
      },
      // Azure writes and removes the A records: no hand-written record with a literal IP.
      privateDnsZoneGroup: { name: 'default', privateDnsZoneIds: this.privateDnsZoneIds },
      dependsOn: after ? [after] : undefined,
      tags,
      provider: plan.provider,
    });
    // Last in the account's write chain: the account rejects endpoint creation while deployments are
    // provisioning ("account in state Accepted"), and the endpoint connection is a write on the account.
    account._addAccountWrite(endpoint, AccountWriteStage.PRIVATE_ENDPOINT);
    return endpoint;
  }
}

/** Zones created per stack, by resource group and name (Azure: one zone of a name per resource group). */
const ZONES_BY_STACK = new WeakMap<TerraformStack, Map<string, PrivateDnsZone>>();
/** (zone, VNet) pairs linked per stack (Azure: a VNet is linked to a zone once). */
const LINKS_BY_STACK = new WeakMap<TerraformStack, Set<string>>();

function resolvedKey(scope: Construct, ...values: string[]): string {
  const stack = TerraformStack.of(scope);
  return values
    .map((v) =>
      JSON.stringify(
        Tokenization.resolve(v, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) }),
      ).toLowerCase(),
    )
    .join('|');
}

/** The stack's zone of this name in this resource group, created on first use. */
function sharedZone(
  scope: Construct,
  rg: string,
  name: string,
  create: () => PrivateDnsZone,
): PrivateDnsZone {
  const stack = TerraformStack.of(scope);
  const zones = ZONES_BY_STACK.get(stack) ?? new Map<string, PrivateDnsZone>();
  ZONES_BY_STACK.set(stack, zones);
  const key = resolvedKey(scope, rg, name);
  const zone = zones.get(key) ?? create();
  zones.set(key, zone);
  return zone;
}

/** True the first time a (zone, VNet) pair is linked in this stack. */
function claimLink(scope: Construct, zoneId: string, vnetId: string): boolean {
  const stack = TerraformStack.of(scope);
  const links = LINKS_BY_STACK.get(stack) ?? new Set<string>();
  LINKS_BY_STACK.set(stack, links);
  const key = resolvedKey(scope, zoneId, vnetId);
  if (links.has(key)) return false;
  links.add(key);
  return true;
}

/** The azurerm_subnet of this stack whose `id` the given reference names, if any. */
function subnetInStack(scope: Construct, subnetId: string): Subnet | undefined {
  const stack = TerraformStack.of(scope);
  const resolve = (value: string) =>
    Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
  const wanted = resolve(subnetId);
  return stack.node.findAll().find((c): c is Subnet => c instanceof Subnet && resolve(c.id) === wanted);
}

/** A private DNS zone the endpoint uses: its name, construct key, ID and resource group. */
interface ZoneRef {
  readonly name: string;
  readonly key: string;
  readonly id: string;
  readonly resourceGroupName: string;
}

/** The VNets to link and how their links are named. */
interface LinkSpec {
  readonly vnets: Array<{ id: string; key: string }>;
  readonly extraVnets: string[];
  readonly linkName: (vnetName: string) => string;
  readonly linkNameOf: (vnetId: string) => string;
}

/** One inbound security rule, before it is written to an azurerm or an azapi resource. */
interface RuleSpec {
  readonly name: string;
  readonly priority: number;
  readonly access: string;
  readonly protocol: string;
  readonly sourceAddressPrefix?: string;
  readonly sourceAddressPrefixes?: string[];
  readonly destinationAddressPrefix: string;
  readonly destinationPortRange: string;
  readonly description: string;
}

/** An NSG allow rule's source: a named CIDR, or a whole-list reference of app subnet CIDRs. */
type SourceRule = AllowedSource & {
  readonly key?: string;
  readonly field: string;
  readonly cidrList?: string[];
};

/** Segment `index` of an ARM ID (2: subscription, 4: resource group, 8: name), as a literal or an expression. */
function resourceIdPart(id: string, index: number): string {
  return isUnresolved(id) ? Fn.element(Fn.split('/', id), index) : id.split('/')[index];
}

/** The subnets of a new network: the endpoint subnet first, then the app subnets by name, then APIM. */
function newNetworkSubnets(
  net: NewNetworkOptions,
): Array<{ field: string; value: string; cidr?: Cidr; role: string; key: string; priority?: number }> {
  const given = [net.appSubnets, net.appSubnetCidrs].filter(
    (x) => x !== undefined && (isListToken(x) || x.length),
  );
  if (given.length !== 1) {
    fail(
      'newNetwork.appSubnets',
      net.appSubnets ?? net.appSubnetCidrs ?? [],
      given.length
        ? 'Pass appSubnets or appSubnetCidrs, not both (appSubnets: [{ name: "app1", cidr }] keeps the IDs of appSubnetCidrs).'
        : 'List at least one workload subnet: without one nothing may reach the endpoint.',
    );
  }
  // Keyed by name (a reference name by its position, docs/architecture.md); appSubnetCidrs keep app1, app2, ...
  const apps = net.appSubnets
    ? net.appSubnets.map((a, i) => ({
        field: `newNetwork.appSubnets[${i}]`,
        value: a.cidr,
        role: a.name,
        key: constructKey(a.name, i),
        priority: a.priority,
      }))
    : literalElements(net.appSubnetCidrs!).map((c, i) => ({
        field: `newNetwork.appSubnetCidrs[${i}]`,
        value: c,
        role: `app${i + 1}`,
        key: `app${i + 1}`,
        priority: undefined,
      }));
  apps.forEach((a) => {
    if (
      !isUnresolved(a.role) &&
      (!/^[A-Za-z0-9-]{1,40}$/.test(a.role ?? '') || ['apim', 'private-endpoints'].includes(a.role))
    ) {
      fail(
        `${a.field}.name`,
        a.role,
        'Use 1-40 letters, digits and hyphens, other than "apim" and "private-endpoints".',
      );
    }
  });
  rejectDuplicates('newNetwork.appSubnets', apps, (a) => a.role, 'Give each subnet its own name.', true);
  return [
    {
      field: 'newNetwork.endpointSubnetCidr',
      value: net.endpointSubnetCidr,
      role: 'endpoint',
      key: 'endpoint',
    },
    ...apps,
    ...(net.apimSubnetCidr
      ? [{ field: 'newNetwork.apimSubnetCidr', value: net.apimSubnetCidr, role: 'apim', key: 'apim' }]
      : []),
  ].map((s) => ({
    ...s,
    cidr: parseCidrOrToken(`${s.field}${s.field.includes('appSubnets[') ? '.cidr' : ''}`, s.value),
  }));
}

/** Literal subnet ranges inside the address space, not overlapping, and an endpoint subnet of at least /28. */
function checkSubnetRanges(net: NewNetworkOptions, subnets: ReturnType<typeof newNetworkSubnets>): void {
  const space = parseCidrOrToken('newNetwork.addressSpace', net.addressSpace);
  // Literal CIDRs are checked here; references (Fn.cidrsubnet, variables) are Azure's to check at apply,
  // except the endpoint subnet size, which a plan-time precondition checks.
  const literal = subnets.filter((s): s is typeof s & { cidr: Cidr } => s.cidr !== undefined);
  if (space) {
    for (const s of literal) {
      if (!cidrContains(space, s.cidr)) {
        fail(
          s.field,
          s.cidr.text,
          `It lies outside newNetwork.addressSpace (${space.text}); pick a range inside it.`,
        );
      }
    }
  }
  rejectOverlaps(literal);
  if (subnets[0].cidr && subnets[0].cidr.prefix > 28) {
    fail(
      'newNetwork.endpointSubnetCidr',
      subnets[0].cidr.text,
      'Use at least a /28: Azure reserves five addresses per subnet.',
    );
  }
}

/** The allow rules of a new network: one per app subnet and the APIM subnet, or one for a whole-list reference. */
function newNetworkSources(net: NewNetworkOptions): SourceRule[] {
  const subnets = newNetworkSubnets(net);
  return prioritize([
    ...subnets
      .slice(1)
      .map((s) => ({ name: s.role, key: s.key, cidr: s.value, priority: s.priority, field: s.field })),
    ...(isListToken(net.appSubnetCidrs)
      ? [{ name: 'app', cidr: '', cidrList: net.appSubnetCidrs, field: 'newNetwork.appSubnetCidrs' }]
      : []),
  ]);
}

/**
 * Validate the sources and give each its priority: the explicit one, or one derived from its key (nsg-priority.ts),
 * never from its position; collisions refused at synth.
 */
function prioritize(sources: SourceRule[], keyPrefix = ''): SourceRule[] {
  const out = sources.map((s) => {
    if (!isUnresolved(s.name) && !/^[A-Za-z0-9-]{1,40}$/.test(s.name ?? '')) {
      fail(`${s.field}.name`, s.name, 'Use 1-40 letters, digits and hyphens.');
    }
    if (
      s.priority !== undefined &&
      !isUnresolved(s.priority) &&
      (!Number.isInteger(s.priority) || s.priority < MIN_RULE_PRIORITY || s.priority >= DENY_ALL_PRIORITY)
    ) {
      fail(
        `${s.field}.priority`,
        s.priority,
        `Use a whole number from ${MIN_RULE_PRIORITY} to ${DENY_ALL_PRIORITY - 1} (${DENY_ALL_PRIORITY} is the deny-all rule).`,
      );
    }
    if (!s.cidrList) checkSourceWidth(`${s.field}.cidr`, s.cidr);
    // A name given by reference is keyed by its position (its construct ID too): give such a source a priority.
    return { ...s, priority: s.priority ?? derivedPriority(`${keyPrefix}${s.key ?? s.name}`) };
  });
  rejectDuplicates('allowedSources', out, (s) => s.name, 'Give each source its own name.', true);
  checkPriorityCollisions(
    out.map((s): PrioritizedSource => ({
      field: s.field,
      name: s.name,
      priority: s.priority!,
      explicit: sources.find((x) => x.field === s.field)!.priority !== undefined,
    })),
  );
  return out;
}

function checkSourceWidth(field: string, value: string): void {
  const cidr = parseCidrOrToken(field, value);
  if (cidr && cidr.prefix < BROADEST_SOURCE_PREFIX) {
    fail(
      field,
      value,
      `A /${cidr.prefix} source admits ${cidr.prefix === 0 ? 'every address' : `${2 ** (32 - cidr.prefix)} addresses`}; use a CIDR no wider than /${BROADEST_SOURCE_PREFIX} and list the workload subnets instead.`,
    );
  }
}

/** A plan-time check of a source given by reference: a CIDR no wider than /8 or a single IPv4 address. */
function sourceGuard(cidr: string): { condition: any; errorMessage: string } {
  return {
    condition: Fn.conditional(
      Fn.can(Fn.cidrnetmask(cidr)),
      Op.gte(prefixLength(cidr, 0), BROADEST_SOURCE_PREFIX),
      // Not a CIDR: accept a single IPv4 address, refuse tags such as * or Internet.
      Fn.can(Fn.cidrhost(Fn.join('', [cidr, '/32']), 0)),
    ),
    errorMessage: `Hardening: allowed source networks must be IPv4 CIDRs no wider than /${BROADEST_SOURCE_PREFIX}; list the workload subnets instead.`,
  };
}

function validateExistingIds(net: ExistingNetworkOptions): void {
  validateResourceId(
    'existingNetwork.virtualNetworkId',
    net.virtualNetworkId,
    'Microsoft.Network/virtualNetworks',
    '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>',
  );
  validateResourceId(
    'existingNetwork.endpointSubnetId',
    net.endpointSubnetId,
    'Microsoft.Network/virtualNetworks/subnets',
    '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>',
  );
  if (
    !isUnresolved(net.endpointSubnetId) &&
    !isUnresolved(net.virtualNetworkId) &&
    !net.endpointSubnetId.toLowerCase().startsWith(`${net.virtualNetworkId.toLowerCase()}/subnets/`)
  ) {
    fail(
      'existingNetwork.endpointSubnetId',
      net.endpointSubnetId,
      `The subnet is not in existingNetwork.virtualNetworkId (${net.virtualNetworkId}); pass a subnet of that VNet.`,
    );
  }
}

/**
 * The VNet's subscription (when literal), checked against the explicit subscriptionId and the literal subscription
 * of the provider the endpoint is written through: "The private endpoint must be deployed in the same region and
 * subscription as the virtual network" (learn.microsoft.com/azure/private-link/private-endpoint-overview).
 */
function checkNetworkSubscription(
  scope: Construct,
  account: IOpenAIAccount,
  net: ExistingNetworkOptions,
): string | undefined {
  const vnetSub = isUnresolved(net.virtualNetworkId)
    ? undefined
    : net.virtualNetworkId.split('/')[2].toLowerCase();
  const explicit = net.subscriptionId;
  if (vnetSub && explicit !== undefined && !isUnresolved(explicit) && explicit.toLowerCase() !== vnetSub) {
    fail(
      'existingNetwork.subscriptionId',
      explicit,
      `The VNet ${net.virtualNetworkId} is in subscription ${vnetSub}; the endpoint must be in its VNet's subscription.`,
    );
  }
  const provider = (net.provider ?? defaultAzurerm(scope)) as AzurermProvider | undefined;
  const providerSub = provider instanceof AzurermProvider ? provider.subscriptionId : undefined;
  if (
    vnetSub &&
    providerSub !== undefined &&
    !isUnresolved(providerSub) &&
    providerSub.toLowerCase() !== vnetSub
  ) {
    fail(
      net.provider ? 'existingNetwork.provider' : 'existingNetwork.virtualNetworkId',
      net.provider ? providerSub : net.virtualNetworkId,
      `The private endpoint must be in its VNet's subscription (${vnetSub}), and the ${net.provider ? 'given' : "stack's default"} azurerm provider writes to ${providerSub}: pass existingNetwork.provider, an azurerm provider (alias) for subscription ${vnetSub}.`,
    );
  }
  const accountSub = isUnresolved(account.accountId)
    ? undefined
    : account.accountId.split('/')[2]?.toLowerCase();
  if (vnetSub && !net.provider && providerSub === undefined && accountSub && accountSub !== vnetSub) {
    fail(
      'existingNetwork.provider',
      '(unset)',
      `The account is in subscription ${accountSub} and the VNet in ${vnetSub}; the private endpoint must be in its VNet's subscription: pass existingNetwork.provider, an azurerm provider (alias) for subscription ${vnetSub}.`,
    );
  }
  return vnetSub;
}

/** The stack's default (alias-less) azurerm provider, if one is declared. */
function defaultAzurerm(scope: Construct): AzurermProvider | undefined {
  return TerraformStack.of(scope)
    .node.findAll()
    .find((c): c is AzurermProvider => c instanceof AzurermProvider && !c.alias);
}

/** The platform's NSG, by ID: its name and resource group, and in the VNet's subscription. */
function adoptedNsgOf(
  nsgId: string,
  vnetSubscription: string | undefined,
): { id: string; name: string; resourceGroupName: string } {
  validateResourceId(
    'existingNetwork.networkSecurityGroupId',
    nsgId,
    'Microsoft.Network/networkSecurityGroups',
    '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/networkSecurityGroups/<nsg>',
  );
  if (!isUnresolved(nsgId) && vnetSubscription && nsgId.split('/')[2].toLowerCase() !== vnetSubscription) {
    fail(
      'existingNetwork.networkSecurityGroupId',
      nsgId,
      `An NSG on a subnet is in the subnet's subscription (${vnetSubscription}); pass the NSG that is on the endpoint subnet.`,
    );
  }
  return { id: nsgId, name: resourceIdPart(nsgId, 8), resourceGroupName: resourceIdPart(nsgId, 4) };
}

/** Central links need one named owner; the owner is a name part. */
function validateDnsLinkOwner(props: PrivateNetworkingProps): void {
  const owner = props.dnsLinkOwner;
  if (owner !== undefined && !isUnresolved(owner) && !/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(owner)) {
    fail('dnsLinkOwner', owner, 'Use 1-40 letters, digits and hyphens, e.g. the spoke or stack name.');
  }
  const extra = props.additionalDnsLinkedVirtualNetworkIds;
  const asked = extra !== undefined && (isListToken(extra) || extra.length > 0);
  if (props.existingPrivateDnsZoneIds !== undefined && asked && owner === undefined) {
    fail(
      'dnsLinkOwner',
      '(unset)',
      "With central DNS zones the hub usually owns each spoke's link, and Azure allows one link per zone and VNet: drop additionalDnsLinkedVirtualNetworkIds, or name the one owner of these links (dnsLinkOwner; the account name keeps earlier link names). The links are protected with prevent_destroy.",
    );
  }
}

/**
 * The prefix length of a CIDR given as a reference, as an HCL expression; `fallback` when it is not a CIDR.
 * Terraform: split/element/tonumber/try (https://developer.hashicorp.com/terraform/language/functions).
 */
function prefixLength(cidr: string, fallback: number): any {
  return Fn.try([Fn.tonumber(Fn.element(Fn.split('/', cidr), 1)), fallback]);
}
