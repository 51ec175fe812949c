import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import {
  DefaultTokenResolver,
  Fn,
  Op,
  StringConcat,
  TerraformIterator,
  TerraformStack,
  Token,
  Tokenization,
} from 'cdktf';
import { Construct } from 'constructs';
import { AccountWriteStage, IOpenAIAccount } from './account';
import { azapiProviderFor } from './azapi/provider';
import { AzapiResource } from './azapi/resource';
import { AzapiUpdateResource } from './azapi/update-resource';
import { COGNITIVE_API_VERSION, PRIVATE_DNS_API_VERSION, PRIVATE_LINK_SUBRESOURCE } from './azure-facts';
import { HardeningRecord } from './hardening-record';
import { withHclOutput } from './hcl';
import { NAME_LIMITS, NamingScheme } from './naming';
import { OptOut, validateOptOut } from './opt-out';
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
const GuardedSubnet = withHclOutput(Subnet);
const GuardedNetworkSecurityRule = withHclOutput(NetworkSecurityRule);

/** A network allowed to reach the private endpoint on TCP 443. */
export interface AllowedSource {
  /** Rule name suffix, e.g. "app" (becomes Allow-app-443). */
  readonly name: string;
  /** Source IPv4 CIDR. */
  readonly cidr: string;
  /**
   * NSG rule priority, 100-4095 (4096 is the deny-all rule).
   * @default - 100 for the first source, then 110, 120, ...
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
  /** CIDRs of the workload subnets allowed to call the account (at least one). */
  readonly appSubnetCidrs: string[];
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
   * Set `privateEndpointNetworkPolicies = Enabled` on the endpoint subnet, so the NSG applies to private endpoint
   * traffic: on the azurerm_subnet itself when the subnet is created in this stack (pass its `id`, and create it
   * before this construct), otherwise through an azapi update. Turn off only if the subnet's owner already sets it.
   * @default true
   */
  readonly enableSubnetNetworkPolicies?: boolean;
}

/** Settings of the private networking. */
export interface PrivateNetworkingProps {
  /** The account to isolate. */
  readonly account: IOpenAIAccount;
  /**
   * Resource group for the network resources.
   * @default - the account's resource group
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
   * Existing private DNS zone IDs (hub-and-spoke with central DNS); their names must be the zones the account kind needs.
   * @default - the zones are created in the network resource group
   */
  readonly existingPrivateDnsZoneIds?: string[];
  /**
   * Further VNets to link to the zones (hub, on-premises DNS resolver VNet, other spokes).
   * The endpoint's VNet is always linked when the zones are created here.
   * @default []
   */
  readonly additionalDnsLinkedVirtualNetworkIds?: string[];
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

const DENY_ALL_PRIORITY = 4096;

/**
 * Phase 1, network isolation: a private endpoint for the account's `account` sub-resource with Azure-managed
 * DNS records, the private DNS zones the account kind needs, VNet links, and an NSG on the endpoint subnet
 * (with network policies enabled, or Azure ignores it) that admits only the named sources on TCP 443.
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
  /** The NSG on the endpoint subnet. */
  public readonly networkSecurityGroup: NetworkSecurityGroup;
  /** The endpoint subnet ID. @attribute */
  public readonly endpointSubnetId: string;
  /** The endpoint VNet ID. @attribute */
  public readonly virtualNetworkId: string;
  /** The created VNet, when newNetwork was given. */
  public readonly virtualNetwork?: VirtualNetwork;
  /** The created app subnet IDs, when newNetwork was given. */
  public readonly appSubnetIds: string[] = [];

  constructor(scope: Construct, id: string, props: PrivateNetworkingProps) {
    super(scope, id);
    const account = props.account;
    const rg = props.resourceGroupName ?? account.resourceGroupName;
    const naming = NamingScheme.fromAccount(account.accountName);
    const location = account.location;
    const denyOptOut = validateOptOut('denyAllInboundOptOut', props.denyAllInboundOptOut);
    if (!!props.newNetwork === !!props.existingNetwork) {
      fail(
        'newNetwork/existingNetwork',
        props.newNetwork ? 'both' : 'neither',
        'Pass exactly one: newNetwork to create a VNet, or existingNetwork with your VNet and subnet IDs.',
      );
    }

    let sources: SourceRule[];
    let endpointSubnetDependency: Subnet | AzapiUpdateResource | undefined;
    if (props.newNetwork) {
      const net = props.newNetwork;
      validateAzureName('newNetwork.name', net.name, AZURE_NAME_RULES.virtualNetwork);
      const space = parseCidrOrToken('newNetwork.addressSpace', net.addressSpace);
      // Literal CIDRs are checked here; references (Fn.cidrsubnet, variables) are Azure's to check at apply,
      // except the endpoint subnet size, which a plan-time precondition checks.
      const subnets: Array<{ field: string; value: string; cidr?: Cidr; role: string }> = [
        {
          field: 'newNetwork.endpointSubnetCidr',
          value: net.endpointSubnetCidr,
          cidr: parseCidrOrToken('newNetwork.endpointSubnetCidr', net.endpointSubnetCidr),
          role: 'endpoint',
        },
      ];
      const appListToken = isListToken(net.appSubnetCidrs);
      if (!net.appSubnetCidrs || net.appSubnetCidrs.length === 0) {
        fail(
          'newNetwork.appSubnetCidrs',
          net.appSubnetCidrs ?? [],
          'List at least one workload subnet: without one nothing may reach the endpoint.',
        );
      }
      literalElements(net.appSubnetCidrs).forEach((c, i) =>
        subnets.push({
          field: `newNetwork.appSubnetCidrs[${i}]`,
          value: c,
          cidr: parseCidrOrToken(`newNetwork.appSubnetCidrs[${i}]`, c),
          role: `app${i + 1}`,
        }),
      );
      if (net.apimSubnetCidr) {
        subnets.push({
          field: 'newNetwork.apimSubnetCidr',
          value: net.apimSubnetCidr,
          cidr: parseCidrOrToken('newNetwork.apimSubnetCidr', net.apimSubnetCidr),
          role: 'apim',
        });
      }
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

      this.virtualNetwork = new VirtualNetwork(this, 'VirtualNetwork', {
        name: net.name,
        resourceGroupName: rg,
        location,
        addressSpace: [net.addressSpace],
        tags: props.tags,
      });
      const endpointSubnet = new GuardedSubnet(this, 'EndpointSubnet', {
        name: 'snet-private-endpoints',
        resourceGroupName: rg,
        virtualNetworkName: this.virtualNetwork.name,
        addressPrefixes: [net.endpointSubnetCidr],
        // NSGs are ignored for private endpoint traffic unless network policies are enabled (default Disabled).
        privateEndpointNetworkPolicies: 'Enabled',
        defaultOutboundAccessEnabled: false,
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
      });
      for (const s of subnets.slice(1)) {
        const subnet = new Subnet(this, `Subnet-${s.role}`, {
          name: `snet-${s.role}`,
          resourceGroupName: rg,
          virtualNetworkName: this.virtualNetwork.name,
          addressPrefixes: [s.value],
          defaultOutboundAccessEnabled: false,
          // Serialize subnet operations on one VNet (parallel subnet writes conflict).
          dependsOn: [endpointSubnet],
        });
        if (s.role.startsWith('app')) this.appSubnetIds.push(subnet.id);
      }
      if (appListToken) {
        // A whole-list reference: one subnet per element (for_each), admitted by one NSG rule below.
        const each = TerraformIterator.fromList(net.appSubnetCidrs);
        const appSubnets = new Subnet(this, 'Subnet-app', {
          forEach: each,
          name: Fn.join('-', ['snet-app', Fn.replace(each.value, '/', '-')]),
          resourceGroupName: rg,
          virtualNetworkName: this.virtualNetwork.name,
          addressPrefixes: [each.value],
          defaultOutboundAccessEnabled: false,
          dependsOn: [endpointSubnet],
        });
        this.appSubnetIds.push(
          ...Token.asList(
            `\${[for s in ${appSubnets.terraformResourceType}.${appSubnets.friendlyUniqueId} : s.id]}`,
          ),
        );
      }
      this.endpointSubnetId = endpointSubnet.id;
      this.virtualNetworkId = this.virtualNetwork.id;
      endpointSubnetDependency = endpointSubnet;
      // The guide's priorities: app subnets from 100, the APIM subnet at 110.
      sources = renumber([
        ...subnets
          .slice(1)
          .map((s) => ({ name: s.role, cidr: s.value, priority: s.role === 'apim' ? 110 : undefined })),
        ...(appListToken ? [{ name: 'app', cidr: '', cidrList: net.appSubnetCidrs }] : []),
      ]);
    } else {
      const net = props.existingNetwork!;
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
      if (!net.allowedSources || net.allowedSources.length === 0) {
        fail(
          'existingNetwork.allowedSources',
          net.allowedSources ?? [],
          'List at least one source network: with none, nothing may reach the endpoint.',
        );
      }
      this.endpointSubnetId = net.endpointSubnetId;
      this.virtualNetworkId = net.virtualNetworkId;
      // Construct ID contract: Allow-<name> for a literal source name (unchanged), Allow-<index> for a reference.
      sources = renumber(net.allowedSources.map((s, i) => ({ ...s, key: constructKey(s.name, i) })));
      const ownSubnet = isUnresolved(net.endpointSubnetId)
        ? subnetInStack(this, net.endpointSubnetId)
        : undefined;
      if (ownSubnet && (net.enableSubnetNetworkPolicies ?? true)) {
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
        endpointSubnetDependency = ownSubnet;
      } else if (net.enableSubnetNetworkPolicies ?? true) {
        azapiProviderFor(this);
        endpointSubnetDependency = new AzapiUpdateResource(this, 'EndpointSubnetNetworkPolicies', {
          type: 'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
          resourceId: net.endpointSubnetId,
          body: { properties: { privateEndpointNetworkPolicies: 'Enabled' } },
          locks: [net.virtualNetworkId],
        });
      }
    }
    validateSources(sources);

    if (!account.managedInThisStack) {
      // An account created elsewhere: turn public access off and deny by default through the ARM API.
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

    // NSG on the endpoint subnet: allow 443 from each named source, deny everything else inbound.
    this.networkSecurityGroup = new NetworkSecurityGroup(this, 'EndpointNsg', {
      name: `nsg-${account.accountName}-pe`,
      resourceGroupName: rg,
      location,
      tags: props.tags,
    });
    const endpointPrefix = props.newNetwork ? props.newNetwork.endpointSubnetCidr : 'VirtualNetwork';
    for (const s of sources) {
      const deferred = !s.cidrList && isUnresolved(s.cidr);
      new GuardedNetworkSecurityRule(this, `Allow-${s.key ?? s.name}`, {
        name: `Allow-${s.name}-443`,
        resourceGroupName: rg,
        networkSecurityGroupName: this.networkSecurityGroup.name,
        priority: s.priority!,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: s.cidrList ? undefined : s.cidr,
        sourceAddressPrefixes: s.cidrList,
        // A source given by reference is checked at plan: a CIDR no wider than /8, never /0. (Whole-list
        // app subnets are subnets of the VNet created here; Azure keeps them inside its address space.)
        lifecycle: deferred
          ? {
              precondition: [
                {
                  condition: Fn.conditional(
                    Fn.can(Fn.cidrnetmask(s.cidr)),
                    Op.gte(prefixLength(s.cidr, 0), BROADEST_SOURCE_PREFIX),
                    // Not a CIDR: accept a single IPv4 address, refuse tags such as * or Internet.
                    Fn.can(Fn.cidrhost(Fn.join('', [s.cidr, '/32']), 0)),
                  ),
                  errorMessage: `Hardening: allowed source networks must be IPv4 CIDRs no wider than /${BROADEST_SOURCE_PREFIX}; list the workload subnets instead.`,
                },
              ],
            }
          : undefined,
        sourcePortRange: '*',
        destinationAddressPrefix: endpointPrefix,
        destinationPortRange: '443',
        description: `HTTPS from ${s.name} to the Azure OpenAI private endpoint`,
      });
    }
    if (!denyOptOut) {
      new NetworkSecurityRule(this, 'Deny-All-Inbound', {
        name: 'Deny-All-Inbound',
        resourceGroupName: rg,
        networkSecurityGroupName: this.networkSecurityGroup.name,
        priority: DENY_ALL_PRIORITY,
        direction: 'Inbound',
        access: 'Deny',
        protocol: '*',
        sourceAddressPrefix: '*',
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: '*',
        description:
          'Only the allowed sources reach the private endpoint (pre-empts AllowVnetInBound at 65000)',
      });
    } else {
      HardeningRecord.of(this).recordOptOut(
        this.networkSecurityGroup,
        ['AOAI-NET-009'],
        'denyAllInboundOptOut',
        denyOptOut,
      );
    }
    const association = new SubnetNetworkSecurityGroupAssociation(this, 'EndpointNsgAssociation', {
      subnetId: this.endpointSubnetId,
      networkSecurityGroupId: this.networkSecurityGroup.id,
      dependsOn: endpointSubnetDependency ? [endpointSubnetDependency] : undefined,
    });

    // Private DNS: the zones the account kind needs, created or taken from a central DNS hub.
    const neededZones = account.kind.privateDnsZoneNames;
    // `name` and `resourceGroupName` are references when the zone is created here: a literal would let Terraform
    // create a link before its zone (and delete the zone before its links).
    // Construct ID contract: zones and links are keyed by the zone name and VNet name when literal (unchanged),
    // and by position ("zone-<i>", "vnet-<i>") when they come from references.
    const zones: Array<{ name: string; key: string; id: string; resourceGroupName: string }> = [];
    const zoneIdsGiven = props.existingPrivateDnsZoneIds;
    const zoneListToken = isListToken(zoneIdsGiven);
    if (zoneIdsGiven) {
      literalElements(zoneIdsGiven).forEach((zoneId, i) => {
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
        zones.push({
          name: name ?? Fn.element(Fn.split('/', zoneId), 8),
          key: name ?? `zone-${i}`,
          id: zoneId,
          resourceGroupName: isUnresolved(zoneId)
            ? Fn.element(Fn.split('/', zoneId), 4)
            : zoneId.split('/')[4],
        });
      });
      rejectDuplicates('existingPrivateDnsZoneIds', zones, (z) => z.key, 'Pass each zone once.', true);
      const missing = neededZones.filter((n) => !zones.some((z) => z.key === n));
      // Zones given by reference are checked on plan JSON by the checklist (AOAI-NET-007).
      if (missing.length > 0 && !zoneListToken && !zoneIdsGiven.some(isUnresolved)) {
        fail(
          'existingPrivateDnsZoneIds',
          zoneIdsGiven,
          `Kind ${account.kind.value} also needs ${missing.join(', ')}; add their zone IDs.`,
        );
      }
    } else {
      neededZones.forEach((name) => {
        // Azure allows one zone of a name per resource group: a second account of this stack whose network
        // resources share the group links its VNet to the first one's zone instead of creating a duplicate.
        const zone = sharedZone(
          this,
          rg,
          name,
          () => new PrivateDnsZone(this, `Zone-${name}`, { name, resourceGroupName: rg, tags: props.tags }),
        );
        zones.push({ name: zone.name, key: name, id: zone.id, resourceGroupName: zone.resourceGroupName });
      });
    }
    const extraVnets = props.additionalDnsLinkedVirtualNetworkIds ?? [];
    const vnetListToken = isListToken(extraVnets);
    const linkedVnets = [
      ...(zoneIdsGiven ? [] : [{ id: this.virtualNetworkId, key: 'endpoint-vnet' }]),
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
    if (zoneListToken && vnetListToken) {
      fail(
        'additionalDnsLinkedVirtualNetworkIds',
        extraVnets,
        'With existingPrivateDnsZoneIds also a whole-list reference, the links cannot be enumerated; pass one of the two lists as a literal array (its elements may be references), or link the VNets in the DNS hub stack.',
      );
    }
    const linkProps = {
      // Private link zones hold Azure-managed records only; auto-registration would add VM records.
      registrationEnabled: false,
      tags: props.tags,
    };
    // Link names are unique per account and VNet (link-<account>-<vnet>): two accounts or stacks linking VNets of
    // one name to one zone never claim the same link name.
    const linkName = (vnetName: string) => naming.name('link', NAME_LIMITS.DNS_ZONE_LINK, vnetName);
    const linkNameOf = (vnetId: string) =>
      Fn.substr(Fn.join('-', ['link', account.accountName, Fn.element(Fn.split('/', vnetId), 8)]), 0, 80);
    if (zoneIdsGiven) {
      // Central DNS: the zones live in the hub (often another subscription). An azapi link whose parent_id is the
      // zone ID is created where the zone is, whatever subscription the providers default to (azapi docs:
      // parent_id is "the ID of the azure resource in which this resource is created"); an azurerm link would
      // land in ARM_SUBSCRIPTION_ID's subscription. No zone is created here, and the endpoint VNet is not linked:
      // the hub owns its links, and a VNet may hold only one zone of a name.
      azapiProviderFor(this);
      const centralLink = (
        linkId: string,
        parentId: string,
        vnetId: string,
        name: string,
        forEach?: TerraformIterator,
      ) =>
        new AzapiResource(this, linkId, {
          type: `Microsoft.Network/privateDnsZones/virtualNetworkLinks@${PRIVATE_DNS_API_VERSION}`,
          name,
          parentId,
          location: 'global',
          body: {
            properties: {
              registrationEnabled: linkProps.registrationEnabled,
              virtualNetwork: { id: vnetId },
            },
          },
          tags: props.tags,
          forEach,
        });
      for (const zone of zones) {
        for (const vnet of linkedVnets) {
          centralLink(`Link-${zone.key}-${vnet.key}`, zone.id, vnet.id, linkName(vnet.key));
        }
        if (vnetListToken) {
          const each = TerraformIterator.fromList(extraVnets);
          centralLink(`Link-${zone.key}-vnets`, zone.id, each.value, linkNameOf(each.value), each);
        }
      }
      if (zoneListToken) {
        for (const vnet of linkedVnets) {
          const each = TerraformIterator.fromList(zoneIdsGiven);
          centralLink(`Link-zones-${vnet.key}`, each.value, vnet.id, linkName(vnet.key), each);
        }
      }
    } else {
      for (const zone of zones) {
        for (const vnet of linkedVnets) {
          if (!claimLink(this, zone.id, vnet.id)) continue;
          new PrivateDnsZoneVirtualNetworkLink(this, `Link-${zone.key}-${vnet.key}`, {
            name: linkName(vnet.key),
            resourceGroupName: zone.resourceGroupName,
            privateDnsZoneName: zone.name,
            virtualNetworkId: vnet.id,
            ...linkProps,
          });
        }
        if (vnetListToken) {
          // VNets from a whole-list reference: one link per VNet (for_each), named after the account and VNet.
          const each = TerraformIterator.fromList(extraVnets);
          new PrivateDnsZoneVirtualNetworkLink(this, `Link-${zone.key}-vnets`, {
            forEach: each,
            name: linkNameOf(each.value),
            resourceGroupName: zone.resourceGroupName,
            privateDnsZoneName: zone.name,
            virtualNetworkId: each.value,
            ...linkProps,
          });
        }
      }
    }
    this.privateDnsZoneIds = zoneListToken ? zoneIdsGiven! : zones.map((z) => z.id);

    this.privateEndpoint = new PrivateEndpoint(this, 'Endpoint', {
      name: `pe-${account.accountName}`,
      resourceGroupName: rg,
      location,
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
      dependsOn: [association],
      tags: props.tags,
    });
    // Last in the account's write chain: the account rejects endpoint creation while deployments are
    // provisioning ("account in state Accepted"), and the endpoint connection is a write on the account.
    account._addAccountWrite(this.privateEndpoint, AccountWriteStage.PRIVATE_ENDPOINT);
    this.privateIpAddress = this.privateEndpoint.privateServiceConnection.privateIpAddress;
    this.privateFqdn = account.endpoint.replace(/^https:\/\//, '').replace(/\/$/, '');
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

/** An NSG allow rule's source: a named CIDR, or a whole-list reference of app subnet CIDRs. */
type SourceRule = AllowedSource & { readonly key?: string; readonly cidrList?: string[] };

/**
 * The prefix length of a CIDR given as a reference, as an HCL expression; `fallback` when it is not a CIDR.
 * Terraform: split/element/tonumber/try (https://developer.hashicorp.com/terraform/language/functions).
 */
function prefixLength(cidr: string, fallback: number): any {
  return Fn.try([Fn.tonumber(Fn.element(Fn.split('/', cidr), 1)), fallback]);
}

/** Fill in default priorities: 100 for the first source, then in steps of 10, skipping those already taken. */
function renumber<T extends AllowedSource>(sources: T[]): T[] {
  const taken = new Set(sources.filter((s) => s.priority !== undefined).map((s) => s.priority!));
  let next = 100;
  return sources.map((s) => {
    if (s.priority !== undefined) return s;
    while (taken.has(next)) next += 10;
    taken.add(next);
    return { ...s, priority: next };
  });
}

function validateSources(sources: SourceRule[]): void {
  sources.forEach((s, i) => {
    if (!isUnresolved(s.name) && !/^[A-Za-z0-9-]{1,40}$/.test(s.name)) {
      fail(`allowedSources[${i}].name`, s.name, 'Use 1-40 letters, digits and hyphens.');
    }
    if (
      !isUnresolved(s.priority) &&
      (!Number.isInteger(s.priority) || s.priority! < 100 || s.priority! >= DENY_ALL_PRIORITY)
    ) {
      fail(
        `allowedSources[${i}].priority`,
        s.priority,
        `Use a whole number from 100 to ${DENY_ALL_PRIORITY - 1} (${DENY_ALL_PRIORITY} is the deny-all rule).`,
      );
    }
    if (s.cidrList) return;
    const cidr = parseCidrOrToken(`allowedSources[${i}].cidr`, s.cidr);
    if (cidr && cidr.prefix < BROADEST_SOURCE_PREFIX) {
      fail(
        `allowedSources[${i}].cidr`,
        s.cidr,
        `A /${cidr.prefix} source admits ${cidr.prefix === 0 ? 'every address' : `${2 ** (32 - cidr.prefix)} addresses`}; use a CIDR no wider than /${BROADEST_SOURCE_PREFIX} and list the workload subnets instead.`,
      );
    }
  });
  rejectDuplicates(
    'allowedSources',
    sources.filter((s) => !isUnresolved(s.priority)),
    (s) => String(s.priority),
    'NSG priorities must be unique; give each source its own priority.',
  );
  rejectDuplicates('allowedSources', sources, (s) => s.name, 'Give each source its own name.', true);
}
