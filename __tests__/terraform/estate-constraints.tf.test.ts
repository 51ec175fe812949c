// The estate model's constraints, each proven through Terraform core: a small configuration that breaks it is
// refused by the stubs' shared fake ARM with an error naming the constraint, and the compliant shape applies.
// Most scenarios start from a copy of the landing-zone fixture (applied once) with its policy set on.
import { CONSTRAINTS, Estate, HUB_SUBSCRIPTION, LZ, POLICIES, SPOKE_SUBSCRIPTION, flat } from './estate';
import { Scratch, TfResult } from './tf';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const OTHER_SUBSCRIPTION = '33333333-3333-3333-3333-333333333333';
const LOCATION = 'swedencentral';
const ACCOUNT_ID = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/rg-aoai/providers/Microsoft.CognitiveServices/accounts/aoai-estate`;
const SUBNET_API = 'Microsoft.Network/virtualNetworks/subnets@2024-05-01';

/** A Terraform JSON configuration: azurerm (plus aliases), azapi when an azapi type is used. */
function tf(
  resource: Record<string, Record<string, any>>,
  aliases: Array<Record<string, any>> = [],
  features: Record<string, any> = {},
): any {
  const azapi = Object.keys(resource).some((t) => t.startsWith('azapi_'));
  return {
    terraform: {
      required_providers: {
        azurerm: { source: 'azurerm', version: '4.55.0' },
        ...(azapi ? { azapi: { source: 'Azure/azapi', version: '2.5.0' } } : {}),
      },
    },
    provider: {
      azurerm: [{ features: [features] }, ...aliases.map((a) => ({ features: [{}], ...a }))],
      ...(azapi ? { azapi: [{}] } : {}),
    },
    resource,
  };
}
const hub = { alias: 'hub', subscription_id: HUB_SUBSCRIPTION };
const other = { alias: 'other', subscription_id: OTHER_SUBSCRIPTION };
const rg = (name: string, location = LOCATION, provider?: string) => ({
  name,
  location,
  ...(provider ? { provider } : {}),
});
const endpoint = (
  name: string,
  subnetId: string,
  location = LOCATION,
  resourceGroup = '${azurerm_resource_group.aoai.name}',
  provider?: string,
) => ({
  name,
  location,
  resource_group_name: resourceGroup,
  subnet_id: subnetId,
  private_service_connection: [
    {
      name: `${name}-psc`,
      private_connection_resource_id: ACCOUNT_ID,
      is_manual_connection: false,
      subresource_names: ['account'],
    },
  ],
  ...(provider ? { provider } : {}),
});
const rule = (name: string, priority: number, direction: string) => ({
  name,
  resource_group_name: 'rg-net',
  network_security_group_name: 'nsg-snet-pe',
  priority,
  direction,
  access: 'Allow',
  protocol: 'Tcp',
  source_port_range: '*',
  destination_port_range: '443',
  source_address_prefix: '10.50.8.0/22',
  destination_address_prefix: '*',
});
const subnet = (name: string, prefix: string, nsgId?: string) => ({
  type: SUBNET_API,
  name,
  parent_id: LZ.vnet,
  body: { properties: { addressPrefix: prefix, ...(nsgId ? { networkSecurityGroup: { id: nsgId } } : {}) } },
});
const account = (name: string, publicAccess: boolean) => ({
  name,
  location: LOCATION,
  resource_group_name: '${azurerm_resource_group.aoai.name}',
  kind: 'OpenAI',
  sku_name: 'S0',
  custom_subdomain_name: name,
  public_network_access_enabled: publicAccess,
  local_auth_enabled: false,
});
const setting = (name: string, workspace: string, categories: string[]) => ({
  name,
  target_resource_id: `/subscriptions/${SPOKE_SUBSCRIPTION}`,
  log_analytics_workspace_id: workspace,
  enabled_log: categories.map((category) => ({ category })),
});
const workspace = {
  name: 'log-aoai',
  location: LOCATION,
  resource_group_name: '${azurerm_resource_group.aoai.name}',
  sku: 'PerGB2018',
  retention_in_days: 30,
};

/**
 * The configurations that break each constraint or policy on the landing zone: one resource per case (its
 * address below), gathered into four configurations of cases that cannot affect each other, each applied alone on
 * its own copy of the landing zone (four Terraform runs rather than fourteen). Terraform reports every refused
 * resource with its address, so each refusal is attributed to its case.
 */
const GROUPS: Record<
  string,
  { aliases: Array<Record<string, any>>; resource: Record<string, Record<string, any>> }
> = {
  network: {
    aliases: [other],
    resource: {
      azurerm_resource_group: { aoai: rg('rg-aoai'), other_sub: rg('rg-aoai', LOCATION, 'azurerm.other') },
      azurerm_network_security_group: {
        aoai: {
          name: 'nsg-aoai',
          location: LOCATION,
          resource_group_name: '${azurerm_resource_group.aoai.name}',
        },
      },
      azurerm_subnet_network_security_group_association: {
        pe: {
          subnet_id: LZ.peSubnet,
          network_security_group_id: '${azurerm_network_security_group.aoai.id}',
        },
      },
      azurerm_network_security_rule: { aks: rule('allow-aks-443', 4000, 'Inbound') },
      azurerm_subnet: {
        app: {
          name: 'snet-aoai-app',
          resource_group_name: 'rg-net',
          virtual_network_name: 'vnet-spoke',
          address_prefixes: ['10.50.7.0/24'],
        },
      },
      azurerm_private_endpoint: {
        region: endpoint('pe-region', LZ.peSubnet, 'francecentral'),
        missing: endpoint('pe-missing', `${LZ.vnet}/subnets/snet-missing`),
        other: endpoint(
          'pe-other',
          LZ.peSubnet,
          LOCATION,
          '${azurerm_resource_group.other_sub.name}',
          'azurerm.other',
        ),
      },
    },
  },
  dns: {
    aliases: [hub, other],
    resource: {
      azurerm_resource_group: { aoai: rg('rg-aoai'), dns: rg('rg-dns', LOCATION, 'azurerm.other') },
      azurerm_private_dns_zone: {
        overlap: {
          provider: 'azurerm.other',
          name: 'privatelink.openai.azure.com',
          resource_group_name: '${azurerm_resource_group.dns.name}',
        },
        local: {
          name: 'privatelink.openai.azure.com',
          resource_group_name: '${azurerm_resource_group.aoai.name}',
        },
      },
      azurerm_private_dns_zone_virtual_network_link: {
        hub: {
          provider: 'azurerm.hub',
          name: 'link-aoai-estate',
          resource_group_name: 'rg-hub',
          private_dns_zone_name: 'privatelink.openai.azure.com',
          virtual_network_id: LZ.vnet,
        },
        overlap: {
          provider: 'azurerm.other',
          name: 'link-spoke',
          resource_group_name: '${azurerm_resource_group.dns.name}',
          private_dns_zone_name: '${azurerm_private_dns_zone.overlap.name}',
          virtual_network_id: LZ.vnet,
        },
      },
    },
  },
  singletons: {
    aliases: [],
    resource: {
      azurerm_resource_group: { net: rg('rg-net'), aoai: rg('rg-aoai') },
      azurerm_security_center_subscription_pricing: { ai: { tier: 'Standard', resource_type: 'AI' } },
      azurerm_monitor_diagnostic_setting: {
        activity: setting('aoai-activity-log', LZ.workspace, ['Administrative']),
      },
      azurerm_cognitive_account: { aoai: account('aoai-estate', true) },
    },
  },
  limit: {
    aliases: [],
    resource: {
      azurerm_resource_group: { aoai: rg('rg-aoai') },
      azurerm_log_analytics_workspace: { aoai: workspace },
      azurerm_monitor_diagnostic_setting: Object.fromEntries(
        ['Administrative', 'Security', 'ServiceHealth', 'Alert', 'Policy'].map((c) => [
          c.toLowerCase(),
          setting(`aoai-${c.toLowerCase()}`, '${azurerm_log_analytics_workspace.aoai.id}', [c]),
        ]),
      ),
    },
  },
};

/** Each single-apply case: its group and the address of the resource that breaks the rule. */
const REFUSED: Record<string, { group: string; address: string }> = {
  SubnetAlreadyHasNsg: { group: 'network', address: 'azurerm_subnet_network_security_group_association.pe' },
  SecurityRulePriorityConflict: { group: 'network', address: 'azurerm_network_security_rule.aks' },
  'Deny-Subnet-Without-Nsg': { group: 'network', address: 'azurerm_subnet.app' },
  PrivateEndpointNotInVnetRegion: { group: 'network', address: 'azurerm_private_endpoint.region' },
  ReferencedResourceNotFound: { group: 'network', address: 'azurerm_private_endpoint.missing' },
  PrivateEndpointNotInVnetSubscription: { group: 'network', address: 'azurerm_private_endpoint.other' },
  DnsZoneLinkExists: { group: 'dns', address: 'azurerm_private_dns_zone_virtual_network_link.hub' },
  DnsZoneNameOverlap: { group: 'dns', address: 'azurerm_private_dns_zone_virtual_network_link.overlap' },
  'Deny-Private-DNS-Zones': { group: 'dns', address: 'azurerm_private_dns_zone.local' },
  ResourceAlreadyExists: { group: 'singletons', address: 'azurerm_resource_group.net' },
  PricingNotFree: { group: 'singletons', address: 'azurerm_security_center_subscription_pricing.ai' },
  DiagnosticCategorySinkConflict: {
    group: 'singletons',
    address: 'azurerm_monitor_diagnostic_setting.activity',
  },
  'Deny-Cognitive-Services-Public-Network-Access': {
    group: 'singletons',
    address: 'azurerm_cognitive_account.aoai',
  },
  // Five settings created side by side next to the landing zone's: whichever is sixth is refused.
  DiagnosticSettingsLimit: { group: 'limit', address: 'azurerm_monitor_diagnostic_setting.*' },
};

/** Every refusal in a run's output: [resource address, constraint or policy name]. */
function refusals(r: TfResult): Array<[string, string]> {
  return [
    ...flat(r).matchAll(
      /Error: Estate (?:constraint|policy) ([\w-]+):.*? with ([a-z_]+\.[\w-]+), on cdk\.tf\.json/g,
    ),
  ].map((m) => [m[2], m[1]]);
}

/**
 * The compliant shapes, in one configuration on one copy of the landing zone: each line is what the refused
 * configuration above should have done, and each is asserted present in the estate after the apply.
 */
const COMPLIANT = tf(
  {
    azurerm_resource_group: { aoai: rg('rg-aoai'), tools_dns: rg('rg-dns', LOCATION, 'azurerm.other') },
    // SecurityRulePriorityConflict / SubnetAlreadyHasNsg: add rules to the platform's NSG at free priorities.
    azurerm_network_security_rule: {
      aks: rule('allow-aks-443', 200, 'Inbound'),
      out: rule('allow-out-443', 4000, 'Outbound'),
    },
    // PricingNotFree: an update-only write of the plan.
    azapi_update_resource: {
      ai: {
        type: 'Microsoft.Security/pricings@2024-01-01',
        resource_id: LZ.defenderForAi,
        body: { properties: { pricingTier: 'Standard' } },
      },
    },
    // DnsZoneLinkExists: a link to another VNet; DnsZoneNameOverlap: a zone of another name.
    azurerm_virtual_network: {
      tools: {
        name: 'vnet-tools',
        location: LOCATION,
        resource_group_name: '${azurerm_resource_group.aoai.name}',
        address_space: ['10.60.0.0/16'],
      },
    },
    azurerm_private_dns_zone: {
      contoso: {
        provider: 'azurerm.other',
        name: 'contoso.internal',
        resource_group_name: '${azurerm_resource_group.tools_dns.name}',
      },
      // Deny-Private-DNS-Zones: a zone in the connectivity subscription (outside the assignment).
      blob: {
        provider: 'azurerm.hub',
        name: 'privatelink.blob.core.windows.net',
        resource_group_name: 'rg-hub',
      },
    },
    azurerm_private_dns_zone_virtual_network_link: {
      tools: {
        provider: 'azurerm.hub',
        name: 'link-vnet-tools',
        resource_group_name: 'rg-hub',
        private_dns_zone_name: 'privatelink.openai.azure.com',
        virtual_network_id: '${azurerm_virtual_network.tools.id}',
      },
      contoso: {
        provider: 'azurerm.other',
        name: 'link-spoke',
        resource_group_name: '${azurerm_resource_group.tools_dns.name}',
        private_dns_zone_name: '${azurerm_private_dns_zone.contoso.name}',
        virtual_network_id: LZ.vnet,
      },
    },
    // DiagnosticCategorySinkConflict: another workspace; DiagnosticSettingsLimit: five settings in all.
    azurerm_log_analytics_workspace: { aoai: workspace },
    azurerm_monitor_diagnostic_setting: Object.fromEntries(
      ['Administrative', 'Security', 'ServiceHealth', 'Alert'].map((c) => [
        c.toLowerCase(),
        setting(`aoai-${c.toLowerCase()}`, '${azurerm_log_analytics_workspace.aoai.id}', [c]),
      ]),
    ),
    // PrivateEndpointNotInVnet*, ReferencedResourceNotFound: the endpoint in its VNet's region and subscription.
    azurerm_private_endpoint: { aoai: endpoint('pe-aoai', LZ.peSubnet) },
    // Deny-Subnet-Without-Nsg: a subnet created with its NSG in the same PUT.
    azapi_resource: { app: subnet('snet-aoai-app', '10.50.7.0/24', LZ.appNsg) },
    // Deny-Cognitive-Services-Public-Network-Access.
    azurerm_cognitive_account: { aoai: account('aoai-estate', false) },
  },
  [hub, other],
);
const S = `/subscriptions/${SPOKE_SUBSCRIPTION}`;
const COMPLIANT_IDS: Record<string, string[]> = {
  ResourceAlreadyExists: [`${S}/resourceGroups/rg-aoai`],
  SubnetAlreadyHasNsg: [`${LZ.peNsg}/securityRules/allow-aks-443`],
  PricingNotFree: [LZ.defenderForAi],
  SecurityRulePriorityConflict: [
    `${LZ.peNsg}/securityRules/allow-aks-443`,
    `${LZ.peNsg}/securityRules/allow-out-443`,
  ],
  DnsZoneLinkExists: [LZ.zone('privatelink.openai.azure.com') + '/virtualNetworkLinks/link-vnet-tools'],
  DnsZoneNameOverlap: [
    `/subscriptions/${OTHER_SUBSCRIPTION}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/contoso.internal/virtualNetworkLinks/link-spoke`,
  ],
  DiagnosticCategorySinkConflict: [
    `${S}/providers/Microsoft.Insights/diagnosticSettings/aoai-administrative`,
  ],
  DiagnosticSettingsLimit: ['administrative', 'security', 'servicehealth', 'alert'].map(
    (c) => `${S}/providers/Microsoft.Insights/diagnosticSettings/aoai-${c}`,
  ),
  PrivateEndpointNotInVnetRegion: [
    `${S}/resourceGroups/rg-aoai/providers/Microsoft.Network/privateEndpoints/pe-aoai`,
  ],
  PrivateEndpointNotInVnetSubscription: [
    `${S}/resourceGroups/rg-aoai/providers/Microsoft.Network/privateEndpoints/pe-aoai`,
  ],
  ReferencedResourceNotFound: [
    `${S}/resourceGroups/rg-aoai/providers/Microsoft.Network/privateEndpoints/pe-aoai`,
  ],
  'Deny-Subnet-Without-Nsg': [`${LZ.vnet}/subnets/snet-aoai-app`],
  'Deny-Private-DNS-Zones': [LZ.zone('privatelink.blob.core.windows.net')],
  'Deny-Cognitive-Services-Public-Network-Access': [ACCOUNT_ID],
};

/** Run async jobs with at most `limit` at a time (each Terraform run starts several processes). */
async function pool<T>(jobs: Array<() => Promise<T>>, limit = 3): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]();
      }
    }),
  );
  return results;
}

interface Outcome {
  readonly refused: TfResult;
  readonly compliant: TfResult;
  readonly estate?: Estate;
  readonly notes?: Record<string, unknown>;
}

let lz: Estate;
const outcomes = new Map<string, Outcome>();
let compliant: { result: TfResult; estate: Estate };

/** Multi-step scenarios: the refusal needs something applied first (state across applies and stacks). */
const SCENARIOS: Record<string, () => Promise<Outcome>> = {
  // A subnet with an endpoint in it changes its address range: refused; without the endpoint: applies.
  SubnetInUseAddressChange: async () => {
    const withEndpoint = (prefix: string, pe: boolean) =>
      tf({
        azurerm_resource_group: { aoai: rg('rg-aoai') },
        azapi_resource: { pe: subnet('snet-aoai-pe', prefix, LZ.peNsg) },
        ...(pe ? { azurerm_private_endpoint: { aoai: endpoint('pe-aoai', '${azapi_resource.pe.id}') } } : {}),
      });
    const used = lz.copy('in-use-address');
    const first = await used.apply('net', withEndpoint('10.50.5.0/24', true));
    if (first.code !== 0) throw new Error(first.output);
    const refused = await used.apply('net', withEndpoint('10.50.6.0/24', true));
    const free = lz.copy('free-address');
    await free.apply('net', withEndpoint('10.50.5.0/24', false));
    const ok = await free.apply('net', withEndpoint('10.50.6.0/24', false));
    return { refused, compliant: ok, estate: free };
  },
  // Stacks that use another stack's subnet and NSG: destroying the owner first is refused; in order, it works.
  SubnetInUseCannotBeDeleted: async () => {
    const e = lz.copy('in-use-delete');
    const { nsg, net, app, nsgId, subnetId } = usersOfStacks();
    for (const [name, config] of [
      ['nsg', nsg],
      ['net', net],
      ['app', app],
    ] as const) {
      const r = await e.apply(name, config);
      if (r.code !== 0) throw new Error(r.output);
    }
    const refusedSubnet = await e.destroy('net');
    const refusedNsg = await e.destroy('nsg');
    outcomes.set('NsgInUseCannotBeDeleted', {
      refused: refusedNsg,
      compliant: undefined as any,
      estate: e,
      notes: { nsgId },
    });
    const inOrder = [await e.destroy('app'), await e.destroy('net'), await e.destroy('nsg')];
    const ok = inOrder.find((r) => r.code !== 0) ?? inOrder[2];
    outcomes.set('NsgInUseCannotBeDeleted', { ...outcomes.get('NsgInUseCannotBeDeleted')!, compliant: ok });
    return { refused: refusedSubnet, compliant: ok, estate: e, notes: { subnetId } };
  },
  // A destroyed account (no purge) cannot be created again for 48 hours; after them it can.
  AccountSoftDeleted: async () => {
    const e = lz.copy('soft-delete');
    e.setClock('2026-12-01T08:00:00Z');
    const config = tf(
      {
        azurerm_resource_group: { aoai: rg('rg-aoai') },
        azurerm_cognitive_account: { aoai: account('aoai-estate', false) },
      },
      [],
      { cognitive_account: [{ purge_soft_delete_on_destroy: false }] },
    );
    for (const step of [() => e.apply('aoai', config), () => e.destroy('aoai')]) {
      const r = await step();
      if (r.code !== 0) throw new Error(r.output);
    }
    e.setClock('2026-12-03T07:00:00Z');
    const refused = await e.apply('aoai', config);
    e.setClock('2026-12-03T08:00:01Z');
    const ok = await e.apply('aoai', config);
    return { refused, compliant: ok, estate: e };
  },
};

/** Three stacks: an NSG, a subnet using it (by ID), an endpoint in that subnet (by ID). */
function usersOfStacks() {
  const nsgId = `${S}/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-aoai-pe`;
  const subnetId = `${LZ.vnet}/subnets/snet-aoai-pe`;
  return {
    nsgId,
    subnetId,
    nsg: tf({
      azurerm_network_security_group: {
        pe: { name: 'nsg-aoai-pe', location: LOCATION, resource_group_name: 'rg-net' },
      },
    }),
    net: tf({ azapi_resource: { pe: subnet('snet-aoai-pe', '10.50.5.0/24', nsgId) } }),
    app: tf({
      azurerm_resource_group: { aoai: rg('rg-aoai') },
      azurerm_private_endpoint: { aoai: endpoint('pe-aoai', subnetId) },
    }),
  };
}

beforeAll(async () => {
  lz = await Estate.landingZone(scratch);
  const jobs: Array<() => Promise<void>> = [
    async () => {
      const estate = lz.copy('compliant');
      compliant = { result: await estate.apply('compliant', COMPLIANT), estate };
    },
    ...Object.entries(SCENARIOS).map(([name, run]) => async () => {
      outcomes.set(name, await run());
    }),
    ...Object.entries(GROUPS).map(([group, { aliases, resource }]) => async () => {
      const estate = lz.copy(`refused-${group}`);
      const refused = await estate.apply('stack', tf(resource, aliases));
      for (const [name, c] of Object.entries(REFUSED)) {
        if (c.group === group) outcomes.set(name, { refused, compliant: undefined as any, estate });
      }
    }),
  ];
  await pool(jobs);
}, 600000);

test('each grouped configuration is refused exactly for its cases, nothing else', () => {
  for (const group of Object.keys(GROUPS)) {
    const expected = Object.entries(REFUSED)
      .filter(([, c]) => c.group === group)
      .map(([name, c]) => `${c.address.replace(/\.\*$/, '')} ${name}`)
      .sort();
    const found = refusals(
      outcomes.get(Object.keys(REFUSED).find((n) => REFUSED[n].group === group)!)!.refused,
    )
      .map(([a, n]) => `${n === 'DiagnosticSettingsLimit' ? a.replace(/\.[\w-]+$/, '') : a} ${n}`)
      .sort();
    expect([group, found]).toEqual([group, expected]);
  }
});

test('every constraint and every policy of the model has a refusal case here', () => {
  expect(new Set([...Object.keys(REFUSED), ...Object.keys(SCENARIOS), 'NsgInUseCannotBeDeleted'])).toEqual(
    new Set([...Object.keys(CONSTRAINTS), ...Object.keys(POLICIES)]),
  );
});

test('the landing zone holds what the fixture declares, with parents and children', () => {
  const doc = lz.document();
  expect(doc.policies).toEqual([{ set: 'landing-zone', scope: `/subscriptions/${SPOKE_SUBSCRIPTION}` }]);
  expect(lz.resource(LZ.peSubnet)?.properties.networkSecurityGroup.id).toBe(LZ.peNsg);
  expect(lz.resource(LZ.appSubnet)?.properties.networkSecurityGroup.id).toBe(LZ.appNsg);
  expect(lz.resource(LZ.defenderForAi)?.properties.pricingTier).toBe('Standard');
  expect(lz.resource(LZ.activityLogSetting)?.properties.workspaceId).toBe(LZ.workspace);
  for (const zone of LZ.zones) expect(lz.resource(LZ.link(zone))?.properties.virtualNetwork.id).toBe(LZ.vnet);
  expect(lz.resource(`${LZ.peNsg}/securityRules/deny-internet-inbound`)?.properties).toMatchObject({
    priority: 4000,
    direction: 'Inbound',
  });
});

test('the compliant shape of every constraint applies into the landing zone', () => {
  expect(compliant.result.code).toBe(0);
  for (const [name, ids] of Object.entries(COMPLIANT_IDS)) {
    for (const id of ids) {
      expect([name, compliant.estate.resource(id)?.id.toLowerCase()]).toEqual([name, id.toLowerCase()]);
    }
  }
});

describe.each([...Object.keys(CONSTRAINTS), ...Object.keys(POLICIES)])('%s', (name) => {
  test('a configuration that breaks it is refused with an error naming it', () => {
    const { refused } = outcomes.get(name)!;
    expect(refused.code).toBe(1);
    const kind = POLICIES[name] ? 'policy' : 'constraint';
    expect(flat(refused)).toContain(`Error: Estate ${kind} ${name}:`);
    const found = refusals(refused);
    const c = REFUSED[name];
    if (!c) {
      // A scenario of its own (a destroy's errors name no configuration line): only this constraint refused it.
      const named = [...flat(refused).matchAll(/Error: Estate (?:constraint|policy) ([\w-]+):/g)].map(
        (m) => m[1],
      );
      expect(new Set(named)).toEqual(new Set([name]));
    } else if (c.address.endsWith('.*')) {
      // Exactly one resource of the kind is refused, by this constraint.
      expect(found.filter(([a]) => a.startsWith(c.address.slice(0, -1)))).toEqual([
        [expect.any(String), name],
      ]);
    } else {
      // The resource that breaks the rule is refused by this rule, and by nothing else.
      expect(found.filter(([a]) => a === c.address)).toEqual([[c.address, name]]);
    }
  });

  test('its compliant shape applies', () => {
    const outcome = outcomes.get(name)!;
    const r = outcome.compliant ?? compliant.result;
    // On failure, show the refusals (if any) with the exit code.
    expect([r.code, [...flat(r).matchAll(/Error: [^:]+:/g)].map((m) => m[0])]).toEqual([0, []]);
  });
});

describe('what the refusals leave and say', () => {
  test('a refused create leaves nothing behind in the estate, and the platform NSG on the subnet', () => {
    const { estate } = outcomes.get('SubnetAlreadyHasNsg')!;
    expect(estate!.resource(LZ.peSubnet)?.properties.networkSecurityGroup.id).toBe(LZ.peNsg);
    expect(flat(outcomes.get('SubnetAlreadyHasNsg')!.refused)).toContain(
      `associated with network security group "${LZ.peNsg}"`,
    );
  });

  test('the soft-delete refusal is the 409 Azure returns, and states when the name frees up', () => {
    const out = flat(outcomes.get('AccountSoftDeleted')!.refused);
    expect(out).toContain('409 FlagMustBeSetForRestore');
    expect(out).toContain('soft-deleted until 2026-12-03T08:00:00.000Z');
  });

  test('the Defender plan written by azapi_update_resource is still Standard after that stack is destroyed', async () => {
    const r = await compliant.estate.destroy('compliant');
    expect(r.code).toBe(0);
    expect(compliant.estate.resource(LZ.defenderForAi)?.properties.pricingTier).toBe('Standard');
    // Destroy removed the stack's own resources and left the platform's.
    expect(compliant.estate.resource(`${LZ.peNsg}/securityRules/allow-aks-443`)).toBeUndefined();
    expect(compliant.estate.resource(`${LZ.vnet}/subnets/snet-aoai-app`)).toBeUndefined();
    expect(compliant.estate.resource(LZ.link('privatelink.openai.azure.com'))).toBeDefined();
    expect(compliant.estate.resource(`${LZ.peNsg}/securityRules/deny-internet-inbound`)).toBeDefined();
  }, 600000);
});
