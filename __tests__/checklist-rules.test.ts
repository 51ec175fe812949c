import { endpointNsg, firstOf, referenceJson } from './reference';
import { runChecks } from '../lib/checklist/engine';
import { loadModel } from '../lib/checklist/model';
import { ALL_RULES } from '../lib/checklist/rules';

const TODAY = '2026-11-28';
// The reference stack with receivers named: the built-in defaults leave them to the user (AOAI-MON-014 warns).
const RECEIVERS = {
  securityEmails: ['secops@contoso.com'],
  finOpsEmails: ['finops@contoso.com'],
  changeEmails: ['cab@contoso.com'],
};
const compliant = referenceJson({ monitoring: RECEIVERS });

function check(json: any) {
  return runChecks(loadModel(json), { today: TODAY });
}
function findingsFor(json: any, ruleId: string) {
  return check(json).findings.filter((f) => f.ruleId === ruleId);
}
function mutate(fn: (json: any) => void): any {
  const copy = structuredClone(compliant);
  fn(copy);
  return copy;
}
const account = (j: any) => firstOf(j, 'azurerm_cognitive_account')[1];
/** The endpoint subnet: an azapi subnet written with its NSG (PrivateNetworking newNetwork). */
const endpointSubnet = (j: any) =>
  Object.values<any>(j.resource.azapi_resource).find((r) => r.name === 'snet-private-endpoints');
const policy = (j: any) =>
  Object.values<any>(j.resource.azapi_resource).find((r) => /raiPolicies@/.test(r.type));
const filter = (j: any, name: string, source: string) =>
  policy(j).body.properties.contentFilters.find((f: any) => f.name === name && f.source === source);

/** One non-compliant mutation per rule: each must fail its rule, naming the resource and the value. */
/** address null: the finding is about the whole input, not a resource. */
type Fixture = { mutate: (j: any) => void; value?: unknown; address?: RegExp | null };
const NON_COMPLIANT: Record<string, Fixture> = {
  'AOAI-NET-001': {
    mutate: (j) => (account(j).public_network_access_enabled = true),
    value: true,
    address: /^azurerm_cognitive_account\./,
  },
  'AOAI-NET-002': { mutate: (j) => (account(j).network_acls.default_action = 'Allow'), value: 'Allow' },
  'AOAI-NET-003': {
    mutate: (j) => delete account(j).network_acls.bypass,
    value: '(unset: Azure applies AzureServices)',
  },
  'AOAI-NET-004': { mutate: (j) => (account(j).outbound_network_access_restricted = false), value: false },
  'AOAI-NET-005': { mutate: (j) => delete account(j).custom_subdomain_name, value: '(unset)' },
  'AOAI-NET-006': {
    mutate: (j) =>
      (firstOf(j, 'azurerm_private_endpoint')[1].private_service_connection.subresource_names = ['blob']),
    value: ['blob'],
    address: /^azurerm_private_endpoint\./,
  },
  'AOAI-NET-007': {
    mutate: (j) =>
      Object.values<any>(j.resource.azurerm_private_dns_zone_virtual_network_link).forEach(
        (l) => (l.registration_enabled = true),
      ),
    value: true,
  },
  'AOAI-NET-008': {
    mutate: (j) => delete endpointSubnet(j).body.properties.privateEndpointNetworkPolicies,
    value: '(unset: Disabled)',
    address: /^azapi_resource\.AzureOpenAI_Networking_EndpointSubnet_/,
  },
  'AOAI-NET-009': {
    mutate: (j) =>
      delete j.resource.azurerm_network_security_rule[
        Object.keys(j.resource.azurerm_network_security_rule).find((k) => /Deny/.test(k))!
      ],
    address: /^azurerm_network_security_group\./,
  },
  'AOAI-IAM-001': { mutate: (j) => (account(j).local_auth_enabled = true), value: true },
  'AOAI-IAM-002': { mutate: (j) => delete account(j).identity, value: '(no identity block)' },
  'AOAI-IAM-003': {
    mutate: (j) =>
      (firstOf(j, 'azurerm_role_assignment')[1].role_definition_id =
        '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635'),
    address: /^azurerm_role_assignment\./,
  },
  'AOAI-IAM-004': {
    mutate: (j) => {
      const ra = firstOf(j, 'azurerm_role_assignment')[1];
      ra.principal_type = 'User';
      ra.role_definition_id = ra.role_definition_id.replace(
        '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd',
        'a001fd3d-188f-4b5d-821b-7da978bf7442',
      );
    },
    value: { principal_type: 'User', role: 'Cognitive Services OpenAI Contributor' },
  },
  'AOAI-IAM-005': {
    mutate: (j) =>
      (firstOf(j, 'azurerm_role_assignment')[1].role_definition_id =
        '/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'),
  },
  'AOAI-IAM-006': {
    // A federated credential on the workload identity, which holds OpenAI User on the account.
    mutate: (j) =>
      (j.resource.azurerm_federated_identity_credential = {
        gh: {
          name: 'gh',
          parent_id: `\${azurerm_user_assigned_identity.${firstOf(j, 'azurerm_user_assigned_identity')[0]}.id}`,
          issuer: 'https://token.actions.githubusercontent.com',
          subject: 'repo:other/repo:ref:refs/heads/main',
          audience: ['api://AzureADTokenExchange'],
        },
      }),
    value: {
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:other/repo:ref:refs/heads/main',
    },
    address: /^azurerm_federated_identity_credential\.gh$/,
  },
  'AOAI-CFP-001': {
    mutate: (j) => (firstOf(j, 'azurerm_cognitive_deployment')[1].rai_policy_name = 'Microsoft.DefaultV2'),
    value: 'Microsoft.DefaultV2',
    address: /^azurerm_cognitive_deployment\./,
  },
  'AOAI-CFP-002': {
    mutate: (j) => (filter(j, 'Violence', 'Completion').severityThreshold = 'Medium'),
    value: 'Medium',
    address: /^azapi_resource\./,
  },
  'AOAI-CFP-003': {
    mutate: (j) => (filter(j, 'Jailbreak', 'Prompt').enabled = false),
    value: { enabled: false, blocking: true },
  },
  'AOAI-CFP-004': {
    mutate: (j) =>
      (policy(j).body.properties.contentFilters = policy(j).body.properties.contentFilters.filter(
        (f: any) => f.name !== 'Protected Material Code',
      )),
  },
  'AOAI-CFP-005': {
    mutate: (j) =>
      (firstOf(j, 'azurerm_cognitive_deployment')[1].version_upgrade_option =
        'OnceNewDefaultVersionAvailable'),
    value: 'OnceNewDefaultVersionAvailable',
  },
  'AOAI-CFP-006': { mutate: (j) => (policy(j).body.properties.customBlocklists = []), value: [] },
  'AOAI-MON-001': {
    mutate: (j) =>
      (firstOf(j, 'azurerm_monitor_diagnostic_setting')[1].enabled_log = [{ category: 'Audit' }]),
  },
  'AOAI-MON-002': {
    mutate: (j) => (firstOf(j, 'azurerm_log_analytics_workspace')[1].retention_in_days = 30),
    value: 30,
  },
  'AOAI-MON-003': {
    mutate: (j) =>
      Object.entries<any>(j.resource.azurerm_monitor_diagnostic_setting).forEach(
        ([k, d]) => /ActivityLog/.test(k) && delete j.resource.azurerm_monitor_diagnostic_setting[k] && d,
      ),
  },
  'AOAI-MON-004': {
    mutate: (j) =>
      (queryRule(j, 'high-request-rate').criteria[0].query = queryRule(
        j,
        'high-request-rate',
      ).criteria[0].query.replace('RequestCount > 50', 'RequestCount > 500')),
    value: { threshold: 500, window_minutes: 5 },
  },
  'AOAI-MON-005': {
    mutate: (j) => {
      // Filter outcomes are only in the RAI metrics (no log field holds them, docs/field-facts.md §1.6).
      metricAlert(j, 'RAIRejectedRequests').criteria[0].threshold = 200;
    },
  },
  'AOAI-MON-006': { mutate: (j) => (queryRule(j, 'api-key-auth').severity = 4) },
  'AOAI-MON-007': {
    mutate: (j) => {
      queryRule(j, 'deployment-change').criteria[0].query = queryRule(
        j,
        'deployment-change',
      ).criteria[0].query.replace(
        /"MICROSOFT.COGNITIVESERVICES\/ACCOUNTS\/RAIPOLICIES\/(WRITE|DELETE)",/g,
        '',
      );
      // The activity log alert on the account covers the same changes: it loses the RAI policies too.
      for (const a of Object.values<any>(j.resource.azurerm_monitor_activity_log_alert)) {
        a.criteria.resource_types = a.criteria.resource_types.filter((t: string) => !/raiPolicies$/.test(t));
      }
    },
  },
  'AOAI-MON-008': {
    mutate: (j) => (metricAlert(j, 'TokenTransaction').criteria[0].threshold = 5000000),
    value: { threshold: 5000000, window_minutes: 60 },
  },
  'AOAI-MON-009': {
    mutate: (j) =>
      delete j.resource.azurerm_monitor_scheduled_query_rules_alert_v2[
        Object.keys(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2).find((k) =>
          /new-caller-ip/.test(k),
        )!
      ],
  },
  'AOAI-MON-010': { mutate: (j) => delete queryRule(j, 'api-key-auth').action },
  'AOAI-MON-011': {
    mutate: (j) =>
      (Object.values<any>(j.resource.azapi_update_resource).find((r) =>
        /^Microsoft\.Security\/pricings@/.test(r.type),
      ).body.properties.pricingTier = 'Free'),
    value: 'Free',
  },
  'AOAI-CFP-007': {
    mutate: (j) => (policy(j).body.properties.customBlocklists[0].blocking = false),
    address: /^azapi_resource\./,
  },
  'AOAI-MON-012': {
    mutate: (j) => (queryRule(j, 'api-key-auth').enabled = false),
    value: false,
    address: /^azurerm_monitor_scheduled_query_rules_alert_v2\./,
  },
  'AOAI-MON-014': {
    mutate: (j) => {
      const [, group] = Object.entries<any>(j.resource.azurerm_monitor_action_group).find(([k]) =>
        k.includes('ActionGroup-security'),
      )!;
      delete group.email_receiver;
    },
    address: /^azurerm_monitor_action_group\..*ActionGroup-security/,
    value: '(no receivers)',
  },
  'AOAI-MON-013': {
    mutate: (j) => (queryRule(j, 'api-key-auth').criteria[0].query += '\n| where 1 == 0'),
    address: /^azurerm_monitor_scheduled_query_rules_alert_v2\./,
  },
  'AOAI-CHK-004': {
    mutate: (j) => (account(j).lifecycle.ignore_changes = ['public_network_access_enabled']),
    value: ['public_network_access_enabled'],
    address: /^azurerm_cognitive_account\./,
  },
  'AOAI-CHK-005': {
    mutate: (j) =>
      (j.resource.terraform_data.run = {
        input: 'x',
        provisioner: [{ 'local-exec': { command: 'az version' } }],
      }),
    value: 'local-exec',
    address: /^terraform_data\.run$/,
  },
  'AOAI-CHK-001': {
    mutate: (j) => {
      j.resource = { azurerm_resource_group: j.resource.azurerm_resource_group };
    },
    address: null,
  },
  'AOAI-CHK-002': {
    mutate: (j) => (account(j).kind = '${var.account_kind}'),
    value: '${var.account_kind}',
    address: /^azurerm_cognitive_account\./,
  },
  'AOAI-CHK-003': {
    mutate: (j) =>
      firstOf(j, 'terraform_data')[1].input.exemptions.push({
        address: 'azurerm_cognitive_account.*',
        rule_id: 'AOAI-NET-001',
        kind: 'suppression',
        reason: 'temporarily open for the demo',
      }),
    address: /^terraform_data\./,
  },
};

function queryRule(j: any, key: string): any {
  return Object.entries<any>(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2).find(([k]) =>
    k.includes(key),
  )![1];
}
function metricAlert(j: any, metric: string): any {
  return Object.values<any>(j.resource.azurerm_monitor_metric_alert).find(
    (a) => a.criteria[0].metric_name === metric,
  );
}

describe('the reference stack passes every rule', () => {
  const report = check(compliant);
  test.each(ALL_RULES.map((r) => r.id))('%s is compliant', (id) => {
    const mine = report.findings.filter((f) => f.ruleId === id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((f) => f.status)).toEqual(mine.map(() => 'compliant'));
  });
});

test('the built-in defaults name no receivers: exactly their three action groups warn (AOAI-MON-014), nothing else fails', () => {
  const failing = check(referenceJson()).findings.filter((f) => f.status === 'non-compliant');
  expect(failing.map((f) => [f.ruleId, f.severity, f.address!.replace(/_[0-9A-F]{8}$/, '')]).sort()).toEqual(
    ['change', 'finops', 'security'].map((g) => [
      'AOAI-MON-014',
      'warning',
      `azurerm_monitor_action_group.AzureOpenAI_Monitoring_ActionGroup-${g}`,
    ]),
  );
});

test('AOAI-MON-014: any receiver kind counts; an e-mail list given by reference without its plan-time guard cannot be verified', () => {
  const json = mutate((j) => {
    for (const group of Object.values<any>(j.resource.azurerm_monitor_action_group)) {
      delete group.email_receiver;
      group.dynamic = {
        email_receiver: {
          for_each: '${var.emails}',
          content: { name: '${email_receiver.key}', email_address: '${email_receiver.value}' },
        },
      };
    }
    Object.values<any>(j.resource.azurerm_monitor_action_group)[0].dynamic = undefined;
    Object.values<any>(j.resource.azurerm_monitor_action_group)[0].sms_receiver = [
      { name: 'oncall', country_code: '1', phone_number: '5555555555' },
    ];
  });
  const mine = findingsFor(json, 'AOAI-MON-014');
  // The guarded form (the construct's precondition over the list) is accepted: __tests__/plan-guards.test.ts.
  expect(mine.map((f) => [f.status, f.message]).sort()).toEqual([
    ['compliant', 'receivers: sms_receiver'],
    ...[1, 2].map(() => [
      'non-compliant',
      'cannot verify an e-mail receiver is an address: it is not a literal, and no precondition checks it at plan',
    ]),
  ]);
});

test('AOAI-MON-002: a table kept 30 days interactive and archived to 400 days in total meets the audit retention', () => {
  // Archived rows are retained (Microsoft Learn, "Manage data retention": totalRetentionInDays = interactive +
  // archive); the evasion corpus holds the tables cut below 365 days in total.
  const json = mutate((j) => {
    const [name] = firstOf(j, 'azurerm_log_analytics_workspace');
    j.resource.azurerm_log_analytics_workspace_table = {
      diag: {
        name: 'AzureDiagnostics',
        workspace_id: `\${azurerm_log_analytics_workspace.${name}.id}`,
        retention_in_days: 30,
        total_retention_in_days: 400,
      },
    };
  });
  expect(findingsFor(json, 'AOAI-MON-002').map((f) => f.status)).toEqual(['compliant']);
});

describe('each rule fails on its non-compliant fixture, naming resource and value', () => {
  test('every rule has a non-compliant fixture', () => {
    expect(Object.keys(NON_COMPLIANT).sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
  });
  test.each(Object.entries(NON_COMPLIANT))('%s', (id, fixture) => {
    const bad = findingsFor(mutate(fixture.mutate), id).filter((f) => f.status === 'non-compliant');
    expect(bad.length).toBeGreaterThan(0);
    if (fixture.address === null) {
      expect(bad[0].address).toBeUndefined();
    } else {
      expect(bad[0].address).toBeTruthy();
      if (fixture.address) expect(bad[0].address).toMatch(fixture.address);
    }
    if ('value' in fixture) expect(bad[0].value).toEqual(fixture.value);
  });
});

describe("the endpoint subnet's NSG, written with the subnet (azapi subnet create)", () => {
  const statuses = (fn: (j: any) => void, id: string) =>
    findingsFor(mutate(fn), id).map((f) => [f.status, f.message]);
  test('compliant as written: network policies Enabled, the endpoint NSG in the same PUT', () => {
    expect(statuses(() => undefined, 'AOAI-NET-008')).toEqual([
      ['compliant', 'network policies enabled, NSG on the subnet'],
    ]);
    expect(statuses(() => undefined, 'AOAI-NET-009').map(([st]) => st)).toEqual(['compliant']);
  });
  test('negative: the subnet written without its NSG fails AOAI-NET-008 and AOAI-NET-009', () => {
    const noNsg = (j: any) => delete endpointSubnet(j).body.properties.networkSecurityGroup;
    expect(statuses(noNsg, 'AOAI-NET-008')).toEqual([
      ['non-compliant', 'no NSG associated with the endpoint subnet'],
    ]);
    expect(statuses(noNsg, 'AOAI-NET-009')).toEqual([
      ['non-compliant', 'no NSG in this configuration on the endpoint subnet'],
    ]);
  });
  test('negative: network policies Disabled on the subnet fail AOAI-NET-008', () => {
    const off = (j: any) => (endpointSubnet(j).body.properties.privateEndpointNetworkPolicies = 'Disabled');
    expect(statuses(off, 'AOAI-NET-008')[0][0]).toBe('non-compliant');
  });
  test('negative: a later azapi write moving the subnet to another NSG fails AOAI-NET-008', () => {
    const moved = (j: any) => {
      const key = Object.keys(j.resource.azapi_resource).find(
        (k) => j.resource.azapi_resource[k].name === 'snet-private-endpoints',
      );
      j.resource.azapi_update_resource = {
        ...(j.resource.azapi_update_resource ?? {}),
        move: {
          type: 'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
          resource_id: `\${azapi_resource.${key}.id}`,
          body: {
            properties: {
              networkSecurityGroup: {
                id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/open',
              },
            },
          },
        },
      };
    };
    expect(statuses(moved, 'AOAI-NET-008')).toEqual([
      ['non-compliant', 'an azapi write moves the endpoint subnet to another network security group'],
    ]);
  });
});

describe('rules on hand-written configurations', () => {
  test('AOAI-NET-007 fails a public DNS server on the endpoint VNet; Azure DNS, a private forwarder or a variable pass', () => {
    const servers = (dns: unknown[]) =>
      findingsFor(
        mutate((j) => (firstOf(j, 'azurerm_virtual_network')[1].dns_servers = dns)),
        'AOAI-NET-007',
      ).map((f) => f.status);
    expect(servers(['10.20.0.4', '9.9.9.9'])).toEqual(['non-compliant']);
    expect(servers(['168.63.129.16'])).toEqual(['compliant']);
    expect(servers(['10.20.0.4'])).toEqual(['compliant']);
    expect(servers(['${var.dns_forwarder_ip}'])).toEqual(['compliant']);
    expect(servers(['${"8.8.8.8"}'])).toEqual(['non-compliant']);
  });
  test('AOAI-MON-006 fails a detection whose look-back is shorter than its interval; an override, more periods or one expression for both cover it', () => {
    // Source of the look-back (window_duration x periods, or override_query_time_range) and of window >= frequency:
    // the comment on coverageGap in lib/checklist/rules/monitoring/shared.ts (Learn, LogAlertRuleProperties; Azure SDK).
    const detections = (set: (q: any) => void) =>
      findingsFor(
        mutate((j) =>
          Object.values<any>(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2).forEach(set),
        ),
        'AOAI-MON-006',
      ).map((f) => [f.status, f.message]);
    expect(detections((q) => (q.evaluation_frequency = 'PT1H'))).toEqual([
      ['non-compliant', expect.stringMatching(/runs every 60 min but looks back 5 min/)],
    ]);
    expect(
      detections((q) => {
        q.evaluation_frequency = 'PT1H';
        q.override_query_time_range = 'PT1H';
      }),
    ).toEqual([['compliant', expect.any(String)]]);
    expect(
      detections((q) => {
        q.evaluation_frequency = 'PT15M';
        q.criteria[0].failing_periods.number_of_evaluation_periods = 3;
      }),
    ).toEqual([['compliant', expect.any(String)]]);
    expect(
      detections((q) => {
        q.evaluation_frequency = '${var.every}';
        q.window_duration = '${var.every}';
      }),
    ).toEqual([['compliant', expect.any(String)]]);
    expect(detections((q) => (q.evaluation_frequency = '${var.every}'))).toEqual([
      ['non-compliant', expect.stringMatching(/not literal durations/)],
    ]);
  });

  test('AOAI-IAM-003 judges a grant inside the account as on it; a reader there, or a child of another account, passes', () => {
    const grant = (scope: string, role: string) =>
      mutate((j) => {
        j.resource.azurerm_role_assignment.child = {
          scope,
          role_definition_name: role,
          principal_id: '44444444-4444-4444-4444-444444444444',
          principal_type: 'Group',
        };
      });
    const on = (j: any) =>
      findingsFor(j, 'AOAI-IAM-003')
        .filter((f) => f.address === 'azurerm_role_assignment.child')
        .map((f) => f.status);
    const deployment = `\${azurerm_cognitive_deployment.${firstOf(compliant, 'azurerm_cognitive_deployment')[0]}.id}`;
    expect(on(grant(deployment, 'Owner'))).toEqual(['non-compliant']);
    expect(on(grant(deployment, 'Reader'))).toEqual([]);
    expect(
      on(
        grant(
          '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-other/providers/Microsoft.CognitiveServices/accounts/other/deployments/gpt-4o',
          'Owner',
        ),
      ),
    ).toEqual([]);
  });
  test("AOAI-NET-006 judges azapi writes of a DNS zone group on the account's endpoint only", () => {
    const write = (resourceId: string) =>
      mutate((j) => {
        j.resource.azapi_update_resource = {
          ...j.resource.azapi_update_resource,
          zone_group: {
            type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01',
            resource_id: resourceId,
            body: { properties: { privateDnsZoneConfigs: [] } },
          },
        };
      });
    const status = (j: any) => findingsFor(j, 'AOAI-NET-006').map((f) => [f.status, f.address]);
    const pe = firstOf(compliant, 'azurerm_private_endpoint')[0];
    expect(status(write(`\${azurerm_private_endpoint.${pe}.id}/privateDnsZoneGroups/default`))).toEqual([
      ['non-compliant', 'azapi_update_resource.zone_group'],
    ]);
    // A target that is not a literal and names nothing here may be the endpoint's group.
    expect(status(write('${var.zone_group_id}'))[0][0]).toBe('non-compliant');
    // Negative control: the zone group of another endpoint, by its literal ID.
    expect(
      status(
        write(
          '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-other/providers/Microsoft.Network/privateEndpoints/pe-other/privateDnsZoneGroups/default',
        ),
      )[0][0],
    ).toBe('compliant');
  });
  test('a dynamic block over an expression fails AOAI-CHK-002 only where a rule counts the block as proof', () => {
    const chk002 = (j: any) =>
      findingsFor(j, 'AOAI-CHK-002')
        .filter((f) => f.status === 'non-compliant')
        .map((f) => f.address);
    const nsg = (j: any) => endpointNsg(j)[1];
    const allow = {
      name: 'allow-apps',
      access: 'Allow',
      direction: 'Inbound',
      priority: 200,
      protocol: 'Tcp',
    };
    // An Allow rule that may not be generated only narrows what the NSG admits: judged as generated, no CHK-002.
    expect(
      chk002(
        mutate((j) => (nsg(j).dynamic = { security_rule: { for_each: '${var.apps}', content: allow } })),
      ),
    ).toEqual([]);
    // The same block holding a Deny rule may be the deny-all the rule relies on.
    expect(
      chk002(
        mutate(
          (j) =>
            (nsg(j).dynamic = {
              security_rule: { for_each: '${var.apps}', content: { ...allow, access: 'Deny' } },
            }),
        ),
      ),
    ).toEqual([expect.stringMatching(/^azurerm_network_security_group\./)]);
    // A zone group over a literal for_each is generated for certain (one element: one block).
    const zoneGroup = (forEach: unknown) =>
      mutate((j) => {
        const pe = firstOf(j, 'azurerm_private_endpoint')[1];
        pe.dynamic = { private_dns_zone_group: { for_each: forEach, content: pe.private_dns_zone_group } };
        delete pe.private_dns_zone_group;
      });
    expect(chk002(zoneGroup(['default']))).toEqual([]);
    expect(chk002(zoneGroup('${var.groups}'))).toEqual([
      expect.stringMatching(/^azurerm_private_endpoint\./),
    ]);
  });
  test('an empty configuration is never compliant: it fails AOAI-CHK-001 (nothing was judged)', () => {
    const report = check({ resource: {} });
    expect(report.summary.errors).toBe(1);
    expect(report.findings.find((f) => f.status === 'non-compliant')!.ruleId).toBe('AOAI-CHK-001');
    // Only the checklist's own integrity rules can be compliant on an empty input.
    expect(
      report.findings.filter((f) => f.status === 'compliant').every((f) => f.ruleId.startsWith('AOAI-CHK-')),
    ).toBe(true);
  });
  test('a bare hand-written account fails on azurerm defaults (public access and keys default on)', () => {
    const report = check({
      resource: { azurerm_cognitive_account: { aoai: { kind: 'OpenAI', name: 'x', sku_name: 'S0' } } },
    });
    const failing = new Set(report.findings.filter((f) => f.status === 'non-compliant').map((f) => f.ruleId));
    for (const id of [
      'AOAI-NET-001',
      'AOAI-NET-002',
      'AOAI-NET-003',
      'AOAI-NET-004',
      'AOAI-NET-005',
      'AOAI-NET-006',
      'AOAI-IAM-001',
      'AOAI-IAM-002',
      'AOAI-MON-001',
      'AOAI-MON-011',
    ]) {
      expect(failing).toContain(id);
    }
    expect(report.findings.find((f) => f.ruleId === 'AOAI-NET-001')!.value).toBe('(unset: defaults to true)');
  });
  test('an azapi-declared account is judged on its ARM properties', () => {
    const acct = {
      type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
      name: 'x',
      body: {
        kind: 'OpenAI',
        properties: {
          publicNetworkAccess: 'Enabled',
          disableLocalAuth: true,
          networkAcls: { defaultAction: 'Deny', bypass: 'None' },
          customSubDomainName: 'x',
        },
      },
    };
    const f = findingsFor({ resource: { azapi_resource: { acct } } }, 'AOAI-NET-001')[0];
    expect(f).toMatchObject({ status: 'non-compliant', address: 'azapi_resource.acct', value: 'Enabled' });
    expect(findingsFor({ resource: { azapi_resource: { acct } } }, 'AOAI-IAM-001')[0].status).toBe(
      'compliant',
    );
  });
  test.each([
    // Azure RBAC: effective permissions are Actions minus NotActions; * matches any characters
    // (learn.microsoft.com/azure/role-based-access-control/role-definitions).
    [
      'read-only wildcards',
      [{ actions: ['*/read', 'Microsoft.CognitiveServices/accounts/deployments/read'] }],
      'compliant',
    ],
    [
      // Still writes the filter policies, deployments and endpoint connections (issue 25: judged by effect).
      'Microsoft.CognitiveServices/* minus account writes and key operations',
      [
        {
          actions: ['Microsoft.CognitiveServices/*'],
          not_actions: [
            'Microsoft.CognitiveServices/accounts/write',
            'Microsoft.CognitiveServices/accounts/listKeys/action',
            'Microsoft.CognitiveServices/accounts/regenerateKey/action',
          ],
        },
      ],
      'non-compliant',
    ],
    [
      'Microsoft.CognitiveServices/*/read (reads only)',
      [{ actions: ['Microsoft.CognitiveServices/*/read', 'Microsoft.Insights/metrics/read'] }],
      'compliant',
    ],
    [
      'Microsoft.CognitiveServices/* minus every write, delete and action',
      [
        {
          actions: ['Microsoft.CognitiveServices/*'],
          not_actions: [
            'Microsoft.CognitiveServices/*/write',
            'Microsoft.CognitiveServices/*/delete',
            'Microsoft.CognitiveServices/*/action',
          ],
        },
      ],
      'compliant',
    ],
    [
      'Microsoft.CognitiveServices/* minus only the account write',
      [
        {
          actions: ['Microsoft.CognitiveServices/*'],
          not_actions: ['Microsoft.CognitiveServices/accounts/write'],
        },
      ],
      'non-compliant',
    ],
    [
      'regenerateKey in another case',
      [{ actions: ['microsoft.cognitiveservices/ACCOUNTS/regeneratekey/action'] }],
      'non-compliant',
    ],
    [
      'Microsoft.Authorization/roleAssignments/* (grants access)',
      [{ actions: ['Microsoft.Authorization/roleAssignments/*'] }],
      'non-compliant',
    ],
  ])(
    'a custom role with %s on the account is judged by its effective actions (AOAI-IAM-003)',
    (_l, permissions, status) => {
      const json = mutate((j) => {
        const acct = `\${azurerm_cognitive_account.${firstOf(j, 'azurerm_cognitive_account')[0]}.id}`;
        j.resource.azurerm_role_definition = { custom: { name: 'custom', scope: acct, permissions } };
        j.resource.azurerm_role_assignment.custom = {
          scope: acct,
          principal_id: '44444444-4444-4444-4444-444444444444',
          principal_type: 'Group',
          role_definition_id: '${azurerm_role_definition.custom.role_definition_resource_id}',
        };
      });
      const f = findingsFor(json, 'AOAI-IAM-003').find((x) => x.address === 'azurerm_role_assignment.custom');
      expect(f?.status).toBe(status);
    },
  );
  test.each([
    [
      'another resource group, by literal ID',
      '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-other',
    ],
    [
      'a key vault in the subscription, by template',
      '/subscriptions/${data.azurerm_client_config.c.subscription_id}/resourceGroups/rg-other/providers/Microsoft.KeyVault/vaults/kv',
    ],
  ])('Owner on %s is not judged as on the account (negative control)', (_l, scope) => {
    const json = mutate((j) => {
      j.resource.azurerm_role_assignment.elsewhere = {
        scope,
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
        role_definition_name: 'Owner',
      };
    });
    expect(
      findingsFor(json, 'AOAI-IAM-003').find((x) => x.address === 'azurerm_role_assignment.elsewhere'),
    ).toBeUndefined();
  });
  test('a chain of deployments depends on the policy transitively (regression found by the property test)', () => {
    const deployments = ['a', 'b', 'c'].map((n) => ({
      name: n,
      modelName: 'gpt-4o',
      modelVersion: '2024-08-06',
    }));
    const f = findingsFor(referenceJson({ deployments }), 'AOAI-CFP-001');
    expect(f.map((x) => x.status)).toEqual(['compliant', 'compliant', 'compliant']);
  });
  test.each([
    ['a literal subscription ID', '/subscriptions/00000000-0000-0000-0000-000000000001'],
    ['the subscription data source', '${data.azurerm_subscription.current.id}'],
  ])('Activity Log export to %s counts for AOAI-MON-003', (_label, target) => {
    const json = mutate((j) =>
      Object.entries<any>(j.resource.azurerm_monitor_diagnostic_setting).forEach(
        ([k, d]) => /ActivityLog/.test(k) && (d.target_resource_id = target),
      ),
    );
    expect(findingsFor(json, 'AOAI-MON-003')[0].status).toBe('compliant');
  });
  test('an imported account is judged by the azapi_update_resource that disables its keys', () => {
    const patch = (disableLocalAuth: unknown) => ({
      resource: {
        azapi_update_resource: {
          keys: {
            type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
            resource_id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/x',
            body: { properties: { disableLocalAuth } },
          },
        },
      },
    });
    expect(findingsFor(patch(true), 'AOAI-IAM-001')[0]).toMatchObject({
      status: 'compliant',
      address: 'azapi_update_resource.keys',
    });
    expect(findingsFor(patch(false), 'AOAI-IAM-001')[0]).toMatchObject({
      status: 'non-compliant',
      address: 'azapi_update_resource.keys',
      value: false,
    });
  });
  test('an AIServices account also needs the services.ai zone', () => {
    const json = mutate((j) => (account(j).kind = 'AIServices'));
    const f = findingsFor(json, 'AOAI-NET-007')[0];
    expect(f.status).toBe('non-compliant');
    expect(f.message).toMatch(/privatelink.services.ai.azure.com/);
  });
});

describe('exemptions', () => {
  const weakened = mutate((j) => (account(j).public_network_access_enabled = true));
  const address = `azurerm_cognitive_account.${firstOf(compliant, 'azurerm_cognitive_account')[0]}`;
  const withRecord = (expires?: string) =>
    mutate((j) => {
      account(j).public_network_access_enabled = true;
      firstOf(j, 'terraform_data')[1].input.exemptions.push({
        address,
        rule_id: 'AOAI-NET-001',
        kind: 'opt-out',
        property: 'publicNetworkAccessOptOut',
        reason: 'lab without a VNet, deleted nightly',
        ...(expires ? { expires_on: expires } : {}),
      });
    });
  test('a recorded opt-out suppresses the finding and appears in the report', () => {
    const report = check(withRecord());
    const f = report.findings.find((x) => x.ruleId === 'AOAI-NET-001')!;
    expect(f.status).toBe('suppressed');
    expect(report.summary.errors).toBe(0);
    expect(report.exemptions).toHaveLength(1);
    expect(check(weakened).summary.errors).toBe(1);
  });
  test('an expired suppression stops applying', () => {
    const f = check(withRecord('2026-01-31')).findings.find((x) => x.ruleId === 'AOAI-NET-001')!;
    expect(f.status).toBe('non-compliant');
    expect(f.exemption).toMatchObject({ expired: true, expiresOn: '2026-01-31' });
    expect(check(withRecord('2027-01-31')).findings.find((x) => x.ruleId === 'AOAI-NET-001')!.status).toBe(
      'suppressed',
    );
  });
});

describe('"cannot verify" names the hardened state, not the failure (issue 26)', () => {
  // A constant hidden in an expression reads nothing the plan decides, so it is judged now, and cannot be read.
  const hidden = mutate((j) => {
    const a = account(j);
    a.public_network_access_enabled = '${false}';
    a.local_auth_enabled = '${false}';
    a.outbound_network_access_restricted = '${true}';
    a.network_acls = { default_action: '${"Deny"}', bypass: '${"None"}', ip_rules: [] };
  });
  test.each([
    [
      'AOAI-NET-001',
      'cannot verify public network access is disabled: the value is not known from this input',
    ],
    [
      'AOAI-IAM-001',
      'cannot verify key (local) authentication is disabled: the value is not known from this input',
    ],
    [
      'AOAI-NET-004',
      'cannot verify outbound network access is restricted: the value is not known from this input',
    ],
    [
      'AOAI-NET-002',
      'cannot verify the network ACL default action is Deny: the value is not known from this input',
    ],
    ['AOAI-NET-003', 'cannot verify network ACL bypass is None: the value is not known from this input'],
  ])('%s: "%s"', (ruleId, message) => {
    const failed = findingsFor(hidden, ruleId).filter((f) => f.status === 'non-compliant');
    expect(failed.map((f) => f.message)).toEqual([message]);
  });
  test('a literal weak value still says what is wrong', () => {
    const weak = mutate((j) => (account(j).local_auth_enabled = true));
    expect(findingsFor(weak, 'AOAI-IAM-001').map((f) => f.message)).toContain(
      'key (local) authentication is enabled',
    );
  });
});
