/**
 * The input policy (lib/validation.ts): Terraform references are accepted wherever a literal is, and bad
 * literals fail at construction with a HardeningConfigError naming field, value and fix. Each case here was
 * reproduced on main before the policy (issue 13) and is kept as a fixture.
 */
import { DataAzurermPrivateDnsZone } from '@cdktf/provider-azurerm/lib/data-azurerm-private-dns-zone';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Aspects, Fn, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { newStack, onlyResource, resourcesOf, synthJson } from './helpers';
import {
  AccountRole,
  HardenedAzureOpenAI,
  HardenedAzureOpenAIProps,
  HardeningChecks,
  IdentityLockdown,
  OpenAIAccount,
  PrincipalType,
  SecurityMonitoring,
  SubscriptionCoverage,
} from '../lib';
import { HardeningConfigError, describeValue, redactSecrets } from '../lib/validation';

const COVERAGE = SubscriptionCoverage.managedElsewhere('test: the platform team owns the baseline');
const GPT = { name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' };

function baseProps(): HardenedAzureOpenAIProps {
  return {
    account: {
      name: 'aoai-inputs',
      resourceGroupName: 'rg-inputs',
      location: 'swedencentral',
      deployments: [GPT],
    },
    networking: {
      newNetwork: {
        name: 'vnet-inputs',
        addressSpace: '10.20.0.0/16',
        endpointSubnetCidr: '10.20.1.0/24',
        appSubnetCidrs: ['10.20.2.0/24'],
      },
    },
    identity: { workloadIdentities: [{ name: 'id-chat' }] },
    contentFilter: { blocklists: [{ name: 'corp', items: [{ pattern: 'Project Bluebird' }] }] },
    // Account stacks declare how their subscription's Activity Log export and Defender plan are provided.
    monitoring: { subscriptionCoverage: COVERAGE },
  };
}

/** Build a hardened stack from props made with access to the stack, run the checklist Aspect, return JSON. */
function hardened(make: (stack: TerraformStack) => HardenedAzureOpenAIProps): any {
  const stack = newStack();
  new HardenedAzureOpenAI(stack, 'AzureOpenAI', make(stack));
  Aspects.of(stack).add(new HardeningChecks({ writeReports: false }));
  return synthJson(stack, true);
}

const variable = (stack: TerraformStack, id: string, type: string, sensitive = false) =>
  new TerraformVariable(stack, id, { type, sensitive });

describe('Terraform references are accepted wherever a literal is', () => {
  test('account name from a variable without a subdomain: the subdomain is lower(name) at plan', () => {
    const json = hardened((stack) => {
      const p = baseProps();
      return { ...p, account: { ...p.account, name: variable(stack, 'name', 'string').stringValue } };
    });
    const account = onlyResource(json, 'azurerm_cognitive_account');
    expect(account.name).toBe('${var.name}');
    expect(account.custom_subdomain_name).toBe('${lower(var.name)}');
  });

  test('CIDRs from variables and Fn.cidrsubnet, whole-list app subnets, SKUs and a number capacity', () => {
    const json = hardened((stack) => {
      const p = baseProps();
      const space = variable(stack, 'space', 'string').stringValue;
      return {
        ...p,
        account: {
          ...p.account,
          skuName: variable(stack, 'sku', 'string').stringValue,
          allowedOutboundFqdns: variable(stack, 'fqdns', 'list(string)').listValue,
          deployments: [
            {
              ...GPT,
              skuName: variable(stack, 'dsku', 'string').stringValue,
              capacity: variable(stack, 'capacity', 'number').numberValue,
            },
          ],
        },
        networking: {
          newNetwork: {
            name: 'vnet-inputs',
            addressSpace: space,
            endpointSubnetCidr: Fn.cidrsubnet(space, 8, 1),
            appSubnetCidrs: variable(stack, 'apps', 'list(string)').listValue,
          },
        },
      };
    });
    const deployment = onlyResource(json, 'azurerm_cognitive_deployment');
    expect(deployment.sku.capacity).toBe('${var.capacity}');
    expect(onlyResource(json, 'azurerm_cognitive_account').fqdns).toBe('${var.fqdns}');
    // Subnets are azapi subnets written with their NSG (Deny-Subnet-Without-Nsg).
    const subnets = Object.values<any>(resourcesOf(json, 'azapi_resource')).filter((r) =>
      r.type.startsWith('Microsoft.Network/virtualNetworks/subnets@'),
    );
    const endpoint = subnets.find((s) => s.name === 'snet-private-endpoints');
    expect(endpoint.body.properties.addressPrefixes).toEqual(['${cidrsubnet(var.space, 8, 1)}']);
    // The /28 minimum is checked at plan for a reference.
    expect(endpoint.lifecycle.precondition[0].condition).toContain('var.space');
    const apps = subnets.find((s) => s.for_each !== undefined);
    expect(apps.for_each).toBe('${toset(var.apps)}');
    expect(apps.body.properties.addressPrefixes).toEqual(['${each.value}']);
    expect(apps.body.properties.networkSecurityGroup.id).toMatch(
      /^\$\{azurerm_network_security_group\..*AppNsg.*\.id\}$/,
    );
    const allowApps = Object.values<any>(resourcesOf(json, 'azurerm_network_security_rule')).find(
      (r) => r.name === 'Allow-app-443',
    );
    expect(allowApps.source_address_prefixes).toBe('${var.apps}');
  });

  test('an existing-network source from a variable is checked at plan (no /0, nothing wider than /8)', () => {
    const json = hardened((stack) => ({
      ...baseProps(),
      networking: {
        existingNetwork: {
          virtualNetworkId: variable(stack, 'vnet', 'string').stringValue,
          endpointSubnetId: variable(stack, 'subnet', 'string').stringValue,
          allowedSources: [
            {
              name: variable(stack, 'srcname', 'string').stringValue,
              cidr: variable(stack, 'src', 'string').stringValue,
              priority: variable(stack, 'prio', 'number').numberValue,
            },
          ],
        },
      },
    }));
    const rules = Object.entries<any>(resourcesOf(json, 'azurerm_network_security_rule'));
    const [logicalId, allow] = rules.find(([, r]) => r.access === 'Allow')!;
    // Construct ID contract: a source named by reference is keyed by index.
    expect(logicalId).toMatch(/Allow-0/);
    expect(allow.source_address_prefix).toBe('${var.src}');
    const condition = allow.lifecycle.precondition[0].condition;
    expect(condition).toContain('cidrnetmask(var.src)');
    expect(condition).toContain('>= 8');
  });

  test('a deployment name from a variable is Deployment-<index>; a literal one keeps its name as its ID', () => {
    const json = hardened((stack) => ({
      ...baseProps(),
      account: {
        ...baseProps().account,
        deployments: [GPT, { ...GPT, name: variable(stack, 'dname', 'string').stringValue }],
      },
    }));
    const ids = Object.keys(resourcesOf(json, 'azurerm_cognitive_deployment')).sort();
    expect(ids).toEqual([
      expect.stringMatching(/_Deployments_Deployment-1_[0-9A-F]{8}$/),
      expect.stringMatching(/_Deployments_gpt-4o_[0-9A-F]{8}$/),
    ]);
  });

  test('identity, blocklist and grant names from variables become index-keyed construct IDs', () => {
    const json = hardened((stack) => {
      const p = baseProps();
      return {
        ...p,
        identity: {
          workloadIdentities: [{ name: variable(stack, 'wid', 'string').stringValue }],
          grants: [
            {
              displayName: variable(stack, 'gname', 'string').stringValue,
              principalId: variable(stack, 'gid', 'string').stringValue,
              principalType: PrincipalType.GROUP,
              role: AccountRole.INVOKE,
            },
          ],
        },
        contentFilter: {
          blocklists: [
            {
              name: variable(stack, 'bl', 'string').stringValue,
              items: [{ pattern: variable(stack, 'term', 'string').stringValue }],
              sources: variable(stack, 'blsources', 'list(string)').listValue,
            },
          ],
        },
      };
    });
    const identities = Object.entries<any>(resourcesOf(json, 'azurerm_user_assigned_identity'));
    expect(identities.map(([id]) => id).join()).toMatch(/Identity-0/);
    // docs/architecture.md "Construct IDs are a contract": Blocklist-<index> for a name given by reference.
    expect(Object.keys(resourcesOf(json, 'azapi_resource')).join()).toMatch(/ContentFilter_Blocklist-0_/);
    expect(identities[0][1].name).toBe('${var.wid}');
    const grants = Object.keys(resourcesOf(json, 'azurerm_role_assignment'));
    expect(grants.some((id) => /Grant-1-invoke/.test(id))).toBe(true);
    const azapi = resourcesOf(json, 'azapi_resource');
    const item = Object.values<any>(azapi).find((r) => /raiBlocklistItems/.test(r.type));
    expect(item.name).toBe('item-0');
    expect(item.body.properties.pattern).toBe('${var.term}');
    const policy = Object.values<any>(azapi).find((r) => /raiPolicies@/.test(r.type));
    expect(policy.body.properties.customBlocklists).toEqual([
      { blocklistName: '${var.bl}', blocking: '${contains(var.blsources, "Prompt")}', source: 'Prompt' },
      {
        blocklistName: '${var.bl}',
        blocking: '${contains(var.blsources, "Completion")}',
        source: 'Completion',
      },
    ]);
  });

  test('central DNS zones from data sources pass synth and the Aspect (AOAI-NET-007 is judged on plan JSON)', () => {
    const json = hardened((stack) => {
      const zone = (id: string, name: string) =>
        new DataAzurermPrivateDnsZone(stack, id, { name, resourceGroupName: 'rg-dns-hub' }).id;
      return {
        ...baseProps(),
        networking: {
          ...baseProps().networking,
          existingPrivateDnsZoneIds: [
            zone('openai', 'privatelink.openai.azure.com'),
            zone('cog', 'privatelink.cognitiveservices.azure.com'),
          ],
          additionalDnsLinkedVirtualNetworkIds: variable(stack, 'hubs', 'list(string)').listValue,
          dnsLinkOwner: 'spoke-owner',
        },
      };
    });
    const pe = onlyResource(json, 'azurerm_private_endpoint');
    expect(pe.private_dns_zone_group.private_dns_zone_ids).toEqual([
      '${data.azurerm_private_dns_zone.openai.id}',
      '${data.azurerm_private_dns_zone.cog.id}',
    ]);
    // Central zones are linked where they live: azapi links whose parent_id is the zone (issue 14).
    const links = Object.entries<any>(resourcesOf(json, 'azapi_resource')).filter(([, r]) =>
      /virtualNetworkLinks@/.test(r.type),
    );
    expect(links.map(([id]) => id).join()).toMatch(/Link-zone-0-vnets/);
    expect(links[0][1].for_each).toBe('${toset(var.hubs)}');
    expect(links[0][1].parent_id).toBe('${data.azurerm_private_dns_zone.openai.id}');
  });

  test('whole-list zone IDs and monitoring receivers from variables, a sensitive webhook never in the JSON', () => {
    const secret = 'https://prod-01.logic.azure.com/workflows/x/triggers/manual?sig=SeCrEtSiGnAtUrE123';
    const stack = newStack();
    const hook = new TerraformVariable(stack, 'hook', { type: 'string', sensitive: true, default: secret });
    new HardenedAzureOpenAI(stack, 'AzureOpenAI', {
      ...baseProps(),
      networking: {
        ...baseProps().networking,
        existingPrivateDnsZoneIds: variable(stack, 'zones', 'list(string)').listValue,
      },
      monitoring: {
        subscriptionCoverage: COVERAGE,
        securityTeam: {
          shortName: variable(stack, 'short', 'string').stringValue,
          emailAddresses: variable(stack, 'mails', 'list(string)').listValue,
          webhookUris: [hook.stringValue],
        },
        finOps: { webhookUris: variable(stack, 'hooks', 'list(string)', true).listValue },
      },
    });
    Aspects.of(stack).add(new HardeningChecks({ writeReports: false }));
    const text = Testing.synth(stack, true);
    const json = JSON.parse(text);
    const groups = Object.values<any>(resourcesOf(json, 'azurerm_monitor_action_group'));
    const security = groups.find((g) => g.short_name === '${var.short}');
    expect(security.webhook_receiver[0].service_uri).toBe('${var.hook}');
    const finops = groups.find((g) => g.name.endsWith('-finops'));
    expect(finops.dynamic.webhook_receiver.for_each).toBe('${toset(var.hooks)}');
    // A dynamic block's content in Terraform's argument names (Terraform refused the binding's camelCase names:
    // 'No argument or block type is named "serviceUri". Did you mean "service_uri"?').
    expect(finops.dynamic.webhook_receiver.content).toEqual({
      name: 'FinOps webhook ${tostring(sum([index(var.hooks, each.value), 1]))}',
      service_uri: '${each.value}',
      use_common_alert_schema: true,
    });
    expect(security.dynamic.email_receiver.content).toMatchObject({
      email_address: '${each.value}',
      use_common_alert_schema: true,
    });
    expect(onlyResource(json, 'azurerm_private_endpoint').private_dns_zone_group.private_dns_zone_ids).toBe(
      '${var.zones}',
    );
    // The variable's default is declared in the JSON by design (a default is configuration); the value is
    // never copied into a resource. Real stacks pass it through TF_VAR_hook without a default.
    expect(text.split(secret).length - 1).toBe(1);
    expect(JSON.stringify(json.resource)).not.toContain('SeCrEt');
  });

  test('an imported account without a subdomain is a config error, not a TypeError', () => {
    const stack = newStack();
    expect(() =>
      OpenAIAccount.fromAttributes(stack, 'Imported', {
        accountId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a',
        customSubdomainName: undefined as unknown as string,
        location: 'swedencentral',
      }),
    ).toThrow(HardeningConfigError);
  });
});

/** A stack with one HardenedAzureOpenAI built from base props changed by `change`. */
function build(change: (p: HardenedAzureOpenAIProps) => HardenedAzureOpenAIProps): void {
  new HardenedAzureOpenAI(newStack(), 'AzureOpenAI', change(baseProps()));
}
const acct = (a: Partial<HardenedAzureOpenAIProps['account']>) => (p: HardenedAzureOpenAIProps) => ({
  ...p,
  account: { ...p.account, ...a },
});
const optOut = { reason: 'partner egress IP during migration' };

const BAD_LITERALS: Array<[string, (p: HardenedAzureOpenAIProps) => HardenedAzureOpenAIProps, RegExp]> = [
  [
    'location narnia',
    acct({ location: 'narnia' }),
    /^test\/AzureOpenAI: account\.location: invalid value "narnia". It is not an Azure public region.*allowUnlistedLocation/,
  ],
  [
    'resource group rg/evil',
    acct({ resourceGroupName: 'rg/evil' }),
    /^test\/AzureOpenAI: account\.resourceGroupName: invalid value "rg\/evil". Use 1-90 characters/,
  ],
  [
    'VNet name "bad name!"',
    (p) => ({ ...p, networking: { newNetwork: { ...p.networking!.newNetwork!, name: 'bad name!' } } }),
    /^test\/AzureOpenAI: networking\.newNetwork.name: invalid value "bad name!". Use 2-64 characters for a virtual network name/,
  ],
  [
    'user-assigned identity "not-an-id"',
    acct({ userAssignedIdentityIds: ['not-an-id'] }),
    /^test\/AzureOpenAI: account\.userAssignedIdentityIds\[0\]: invalid value "not-an-id". Expected a Microsoft.ManagedIdentity\/userAssignedIdentities resource ID/,
  ],
  [
    'deployments gpt-4o and GPT-4o',
    acct({ deployments: [GPT, { ...GPT, name: 'GPT-4o' }] }),
    /^test\/AzureOpenAI: account\.deployments\[1\]: invalid value "GPT-4o". Duplicate of deployments\[0\] \("gpt-4o"; Azure names ignore case\)/,
  ],
  [
    'blocklists corp and CORP',
    (p) => ({
      ...p,
      contentFilter: {
        blocklists: [
          { name: 'corp', items: [{ pattern: 'a' }] },
          { name: 'CORP', items: [{ pattern: 'b' }] },
        ],
      },
    }),
    /^test\/AzureOpenAI: contentFilter\.blocklists\[1\]: invalid value "CORP". Duplicate of blocklists\[0\].*ignore case/,
  ],
  [
    'capacity 1e9',
    acct({ deployments: [{ ...GPT, capacity: 1e9 }] }),
    /^test\/AzureOpenAI: account\.deployments\[gpt-4o\].capacity: invalid value 1000000000. Use a whole number from 1 to 100000/,
  ],
  [
    'model version latest',
    acct({ deployments: [{ ...GPT, modelVersion: 'latest' }] }),
    /^test\/AzureOpenAI: account\.deployments\[gpt-4o\].modelVersion: invalid value "latest". Pin a concrete model version/,
  ],
  [
    'the nil GUID as a principal',
    (p) => ({
      ...p,
      identity: {
        grants: [
          {
            displayName: 'ops',
            principalId: '00000000-0000-0000-0000-000000000000',
            principalType: PrincipalType.GROUP,
            role: AccountRole.INVOKE,
          },
        ],
      },
    }),
    /^test\/AzureOpenAI: identity\.grants\[ops\].principalId: invalid value "0{8}-0{4}-0{4}-0{4}-0{12}". The nil GUID is not a principal/,
  ],
  [
    'blocklist item "   "',
    (p) => ({ ...p, contentFilter: { blocklists: [{ name: 'corp', items: [{ pattern: '   ' }] }] } }),
    /^test\/AzureOpenAI: contentFilter\.blocklists\[0\].items\[0\].pattern: invalid value " {3}". Use a pattern with at least one non-blank character/,
  ],
  [
    'opt-out expiry 2025-13-45',
    acct({ localAuthOptOut: { reason: 'legacy client during migration', expiresOn: '2025-13-45' } }),
    /^test\/AzureOpenAI: account\.localAuthOptOut.expiresOn: invalid value "2025-13-45". Use a real calendar date/,
  ],
  [
    'opt-out expiry 2099-99-99',
    acct({ localAuthOptOut: { reason: 'legacy client during migration', expiresOn: '2099-99-99' } }),
    /^test\/AzureOpenAI: account\.localAuthOptOut.expiresOn: invalid value "2099-99-99". Use a real calendar date/,
  ],
  [
    'opt-out expiry 2026-02-30',
    acct({ localAuthOptOut: { reason: 'legacy client during migration', expiresOn: '2026-02-30' } }),
    /^test\/AzureOpenAI: account\.localAuthOptOut.expiresOn: invalid value "2026-02-30"/,
  ],
  [
    'IP rule in multicast 224.1.2.3',
    acct({ allowedIpRules: ['224.1.2.3'], ipRulesOptOut: optOut }),
    /^test\/AzureOpenAI: account\.allowedIpRules\[0\]: invalid value "224.1.2.3". It overlaps 224.0.0.0\/4 \(multicast\)/,
  ],
  [
    'IP rule in reserved 240.0.0.0/8',
    acct({ allowedIpRules: ['240.0.0.0/8'], ipRulesOptOut: optOut }),
    /^test\/AzureOpenAI: account\.allowedIpRules\[0\].*240.0.0.0\/4 \(reserved/,
  ],
  [
    'IP rule in CGNAT 100.64.1.0/24',
    acct({ allowedIpRules: ['100.64.1.0/24'], ipRulesOptOut: optOut }),
    /^test\/AzureOpenAI: account\.allowedIpRules\[0\].*100.64.0.0\/10 \(shared address space/,
  ],
  [
    'IP rule overlapping a private range from outside 8.0.0.0/6',
    acct({ allowedIpRules: ['8.0.0.0/6'], ipRulesOptOut: optOut }),
    /^test\/AzureOpenAI: account\.allowedIpRules\[0\].*10.0.0.0\/8/,
  ],
  [
    'existing-network source 0.0.0.0/1',
    (p) => ({
      ...p,
      networking: {
        existingNetwork: {
          virtualNetworkId:
            '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v',
          endpointSubnetId:
            '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pe',
          allowedSources: [{ name: 'half', cidr: '0.0.0.0/1' }],
        },
      },
    }),
    /^test\/AzureOpenAI: networking\.existingNetwork\.allowedSources\[0\].cidr: invalid value "0.0.0.0\/1". A \/1 source admits 2147483648 addresses; use a CIDR no wider than \/8/,
  ],
  [
    'deployment name ""',
    acct({ deployments: [{ ...GPT, name: '' }] }),
    /^test\/AzureOpenAI: account\.deployments\[0\].name: invalid value "". Give a model deployment name/,
  ],
  [
    'grants named "a b" and "a-b"',
    (p) => ({
      ...p,
      identity: {
        grants: ['a b', 'a-b'].map((displayName, i) => ({
          displayName,
          principalId: `9f2c1e4a-3b7d-4c0e-8a51-2d6f0b9e7c1${i}`,
          principalType: PrincipalType.GROUP,
          role: AccountRole.INVOKE,
        })),
      },
    }),
    /^test\/AzureOpenAI: identity\.grants\[a-b\].displayName: invalid value "a-b". It maps to the same construct ID \(Grant-a-b-invoke\)/,
  ],
  [
    'workload identity given Owner names its own opt-out property',
    (p) => ({
      ...p,
      identity: {
        workloadIdentities: [
          {
            name: 'id-ops',
            role: AccountRole.fromRoleDefinitionGuid('8e3af657-a8ff-443c-a75c-2fe8c4bcb635'),
          },
        ],
      },
    }),
    /^test\/AzureOpenAI: identity\.grants\[id-ops\].role: invalid value "Owner".*pass workloadIdentities\[0\].privilegedRoleOptOut with a reason/,
  ],
  [
    'a 100k-character blocklist pattern is refused and not echoed whole',
    (p) => ({
      ...p,
      contentFilter: { blocklists: [{ name: 'corp', items: [{ pattern: 'x'.repeat(100_000) }] }] },
    }),
    /^test\/AzureOpenAI: contentFilter\.blocklists\[0\].items\[0\].pattern: invalid value "x{119}… \(100002 characters\). Use at most 1000 characters/,
  ],
  [
    'a literal webhook with sig= is refused and redacted',
    (p) => ({
      ...p,
      monitoring: {
        securityTeam: {
          webhookUris: [
            'https://prod-01.logic.azure.com/workflows/x/triggers/manual?api-version=1&sig=SeCrEt',
          ],
        },
      },
    }),
    /^test\/AzureOpenAI: monitoring\.securityTeam.webhookUris\[0\]: invalid value "https:\/\/prod-01.logic.azure.com\/workflows\/x\/triggers\/manual\?<redacted>". The URI carries a credential.*sensitive TerraformVariable/,
  ],
  [
    'an invalid webhook is echoed without its query string',
    (p) => ({
      ...p,
      monitoring: { securityTeam: { webhookUris: ['http://hooks.example.com/x?code=SeCrEt'] } },
    }),
    /^test\/AzureOpenAI: monitoring\.securityTeam.webhookUris\[0\]: invalid value "http:\/\/hooks.example.com\/x\?<redacted>". Use an https:\/\/ URI/,
  ],
];

describe('bad literals fail at construction with field, value and fix', () => {
  test.each(BAD_LITERALS)('%s', (_name, change, message) => {
    let error: unknown;
    try {
      build(change);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HardeningConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/SeCrEt/);
  });

  test('a region newer than the list is accepted with allowUnlistedLocation, still checked for shape', () => {
    expect(() => build(acct({ location: 'marscentral', allowUnlistedLocation: true }))).not.toThrow();
    expect(() => build(acct({ location: 'Sweden Central' }))).not.toThrow();
    expect(() => build(acct({ location: 'mars/central', allowUnlistedLocation: true }))).toThrow(
      /^test\/AzureOpenAI: account\.location: invalid value "mars\/central". Use an Azure region name/,
    );
  });

  test('regions follow the Microsoft Learn public regions list (lib/validation.ts cites it)', () => {
    // Listed there: Austria East, Mexico Central, New Zealand North; Sweden South as a restricted paired region.
    for (const location of ['austriaeast', 'Mexico Central', 'newzealandnorth', 'swedensouth']) {
      expect(() => build(acct({ location }))).not.toThrow();
    }
    // Not listed there (canary and Jio regions; Denmark East is "coming soon"): only through the escape hatch.
    for (const location of ['eastus2euap', 'jioindiawest', 'denmarkeast']) {
      expect(() => build(acct({ location }))).toThrow(/It is not an Azure public region/);
      expect(() => build(acct({ location, allowUnlistedLocation: true }))).not.toThrow();
    }
  });

  test('standalone constructs apply the same policy', () => {
    const stack = newStack();
    const account = new OpenAIAccount(stack, 'Account', {
      name: 'aoai-a',
      resourceGroupName: 'rg',
      location: 'swedencentral',
    });
    expect(
      () => new IdentityLockdown(stack, 'Id', { account, workloadIdentities: [{ name: 'ab' }] }),
    ).toThrow(
      /^test\/Id: workloadIdentities\[0\].name: invalid value "ab". Use 3-128 characters for a user-assigned identity name/,
    );
    expect(() => new SecurityMonitoring(stack, 'Mon', { account, workspaceName: 'log' })).toThrow(
      /^workspaceName: invalid value "log". Use 4-63 characters/,
    );
  });
});

describe('error values are truncated and redacted', () => {
  test('URL query strings and user info are redacted; long values are cut with their length', () => {
    expect(redactSecrets('https://user:pw@h.example.com/p?sig=abc&x=1 and key=abc')).toBe(
      'https://<redacted>@h.example.com/p?<redacted> and key=<redacted>',
    );
    expect(describeValue('y'.repeat(500))).toBe(`"${'y'.repeat(119)}… (502 characters)`);
  });
});

describe('resource attributes as README stacks pass them', () => {
  test('a resource group resource name and location reference', () => {
    const stack = newStack();
    const rg = new ResourceGroup(stack, 'rg', { name: 'rg-x', location: 'swedencentral' });
    new HardenedAzureOpenAI(stack, 'AzureOpenAI', {
      ...baseProps(),
      account: { ...baseProps().account, resourceGroupName: rg.name, location: rg.location },
    });
    Aspects.of(stack).add(new HardeningChecks({ writeReports: false }));
    const account = onlyResource(synthJson(stack, true), 'azurerm_cognitive_account');
    expect(account.location).toBe('${azurerm_resource_group.rg.location}');
  });
});

describe('an expired opt-out says so', () => {
  test('the Aspect reports "opt-out ... expired on <date>", not only the rule it covered', () => {
    const stack = newStack();
    new HardenedAzureOpenAI(stack, 'AzureOpenAI', {
      ...baseProps(),
      account: {
        ...baseProps().account,
        publicNetworkAccessOptOut: { reason: 'lab without a VNet, deleted nightly', expiresOn: '2026-01-31' },
      },
    });
    Aspects.of(stack).add(new HardeningChecks({ writeReports: false, today: '2026-03-01' }));
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[AOAI-NET-001\] opt-out publicNetworkAccessOptOut expired on 2026-01-31; renew it or restore the hardened setting/,
    );
  });
});
