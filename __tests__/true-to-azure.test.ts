/**
 * Defects that would fail the first `terraform apply` or a later plan, each checked on the synthesized JSON
 * against a fact from the provider source, the azapi embedded schemas or the REST spec (cited per test).
 */
import { readFileSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { OpenAIAccount, PrivateNetworking, SecurityMonitoring } from '../lib';
import { newStack, onlyResource, resourcesOf, synthJson } from './helpers';
import { referenceJson, referenceStack } from './reference';
import { AZAPI_PROVIDER_VERSION_CONSTRAINT, AZAPI_SCHEMA_FIRST_RELEASE } from '../lib/azapi/provider';
import { COGNITIVE_API_VERSION, NETWORK_API_VERSION } from '../lib/azure-facts';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000001';
const IMPORTED_ID = `${SUB}/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/aoai-x`;

function account(stack = newStack()) {
  return {
    stack,
    account: new OpenAIAccount(stack, 'Account', {
      name: 'aoai-t',
      resourceGroupName: 'rg',
      location: 'swedencentral',
      deployments: [{ name: 'gpt', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
    }),
  };
}

describe('private DNS links reference their zones', () => {
  test('every link names its zone through the zone resource, so Terraform creates the zone first', () => {
    const json = referenceJson();
    const zones = resourcesOf(json, 'azurerm_private_dns_zone');
    const links = Object.values<any>(resourcesOf(json, 'azurerm_private_dns_zone_virtual_network_link'));
    expect(links.length).toBe(Object.keys(zones).length);
    for (const link of links) {
      const m = /^\$\{azurerm_private_dns_zone\.([^.]+)\.name\}$/.exec(link.private_dns_zone_name);
      expect(m).not.toBeNull();
      expect(zones[m![1]]).toBeDefined();
      expect(link.resource_group_name).toBe(`\${azurerm_private_dns_zone.${m![1]}.resource_group_name}`);
    }
  });
});

describe('endpoint subnet network policies are set once', () => {
  // azurerm_subnet's private_endpoint_network_policies defaults to "Disabled" (docs/azure-facts.md §5.4, AZURERM@v4.55.0
  // website/docs/r/subnet.html.markdown), so with the subnet in state an azapi patch of the same property is a
  // drift azurerm reverts: every plan shows a diff.
  function existingInStack(policy?: string) {
    const stack = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', {
      name: 'vnet',
      resourceGroupName: 'rg',
      location: 'swedencentral',
      addressSpace: ['10.9.0.0/16'],
    });
    const subnet = new Subnet(stack, 'PeSubnet', {
      name: 'snet-pe',
      resourceGroupName: 'rg',
      virtualNetworkName: vnet.name,
      addressPrefixes: ['10.9.1.0/24'],
      privateEndpointNetworkPolicies: policy,
    });
    const { account: acct } = account(stack);
    new PrivateNetworking(stack, 'Net', {
      account: acct,
      existingNetwork: {
        virtualNetworkId: vnet.id,
        endpointSubnetId: subnet.id,
        allowedSources: [{ name: 'app', cidr: '10.9.2.0/24' }],
      },
    });
    return synthJson(stack);
  }
  test('a subnet created in the same stack gets the policy on azurerm_subnet, and no azapi update', () => {
    const json = existingInStack();
    expect(resourcesOf(json, 'azapi_update_resource')).toEqual({});
    expect(onlyResource(json, 'azurerm_subnet').private_endpoint_network_policies).toBe('Enabled');
  });
  test('an explicit "Disabled" on our own subnet is refused with the fix', () => {
    expect(() => existingInStack('Disabled')).toThrow(
      /existingNetwork.endpointSubnetId: invalid value .*Disabled.*set privateEndpointNetworkPolicies to "Enabled"/,
    );
  });
  test('a subnet outside the configuration is patched through azapi', () => {
    const { stack, account: acct } = account();
    new PrivateNetworking(stack, 'Net', {
      account: acct,
      existingNetwork: {
        virtualNetworkId: `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v`,
        endpointSubnetId: `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/pe`,
        allowedSources: [{ name: 'app', cidr: '10.9.2.0/24' }],
      },
    });
    const update = onlyResource(synthJson(stack), 'azapi_update_resource');
    expect(update.body).toEqual({ properties: { privateEndpointNetworkPolicies: 'Enabled' } });
  });
});

describe('azapi version constraint', () => {
  /** Every `<type>@<api-version>` string lib/ writes, read from the source (templates expanded). */
  function typesInLib(): Set<string> {
    const out = new Set<string>();
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) {
          walk(p);
        } else if (p.endsWith('.ts')) {
          const text = readFileSync(p, 'utf8')
            .replace(/\$\{COGNITIVE_API_VERSION\}/g, COGNITIVE_API_VERSION)
            .replace(/\$\{NETWORK_API_VERSION\}/g, NETWORK_API_VERSION);
          for (const m of text.matchAll(/type: `?'?(Microsoft\.[A-Za-z]+\/[A-Za-z/]+@\d{4}-\d{2}-\d{2})/g)) {
            out.add(m[1]);
          }
        }
      }
    };
    walk(join(__dirname, '..', 'lib'));
    return out;
  }
  const version = (v: string) => v.split('.').map(Number);
  const atLeast = (a: string, b: string) => {
    const [x, y] = [version(a), version(b)];
    for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
    return true;
  };
  test('lib/ writes these azapi types, each with a known first release', () => {
    const used = typesInLib();
    expect([...used].sort()).toEqual(Object.keys(AZAPI_SCHEMA_FIRST_RELEASE).sort());
  });
  test('the constraint starts at the first release that embeds every type@version used, and stays on 2.x', () => {
    // Source: Azure/terraform-provider-azapi internal/azure/generated/.../<api-version>/types.json per tag
    // (cognitiveservices 2025-06-01 from v2.5.0; network 2024-05-01 from v2.1.0).
    const m = /^~> (\d+)\.(\d+)$/.exec(AZAPI_PROVIDER_VERSION_CONSTRAINT);
    expect(m).not.toBeNull();
    const floor = `${m![1]}.${m![2]}.0`;
    const needed = Object.values(AZAPI_SCHEMA_FIRST_RELEASE).reduce((a, b) => (atLeast(a, b) ? a : b));
    expect(needed).toBe('2.5.0');
    expect(floor).toBe(needed);
    // `~> 2.0` admitted 2.0-2.4, whose schemas lack CognitiveServices 2025-06-01 ("api-version is invalid").
    expect(atLeast('2.4.0', floor)).toBe(false);
  });
  test('every azapi resource the reference stack and an imported account synthesize uses a known type', () => {
    const stack = newStack();
    const imported = OpenAIAccount.fromAttributes(stack, 'Imported', {
      accountId: IMPORTED_ID,
      customSubdomainName: 'aoai-x',
      location: 'westeurope',
    });
    new SecurityMonitoring(stack, 'Mon', { account: imported });
    for (const json of [referenceJson(), synthJson(stack)]) {
      expect(json.terraform.required_providers.azapi.version).toBe(AZAPI_PROVIDER_VERSION_CONSTRAINT);
      for (const type of ['azapi_resource', 'azapi_update_resource']) {
        for (const r of Object.values<any>(resourcesOf(json, type))) {
          expect(AZAPI_SCHEMA_FIRST_RELEASE).toHaveProperty([r.type]);
        }
      }
    }
  });
});

describe('log alert rules on a workspace created in the same apply', () => {
  // Azure validates a scheduled query rule's query at creation; a new workspace has no AzureDiagnostics table yet,
  // so the create fails with 400 "failed to resolve table or column". azurerm 4.55.0 exposes
  // skip_query_validation on azurerm_monitor_scheduled_query_rules_alert_v2 (docs/azure-facts.md §7.6).
  test('skip Azure query validation when the workspace is created here', () => {
    const { stack, account: acct } = account();
    new SecurityMonitoring(stack, 'Mon', { account: acct });
    const rules = Object.values<any>(
      resourcesOf(synthJson(stack), 'azurerm_monitor_scheduled_query_rules_alert_v2'),
    );
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(r.skip_query_validation).toBe(true);
  });
  test('keep Azure query validation on an existing workspace (its tables exist)', () => {
    const { stack, account: acct } = account();
    new SecurityMonitoring(stack, 'Mon', {
      account: acct,
      existingWorkspaceId: `${SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log`,
    });
    const rules = Object.values<any>(
      resourcesOf(synthJson(stack), 'azurerm_monitor_scheduled_query_rules_alert_v2'),
    );
    for (const r of rules) expect(r.skip_query_validation).toBeUndefined();
  });
});

describe('Defender for AI account setting', () => {
  test('managed with azapi_update_resource on the Default setting, ordered in the account write chain', () => {
    const { stack, account: acct } = account();
    new SecurityMonitoring(stack, 'Mon', { account: acct });
    const json = synthJson(stack);
    const setting = Object.entries<any>(resourcesOf(json, 'azapi_update_resource')).find(([, r]) =>
      /defenderForAISettings@/.test(r.type),
    )!;
    expect(setting[1]).toMatchObject({
      name: 'Default',
      parent_id: '${azurerm_cognitive_account.Account_0D856946.id}',
      body: { properties: { state: 'Enabled' } },
    });
    expect(setting[1].resource_id).toBeUndefined();
    // After the deployment on the same account (both are writes on it).
    expect(setting[1].depends_on).toEqual([expect.stringMatching(/^azurerm_cognitive_deployment\./)]);
  });
});

describe('one ordered chain of writes per account', () => {
  const kind = (r: any) =>
    r.terraformResourceType === 'azapi_resource' || r.terraformResourceType === 'azapi_update_resource'
      ? `${r.terraformResourceType}:${String(r.type ?? '')
          .split('@')[0]
          .split('/')
          .pop()}`
      : r.terraformResourceType;
  test('reference stack: blocklist and items, policy, deployment, Defender setting, private endpoint', () => {
    const stack = referenceStack();
    const writes = stack.hardened.account._accountWrites;
    const kinds = writes.map(kind);
    expect(kinds[0]).toBe('azapi_resource:raiBlocklists');
    expect(kinds.slice(1, -4).every((k) => k === 'azapi_resource:raiBlocklistItems')).toBe(true);
    expect(kinds.slice(-4)).toEqual([
      'azapi_resource:raiPolicies',
      'azurerm_cognitive_deployment',
      'azapi_update_resource:defenderForAISettings',
      'azurerm_private_endpoint',
    ]);
  });
  test('imported account: the lockdown updates come first, before the deployments and the endpoint', () => {
    const stack = newStack();
    const imported = OpenAIAccount.fromAttributes(stack, 'Imported', {
      accountId: IMPORTED_ID,
      customSubdomainName: 'aoai-x',
      location: 'westeurope',
    });
    imported.addDeployment({ name: 'gpt', modelName: 'gpt-4o', modelVersion: '2024-08-06' });
    const net = `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v`;
    new PrivateNetworking(stack, 'Net', {
      account: imported,
      existingNetwork: {
        virtualNetworkId: net,
        endpointSubnetId: `${net}/subnets/pe`,
        allowedSources: [{ name: 'app', cidr: '10.9.2.0/24' }],
      },
    });
    expect(imported._accountWrites.map(kind)).toEqual([
      'azapi_update_resource:accounts',
      'azurerm_cognitive_deployment',
      'azurerm_private_endpoint',
    ]);
    // The deployment now waits for the lockdown (it was created before PrivateNetworking added the lockdown).
    const json = synthJson(stack);
    const deployment = onlyResource(json, 'azurerm_cognitive_deployment');
    expect(deployment.depends_on).toEqual([
      expect.stringMatching(/^azapi_update_resource\..*AccountNetworkLockdown/),
    ]);
  });
});
