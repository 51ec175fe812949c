/**
 * The evasion corpus: every way found to weaken a hardened setting past the checklist, as a fixture that names
 * the rule that must catch it. Every bypass found later becomes a case here first.
 *
 * A case is a construct-level change (escape hatches on the reference stack: addOverride, extra resources) or a
 * JSON-level edit of the synthesized cdk.tf.json, or a whole document (plan, state); each is judged through the
 * engine, the CLI and (construct cases) the HardeningChecks Aspect at synth.
 */
import { CognitiveDeployment } from '@cdktf/provider-azurerm/lib/cognitive-deployment';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { TerraformElement, TerraformVariable } from 'cdktf';
import { AzapiUpdateResource } from '../../lib';
import { HardenedOpenAIStack } from '../../stacks/hardened-openai-stack';
import { guardedParts, guardedReferencesJson } from '../guarded-references';
import { endpointNsg, firstOf } from '../reference';
import { committedPlan } from '../terraform-plans';

export interface EvasionCase {
  /** What the careless or determined user did. */
  readonly name: string;
  /** The bypass class of issue 11 (1 forged exemptions ... 9 inputs that pass by saying nothing). */
  readonly bypassClass: number;
  /** The rule that must catch it, as a non-compliant error finding. */
  readonly ruleId: string;
  /** A construct-level change through escape hatches on the reference stack. */
  readonly construct?: (stack: HardenedOpenAIStack) => void;
  /** A JSON-level edit of the reference cdk.tf.json (may return a replacement document). */
  readonly json?: (json: any) => any;
  /** The text of one cdk.tf.json, for what JSON.stringify cannot write (a key written twice). */
  readonly text?: (json: any) => string;
  /** Several files checked together (name -> document), built from the reference cdk.tf.json. */
  readonly files?: (json: any) => Record<string, unknown>;
}

export const ACCOUNT_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aoai/providers/Microsoft.CognitiveServices/accounts/aoai-imported';

const account = (j: any) => firstOf(j, 'azurerm_cognitive_account');
const accountRef = (j: any) => `\${azurerm_cognitive_account.${account(j)[0]}.id}`;
const record = (j: any) => firstOf(j, 'terraform_data')[1].input;
const addResource = (j: any, type: string, name: string, body: unknown) => {
  j.resource[type] ??= {};
  j.resource[type][name] = body;
};
const nsgRule = (j: any, name: string) =>
  Object.values<any>(j.resource.azurerm_network_security_rule).find((r) => String(r.name).startsWith(name));
const raiPolicy = (j: any) =>
  Object.values<any>(j.resource.azapi_resource).find((r) => /raiPolicies@/.test(String(r.type)));
const patch = (stack: HardenedOpenAIStack, id: string, properties: Record<string, unknown>) =>
  new AzapiUpdateResource(stack, id, {
    type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
    resourceId: stack.hardened.account.accountId,
    body: { properties },
  });
const roleOnAccount = (stack: HardenedOpenAIStack, id: string, extra: Record<string, unknown>) => {
  const r = new RoleAssignment(stack, id, {
    scope: stack.hardened.account.accountId,
    principalId: '44444444-4444-4444-4444-444444444444',
    principalType: 'Group',
    roleDefinitionName: 'Reader',
  });
  for (const [k, v] of Object.entries(extra)) r.addOverride(k, v);
  return r;
};

const dataAccount = (j: any) => {
  const acct = account(j)[1];
  j.data = { ...(j.data ?? {}) };
  j.data.azurerm_cognitive_account = {
    same: { name: acct.name, resource_group_name: acct.resource_group_name },
  };
  return '${data.azurerm_cognitive_account.same.id}';
};

const endpointSubnetRef = (j: any) => {
  // The endpoint subnet is an azapi subnet written with its NSG (PrivateNetworking newNetwork).
  const [name] = Object.entries<any>(j.resource.azapi_resource).find(([, r]) =>
    /private-endpoints/.test(String(r.name)),
  )!;
  return `\${azapi_resource.${name}.id}`;
};

export const CORPUS: EvasionCase[] = [
  // 1. Forged exemptions
  {
    name: 'a hand-written record exempts a rule everywhere with a wildcard, no reason and "never"',
    bypassClass: 1,
    ruleId: 'AOAI-NET-001',
    json: (j) => {
      account(j)[1].public_network_access_enabled = true;
      record(j).exemptions.push({
        address: '*',
        rule_id: 'AOAI-NET-001',
        kind: 'opt-out',
        reason: '',
        expires_on: 'never',
      });
    },
  },
  {
    name: 'the forged record itself is reported',
    bypassClass: 1,
    ruleId: 'AOAI-CHK-003',
    json: (j) => {
      record(j).exemptions.push({
        address: '*',
        rule_id: 'AOAI-NET-001',
        kind: 'opt-out',
        reason: '',
        expires_on: 'never',
      });
    },
  },
  {
    name: 'a second terraform_data record with a meaningless reason and an impossible date',
    bypassClass: 1,
    ruleId: 'AOAI-NET-001',
    json: (j) => {
      const [name, acct] = account(j);
      acct.public_network_access_enabled = true;
      addResource(j, 'terraform_data', 'forged', {
        input: {
          kind: 'aoai-hardening-record',
          exemptions: [
            {
              address: `azurerm_cognitive_account.${name}`,
              rule_id: 'AOAI-NET-001',
              kind: 'suppression',
              reason: 'xxxxxxxxxxxxxx',
              expires_on: '2099-02-30',
            },
          ],
        },
      });
    },
  },
  {
    name: 'the synth-checks opt-out recorded with an empty reason',
    bypassClass: 1,
    ruleId: 'AOAI-CHK-003',
    json: (j) => {
      record(j).synth_checks_opt_out = { property: 'hardeningChecksOptOut', reason: '' };
    },
  },
  {
    name: 'the synth-checks opt-out recorded with a placeholder reason and an impossible expiry',
    bypassClass: 1,
    ruleId: 'AOAI-CHK-003',
    json: (j) => {
      record(j).synth_checks_opt_out = {
        property: 'hardeningChecksOptOut',
        reason: 'n/a',
        expires_on: '2099-02-30',
      };
    },
  },
  {
    name: 'an opt-out expiry by reference whose plan-time precondition was removed',
    bypassClass: 1,
    ruleId: 'AOAI-CHK-003',
    json: () => {
      const json = guardedReferencesJson();
      delete guardedParts(json).record.lifecycle;
      return json;
    },
  },
  {
    name: 'an opt-out expiry by reference whose precondition was weakened to a format check, in the lifecycle and the guard list',
    bypassClass: 1,
    ruleId: 'AOAI-CHK-003',
    json: () => {
      const json = guardedReferencesJson();
      const { record: r } = guardedParts(json);
      const weak = '${can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "${var.opt_out_expiry}"))}';
      r.lifecycle.precondition[0].condition = weak;
      const guard = r.input.guards.find(
        (g: any) => g.preconditions?.length && g.address.startsWith('terraform_data.'),
      );
      guard.preconditions = [weak.replace(/\$\{/g, () => '$${')];
      return json;
    },
  },
  // 2. Reopening through azapi
  {
    name: 'azapi_update_resource sets publicNetworkAccess Enabled on the account',
    bypassClass: 2,
    ruleId: 'AOAI-NET-001',
    construct: (s) => patch(s, 'Reopen', { publicNetworkAccess: 'Enabled' }),
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'reopen', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: accountRef(j),
        body: { properties: { publicNetworkAccess: 'Enabled' } },
      }),
  },
  {
    name: 'azapi_update_resource sets networkAcls.defaultAction Allow',
    bypassClass: 2,
    ruleId: 'AOAI-NET-002',
    construct: (s) => patch(s, 'Allow', { networkAcls: { defaultAction: 'Allow' } }),
  },
  {
    name: 'azapi_update_resource turns key auth back on',
    bypassClass: 2,
    ruleId: 'AOAI-IAM-001',
    construct: (s) => patch(s, 'Keys', { disableLocalAuth: false }),
  },
  {
    name: 'azapi_update_resource lifts the outbound restriction, by a literal account ID of a declared account',
    bypassClass: 2,
    ruleId: 'AOAI-NET-004',
    json: (j) => {
      const acct = account(j)[1];
      addResource(j, 'azapi_update_resource', 'outbound', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-any/providers/Microsoft.CognitiveServices/accounts/${acct.name}`,
        body: { properties: { restrictOutboundNetworkAccess: false } },
      });
      acct.resource_group_name = 'rg-any';
    },
  },
  {
    name: 'azapi_update_resource with a body that is an expression cannot be verified',
    bypassClass: 2,
    ruleId: 'AOAI-NET-001',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'opaque', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: accountRef(j),
        body: '${jsondecode(var.patch)}',
      }),
  },
  // 3. Lifecycle tampering
  {
    name: 'postconditions removed by an escape hatch',
    bypassClass: 3,
    ruleId: 'AOAI-CHK-004',
    construct: (s) => s.hardened.account.resource.addOverride('lifecycle.postcondition', undefined),
  },
  {
    name: 'a postcondition replaced by ${true}',
    bypassClass: 3,
    ruleId: 'AOAI-CHK-004',
    json: (j) => {
      account(j)[1].lifecycle.postcondition[0].condition = '${true}';
    },
  },
  {
    name: 'ignore_changes on public access',
    bypassClass: 3,
    ruleId: 'AOAI-CHK-004',
    construct: (s) =>
      s.hardened.account.resource.addOverride('lifecycle.ignore_changes', ['public_network_access_enabled']),
  },
  {
    name: 'ignore_changes = all on an azapi patch of the account',
    bypassClass: 3,
    ruleId: 'AOAI-CHK-004',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'patch', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: accountRef(j),
        body: { properties: { disableLocalAuth: true } },
        lifecycle: { ignore_changes: 'all' },
      }),
  },
  // 4. Accounts that are not seen
  {
    name: 'an account whose kind is spelled in lower case',
    bypassClass: 4,
    ruleId: 'AOAI-NET-001',
    json: (j) => {
      account(j)[1].kind = 'openai';
      account(j)[1].public_network_access_enabled = true;
    },
  },
  {
    name: 'an account whose kind is a variable',
    bypassClass: 4,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      account(j)[1].kind = '${var.kind}';
    },
  },
  {
    name: 'an azurerm_ai_services account with public access',
    bypassClass: 4,
    ruleId: 'AOAI-NET-001',
    json: (j) =>
      addResource(j, 'azurerm_ai_services', 'foundry', {
        name: 'foundry',
        location: 'swedencentral',
        resource_group_name: 'rg',
        sku_name: 'S0',
        public_network_access: 'Enabled',
      }),
  },
  {
    name: 'an account inside a module call',
    bypassClass: 4,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      j.module = { aoai: { source: './modules/aoai' } };
    },
  },
  {
    name: 'an account known only by its ID, reopened through azapi',
    bypassClass: 4,
    ruleId: 'AOAI-NET-001',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'imported', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: ACCOUNT_ID,
        body: { properties: { publicNetworkAccess: 'Enabled' } },
      }),
  },
  // 5. Role assignments that slip through
  {
    name: 'Owner through data.azurerm_role_definition',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) => {
      j.data = { ...(j.data ?? {}), azurerm_role_definition: { owner: { name: 'Owner' } } };
      addResource(j, 'azurerm_role_assignment', 'owner', {
        scope: accountRef(j),
        role_definition_id: '${data.azurerm_role_definition.owner.id}',
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
      });
    },
  },
  {
    name: 'Owner on a literal account-ID scope',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) =>
      addResource(j, 'azurerm_role_assignment', 'owner', {
        scope: ACCOUNT_ID,
        role_definition_name: 'Owner',
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
      }),
  },
  {
    name: 'role_definition_name in another case',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    construct: (s) => roleOnAccount(s, 'OwnerLower', { role_definition_name: 'owner' }),
  },
  {
    name: 'Contributor at the resource group that contains the account',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) =>
      addResource(j, 'azurerm_role_assignment', 'rg', {
        scope: `\${azurerm_resource_group.${firstOf(j, 'azurerm_resource_group')[0]}.id}`,
        role_definition_name: 'Contributor',
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
      }),
  },
  {
    name: 'Owner at the subscription scope',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) =>
      addResource(j, 'azurerm_role_assignment', 'sub', {
        scope: '/subscriptions/00000000-0000-0000-0000-000000000001',
        role_definition_name: 'Owner',
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
      }),
  },
  {
    name: 'Cognitive Services Contributor (can turn keys and public access back on) without an opt-out',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    construct: (s) =>
      roleOnAccount(s, 'CsContributor', {
        role_definition_name: undefined,
        role_definition_id:
          '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68',
      }),
  },
  {
    name: 'a role definition that is a variable',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    // Declared, so the stack is one Terraform accepts (Terraform refused the bare "${var.role}": "Reference to
    // undeclared input variable"); the rule must still see through the variable.
    construct: (s) =>
      roleOnAccount(s, 'VarRole', {
        role_definition_name: new TerraformVariable(s, 'role', { type: 'string' }).stringValue,
      }),
  },
  // 6. Network rules that widen silently
  {
    name: 'an NSG Allow from the VirtualNetwork service tag',
    bypassClass: 6,
    ruleId: 'AOAI-NET-009',
    json: (j) => {
      nsgRule(j, 'Allow-app1').source_address_prefix = 'VirtualNetwork';
    },
  },
  {
    name: 'an NSG Allow from the Internet service tag, by escape hatch',
    bypassClass: 6,
    ruleId: 'AOAI-NET-009',
    construct: (s) => {
      const rule = s.node.findAll().find((c) => /Allow-app1/.test(c.node.id)) as unknown as TerraformElement;
      (rule as any).addOverride('source_address_prefix', 'Internet');
    },
  },
  {
    name: 'an NSG Allow from 0.0.0.0/1',
    bypassClass: 6,
    ruleId: 'AOAI-NET-009',
    json: (j) => {
      nsgRule(j, 'Allow-apim').source_address_prefix = '0.0.0.0/1';
    },
  },
  {
    name: 'the deny-all rule narrowed to one destination',
    bypassClass: 6,
    ruleId: 'AOAI-NET-009',
    json: (j) => {
      nsgRule(j, 'Deny-All-Inbound').destination_address_prefix = '10.20.1.4';
    },
  },
  // 7. Monitoring switched off
  {
    name: 'a detection query rule switched off',
    bypassClass: 7,
    ruleId: 'AOAI-MON-012',
    json: (j) => {
      Object.values<any>(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2)[0].enabled = false;
    },
  },
  {
    name: 'the activity-log alert switched off',
    bypassClass: 7,
    ruleId: 'AOAI-MON-012',
    json: (j) => {
      Object.values<any>(j.resource.azurerm_monitor_activity_log_alert)[0].enabled = false;
    },
  },
  {
    name: 'a metric alert switched off by escape hatch',
    bypassClass: 7,
    ruleId: 'AOAI-MON-012',
    construct: (s) => {
      const alert = s.node
        .findAll()
        .find((c) => /^MetricAlert-/.test(c.node.id)) as unknown as TerraformElement;
      alert.addOverride('enabled', false);
    },
  },
  {
    name: 'an action group switched off',
    bypassClass: 7,
    ruleId: 'AOAI-MON-012',
    json: (j) => {
      Object.values<any>(j.resource.azurerm_monitor_action_group)[0].enabled = false;
    },
  },
  {
    name: 'an http:// webhook added by override',
    bypassClass: 7,
    ruleId: 'AOAI-MON-012',
    json: (j) => {
      Object.values<any>(j.resource.azurerm_monitor_action_group)[0].webhook_receiver = [
        { name: 'hook', service_uri: 'http://alerts.example.com/hook', use_common_alert_schema: true },
      ];
    },
  },
  {
    name: 'a detection query rewritten to match nothing while keeping its keywords',
    bypassClass: 7,
    ruleId: 'AOAI-MON-013',
    json: (j) => {
      const rule = Object.values<any>(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2)[0];
      rule.criteria[0].query = `${rule.criteria[0].query}\n| where false`;
    },
  },
  {
    name: 'workspace retention below 365 days by override',
    bypassClass: 7,
    ruleId: 'AOAI-MON-002',
    json: (j) => {
      firstOf(j, 'azurerm_log_analytics_workspace')[1].retention_in_days = 30;
    },
  },
  {
    name: 'the workspace keeps 365 days but the AzureDiagnostics table is cut to 30 (a table retention overrides it)',
    bypassClass: 7,
    ruleId: 'AOAI-MON-002',
    json: (j) => {
      const [name] = firstOf(j, 'azurerm_log_analytics_workspace');
      addResource(j, 'azurerm_log_analytics_workspace_table', 'diag', {
        name: 'AzureDiagnostics',
        workspace_id: `\${azurerm_log_analytics_workspace.${name}.id}`,
        retention_in_days: 30,
        total_retention_in_days: 30,
      });
    },
  },
  {
    name: 'the same table cut through azapi: interactive 30 days and no archive (total defaults to the table retention)',
    bypassClass: 7,
    ruleId: 'AOAI-MON-002',
    json: (j) => {
      const [name] = firstOf(j, 'azurerm_log_analytics_workspace');
      addResource(j, 'azapi_update_resource', 'diag_table', {
        type: 'Microsoft.OperationalInsights/workspaces/tables@2023-09-01',
        resource_id: `\${azurerm_log_analytics_workspace.${name}.id}/tables/AzureDiagnostics`,
        body: { properties: { retentionInDays: 30 } },
      });
    },
  },
  {
    name: 'a blocklist attached without blocking',
    bypassClass: 7,
    ruleId: 'AOAI-CFP-007',
    json: (j) => {
      raiPolicy(j).body.properties.customBlocklists.forEach((b: any) => (b.blocking = false));
    },
  },
  {
    name: 'a workspace retention by reference whose plan-time precondition was removed',
    bypassClass: 7,
    ruleId: 'AOAI-MON-002',
    json: () => {
      const json = guardedReferencesJson();
      delete guardedParts(json).workspace.lifecycle;
      return json;
    },
  },
  {
    name: 'a workspace retention by reference whose precondition was weakened to 30 days, in the lifecycle and the guard list',
    bypassClass: 7,
    ruleId: 'AOAI-MON-002',
    json: () => {
      const json = guardedReferencesJson();
      const { record: r, workspace } = guardedParts(json);
      const weaken = (c: string) => c.replace('>= 365', '>= 30');
      workspace.lifecycle.precondition[0].condition = weaken(workspace.lifecycle.precondition[0].condition);
      for (const g of r.input.guards) g.preconditions = g.preconditions?.map(weaken);
      return json;
    },
  },
  {
    name: 'webhooks by reference whose https precondition was weakened to accept http, in the lifecycle and the guard list',
    bypassClass: 7,
    ruleId: 'AOAI-MON-012',
    json: () => {
      const json = guardedReferencesJson();
      const { record: r, groups } = guardedParts(json);
      const weaken = (c: string) => c.replace('^https://', '^https?://');
      for (const p of groups.change.lifecycle.precondition) p.condition = weaken(p.condition);
      for (const g of r.input.guards) g.preconditions = g.preconditions?.map(weaken);
      return json;
    },
  },
  // 8. Content filter duplicates
  {
    name: 'a second, weaker entry for the same filter and source',
    bypassClass: 8,
    ruleId: 'AOAI-CFP-002',
    json: (j) => {
      raiPolicy(j).body.properties.contentFilters.push({
        name: 'Violence',
        source: 'Completion',
        enabled: true,
        blocking: true,
        severityThreshold: 'High',
      });
    },
  },
  {
    name: 'a second prompt shield entry that does not block, spelled in lower case',
    bypassClass: 8,
    ruleId: 'AOAI-CFP-003',
    json: (j) => {
      raiPolicy(j).body.properties.contentFilters.push({
        name: 'jailbreak',
        source: 'prompt',
        enabled: true,
        blocking: false,
      });
    },
  },
  // 9. Inputs that pass by saying nothing
  {
    name: 'a file with no Azure OpenAI account',
    bypassClass: 9,
    ruleId: 'AOAI-CHK-001',
    json: () => ({ resource: { azurerm_resource_group: { rg: { name: 'rg', location: 'swedencentral' } } } }),
  },
  {
    name: 'resource in its array form',
    bypassClass: 9,
    ruleId: 'AOAI-NET-001',
    json: (j) => {
      account(j)[1].public_network_access_enabled = true;
      return { ...j, resource: Object.entries(j.resource).map(([type, byName]) => ({ [type]: byName })) };
    },
  },
  {
    name: 'a "//" comment key inside a resource-type map',
    bypassClass: 9,
    ruleId: 'AOAI-NET-001',
    json: (j) => {
      account(j)[1].public_network_access_enabled = true;
      j.resource.azurerm_cognitive_account['//'] = { note: 'comments are not resources' };
    },
  },
  {
    name: 'a plan with only resource_changes (no planned_values) of a public account',
    bypassClass: 9,
    ruleId: 'AOAI-NET-001',
    json: (j) => ({
      format_version: '1.2',
      resource_changes: Object.entries<any>(j.resource).flatMap(([type, byName]) =>
        Object.entries<any>(byName).map(([name, values]) => ({
          address: `${type}.${name}`,
          mode: 'managed',
          type,
          name,
          change: {
            actions: ['create'],
            after:
              type === 'azurerm_cognitive_account'
                ? { ...values, public_network_access_enabled: true }
                : values,
            after_unknown: {},
          },
        })),
      ),
    }),
  },
  {
    name: 'a plan whose public-access value is unknown and bound to nothing',
    bypassClass: 9,
    ruleId: 'AOAI-NET-001',
    json: (j) => {
      const [name, acct] = account(j);
      const { public_network_access_enabled: _dropped, ...rest } = acct;
      return {
        format_version: '1.2',
        planned_values: {
          root_module: {
            resources: [
              {
                address: `azurerm_cognitive_account.${name}`,
                mode: 'managed',
                type: 'azurerm_cognitive_account',
                name,
                values: rest,
              },
            ],
          },
        },
        resource_changes: [
          {
            address: `azurerm_cognitive_account.${name}`,
            mode: 'managed',
            type: 'azurerm_cognitive_account',
            name,
            change: {
              actions: ['create'],
              after: rest,
              after_unknown: { public_network_access_enabled: true },
            },
          },
        ],
      };
    },
  },
  {
    name: 'a state (terraform show -json) with a public account inside a module',
    bypassClass: 9,
    ruleId: 'AOAI-NET-001',
    json: (j) => {
      const [name, acct] = account(j);
      return {
        format_version: '1.0',
        terraform_version: '1.9.8',
        values: {
          root_module: {
            child_modules: [
              {
                address: 'module.ai',
                resources: [
                  {
                    address: `module.ai.azurerm_cognitive_account.${name}`,
                    mode: 'managed',
                    type: 'azurerm_cognitive_account',
                    name,
                    values: { ...acct, public_network_access_enabled: true, id: ACCOUNT_ID },
                  },
                ],
              },
            ],
          },
        },
      };
    },
  },
  {
    name: 'an override file reopens public access',
    bypassClass: 9,
    ruleId: 'AOAI-NET-001',
    files: (j) => ({
      'cdk.tf.json': j,
      'zz_override.tf.json': {
        resource: { azurerm_cognitive_account: { [account(j)[0]]: { public_network_access_enabled: true } } },
      },
    }),
  },
  // Found by the red team (issue 11 follow-up): each passed with exit 0 before its fix.
  // 2. Reopening through azapi, by the other ways azapi names or writes the account.
  {
    name: 'azapi_update_resource names the account by parent_id and name (no resource_id) and reopens it',
    bypassClass: 2,
    ruleId: 'AOAI-NET-001',
    // azapi_update_resource takes resource_id, or name with parent_id (azapi docs, resources/update_resource;
    // lib/azapi/update-resource.ts).
    construct: (s) =>
      new AzapiUpdateResource(s, 'ReopenByName', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        parentId: s.node.findAll().find((c): c is ResourceGroup => c instanceof ResourceGroup)!.id,
        name: s.hardened.account.accountName,
        body: { properties: { publicNetworkAccess: 'Enabled' } },
      }),
  },
  {
    name: 'azapi_resource_action PATCHes the account itself (empty action) to reopen public access',
    bypassClass: 2,
    ruleId: 'AOAI-NET-001',
    // An empty `action` sends the request to the resource ID; method PATCH or PUT (azapi docs,
    // resources/resource_action).
    json: (j) =>
      addResource(j, 'azapi_resource_action', 'reopen', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: accountRef(j),
        method: 'PATCH',
        body: { properties: { publicNetworkAccess: 'Enabled' } },
      }),
  },
  {
    name: 'azapi_resource_action PUTs the account with a body that omits the network settings (ARM defaults: public)',
    bypassClass: 2,
    ruleId: 'AOAI-NET-001',
    json: (j) =>
      addResource(j, 'azapi_resource_action', 'replace', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: accountRef(j),
        method: 'PUT',
        body: { kind: 'OpenAI', properties: { customSubDomainName: account(j)[1].custom_subdomain_name } },
      }),
  },
  {
    name: 'an azapi patch spells the ARM property names in another case (PublicNetworkAccess)',
    bypassClass: 2,
    ruleId: 'AOAI-NET-001',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'cased', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: accountRef(j),
        schema_validation_enabled: false,
        body: { Properties: { PublicNetworkAccess: 'Enabled' } },
      }),
  },
  // 4. The account named through a data source, or a value passed through another resource.
  {
    name: 'an azapi patch names the account through data.azurerm_cognitive_account and reopens it',
    bypassClass: 4,
    ruleId: 'AOAI-NET-001',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'reopen', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: dataAccount(j),
        body: { properties: { publicNetworkAccess: 'Enabled' } },
      }),
  },
  {
    name: 'an azapi patch names the account through a terraform_data output and turns key auth on',
    bypassClass: 4,
    ruleId: 'AOAI-IAM-001',
    json: (j) => {
      addResource(j, 'terraform_data', 'alias', { input: accountRef(j) });
      addResource(j, 'azapi_update_resource', 'keys', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: '${terraform_data.alias.output}',
        body: { properties: { disableLocalAuth: false } },
      });
    },
  },
  {
    name: 'a deployment on the service default policy, bound to the account through a data source',
    bypassClass: 4,
    ruleId: 'AOAI-CFP-001',
    json: (j) =>
      addResource(j, 'azurerm_cognitive_deployment', 'raw', {
        name: 'raw',
        cognitive_account_id: dataAccount(j),
        model: { format: 'OpenAI', name: 'gpt-4o', version: '2024-08-06' },
        sku: { name: 'Standard' },
        version_upgrade_option: 'NoAutoUpgrade',
      }),
  },
  {
    name: 'Owner on the account, scoped through a data source of the account',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) =>
      addResource(j, 'azurerm_role_assignment', 'owner', {
        scope: dataAccount(j),
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
        role_definition_name: 'Owner',
      }),
  },
  // 5. Role grants the assignment scan did not see or could not place.
  {
    name: 'Owner at the subscription, its ID written as a template around data.azurerm_client_config',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) => {
      j.data = { ...(j.data ?? {}), azurerm_client_config: { current: {} } };
      addResource(j, 'azurerm_role_assignment', 'owner', {
        scope: '/subscriptions/${data.azurerm_client_config.current.subscription_id}',
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
        role_definition_name: 'Owner',
      });
    },
  },
  {
    name: "Owner at the account's resource group, read through data.azurerm_resource_group",
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) => {
      const rgName = firstOf(j, 'azurerm_resource_group')[1].name;
      j.data = { ...(j.data ?? {}), azurerm_resource_group: { rg: { name: rgName } } };
      addResource(j, 'azurerm_role_assignment', 'owner', {
        scope: '${data.azurerm_resource_group.rg.id}',
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
        role_definition_name: 'Owner',
      });
    },
  },
  {
    name: 'Owner on the account through an azapi Microsoft.Authorization/roleAssignments resource',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) =>
      addResource(j, 'azapi_resource', 'owner', {
        type: 'Microsoft.Authorization/roleAssignments@2022-04-01',
        name: '11111111-2222-3333-4444-555555555555',
        parent_id: accountRef(j),
        body: {
          properties: {
            principalId: '44444444-4444-4444-4444-444444444444',
            principalType: 'Group',
            roleDefinitionId:
              '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
          },
        },
      }),
  },
  {
    name: 'Owner on the account as a PIM active role assignment (no principal type: may be a user)',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-004',
    json: (j) =>
      addResource(j, 'azurerm_pim_active_role_assignment', 'owner', {
        scope: accountRef(j),
        principal_id: '44444444-4444-4444-4444-444444444444',
        role_definition_id:
          '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      }),
  },
  {
    name: 'a custom role whose wildcard action Microsoft.CognitiveServices/accounts/list* lists the keys',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    construct: (s) => {
      const def = new RoleDefinition(s, 'KeyReader', {
        name: 'aoai-key-reader',
        scope: s.hardened.account.accountId,
        permissions: [{ actions: ['Microsoft.CognitiveServices/accounts/list*', '*/read'] }],
      });
      roleOnAccount(s, 'KeyReaderGrant', {
        role_definition_name: undefined,
        role_definition_id: def.roleDefinitionResourceId,
      });
    },
  },
  {
    name: 'a custom role whose action is a leading wildcard before /write (writes the account)',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) => {
      addResource(j, 'azurerm_role_definition', 'writer', {
        name: 'writer',
        scope: accountRef(j),
        permissions: [{ actions: ['*/write'] }],
      });
      addResource(j, 'azurerm_role_assignment', 'writer', {
        scope: accountRef(j),
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
        role_definition_id: '${azurerm_role_definition.writer.role_definition_resource_id}',
      });
    },
  },
  // 9. Resources Terraform never creates (count 0, for_each empty) and blocks it generates (dynamic).
  {
    // A JSON edit, not an escape hatch: the Terraform corpus plans every stack the unit suite synthesizes and
    // expects each resource it lists to be created (__tests__/terraform/corpus.tf.test.ts).
    name: 'the deny-all NSG rule given count = 0 (Terraform creates no instance)',
    bypassClass: 9,
    ruleId: 'AOAI-NET-009',
    json: (j) => {
      nsgRule(j, 'Deny').count = 0;
    },
  },
  {
    name: 'the account diagnostic setting given an empty for_each',
    bypassClass: 9,
    ruleId: 'AOAI-MON-001',
    json: (j) => {
      firstOf(j, 'azurerm_monitor_diagnostic_setting')[1].for_each = {};
    },
  },
  {
    name: 'the deny-all NSG rule given a count that is an expression (may be 0)',
    bypassClass: 9,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      nsgRule(j, 'Deny').count = '${length([])}';
    },
  },
  {
    name: 'a plan whose deny-all NSG rule has count 0: its configuration block is there, no instance is',
    bypassClass: 9,
    ruleId: 'AOAI-NET-009',
    json: () => {
      // Terraform's own first plan of the reference stack (__tests__/fixtures/terraform), as Terraform writes it
      // for count = 0: the block in configuration with count_expression, no planned value or change.
      const plan = committedPlan('reference-first-plan.json');
      const isDeny = (r: any) => r.type === 'azurerm_network_security_rule' && /Deny/.test(r.name);
      plan.planned_values.root_module.resources = plan.planned_values.root_module.resources.filter(
        (r: any) => !isDeny(r),
      );
      plan.resource_changes = plan.resource_changes.filter((r: any) => !isDeny(r));
      plan.configuration.root_module.resources.find(isDeny).count_expression = { constant_value: 0 };
      return plan;
    },
  },
  {
    name: 'an Allow-any rule generated on the endpoint NSG by a dynamic security_rule block',
    bypassClass: 9,
    ruleId: 'AOAI-NET-009',
    construct: (s) =>
      s.node
        .findAll()
        .find((c): c is NetworkSecurityGroup => c instanceof NetworkSecurityGroup)!
        .addOverride('dynamic.security_rule', {
          for_each: '${toset(["any"])}',
          content: {
            name: 'allow-any',
            priority: 100,
            direction: 'Inbound',
            access: 'Allow',
            protocol: '*',
            source_address_prefix: '*',
            source_port_range: '*',
            destination_address_prefix: '*',
            destination_port_range: '*',
          },
        }),
  },
  {
    name: 'a VNet rule added to the account network ACL by a dynamic virtual_network_rules block',
    bypassClass: 9,
    ruleId: 'AOAI-NET-002',
    json: (j) => {
      account(j)[1].network_acls.dynamic = {
        virtual_network_rules: {
          for_each: '${toset(["open"])}',
          content: {
            subnet_id:
              '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-other/providers/Microsoft.Network/virtualNetworks/vnet-other/subnets/open',
          },
        },
      };
    },
  },
  {
    name: 'an http:// webhook added to an action group by a dynamic webhook_receiver block',
    bypassClass: 7,
    ruleId: 'AOAI-MON-012',
    json: (j) => {
      firstOf(j, 'azurerm_monitor_action_group')[1].dynamic = {
        webhook_receiver: {
          for_each: '${toset(["hook"])}',
          content: {
            name: 'hook',
            service_uri: 'http://alerts.example.com/hook',
            use_common_alert_schema: true,
          },
        },
      };
    },
  },
  // 7. Alerts that exist but cannot fire on the account, and a second Defender setting that disables it.
  {
    name: 'the api-key detection fires only when the count is below 0 (operator LessThan, by escape hatch)',
    bypassClass: 7,
    ruleId: 'AOAI-MON-006',
    construct: (s) =>
      s.node
        .findAll()
        .find(
          (c): c is MonitorScheduledQueryRulesAlertV2 =>
            c instanceof MonitorScheduledQueryRulesAlertV2 && /api-key/.test(c.node.id),
        )!
        .addOverride('criteria.0.operator', 'LessThan'),
  },
  {
    name: 'the content filter and token alerts watch another account (metric alert scopes)',
    bypassClass: 7,
    ruleId: 'AOAI-MON-008',
    json: (j) => {
      for (const a of Object.values<any>(j.resource.azurerm_monitor_metric_alert)) {
        a.scopes = [ACCOUNT_ID.replace('aoai-imported', 'aoai-other')];
      }
    },
  },
  {
    name: 'the detections query another workspace than the one the account logs to',
    bypassClass: 7,
    ruleId: 'AOAI-MON-004',
    json: (j) => {
      for (const q of Object.values<any>(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2)) {
        q.scopes = [
          '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-other/providers/Microsoft.OperationalInsights/workspaces/log-other',
        ];
      }
    },
  },
  {
    name: 'the deployment-change detection keeps only rows of one caller IP (dimension filter)',
    bypassClass: 7,
    ruleId: 'AOAI-MON-007',
    json: (j) => {
      for (const q of Object.values<any>(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2)) {
        q.criteria[0].dimension = [
          { name: 'CallerIPAddress', operator: 'Include', values: ['203.0.113.250'] },
        ];
      }
      // The activity log alert on the account watches the same changes (AOAI-MON-007 counts it): narrowed too.
      for (const a of Object.values<any>(j.resource.azurerm_monitor_activity_log_alert)) {
        a.criteria.caller = 'nobody@contoso.com';
      }
    },
  },
  {
    name: 'the content filter alert averages instead of totalling',
    bypassClass: 7,
    ruleId: 'AOAI-MON-005',
    json: (j) => {
      for (const a of Object.values<any>(j.resource.azurerm_monitor_metric_alert)) {
        a.criteria[0].aggregation = 'Average';
      }
    },
  },
  {
    name: 'a second defenderForAISettings write on the account sets it Disabled',
    bypassClass: 7,
    ruleId: 'AOAI-MON-011',
    json: (j) => {
      const [name] = firstOf(j, 'azapi_update_resource');
      addResource(j, 'azapi_update_resource', 'defender_off', {
        type: 'Microsoft.CognitiveServices/accounts/defenderForAISettings@2025-06-01',
        parent_id: accountRef(j),
        name: 'Default',
        body: { properties: { state: 'Disabled' } },
        depends_on: [`azapi_update_resource.${name}`],
      });
    },
  },
  // 8. Content filtering undone after creation by an azapi write to the deployment or the policy.
  {
    name: 'an azapi_update_resource rebinds the deployment to Microsoft.DefaultV2',
    bypassClass: 8,
    ruleId: 'AOAI-CFP-001',
    construct: (s) =>
      new AzapiUpdateResource(s, 'Rebind', {
        type: 'Microsoft.CognitiveServices/accounts/deployments@2025-06-01',
        resourceId: s.node.findAll().find((c): c is CognitiveDeployment => c instanceof CognitiveDeployment)!
          .id,
        body: { properties: { raiPolicyName: 'Microsoft.DefaultV2' } },
      }),
  },
  {
    name: 'an azapi_update_resource replaces the bound policy content filters with a weaker Violence entry',
    bypassClass: 8,
    ruleId: 'AOAI-CFP-002',
    json: (j) => {
      const [name, policy] = Object.entries<any>(j.resource.azapi_resource).find(([, r]) =>
        /raiPolicies@/.test(String(r.type)),
      )!;
      const filters = structuredClone(policy.body.properties.contentFilters);
      filters.find((f: any) => f.name === 'Violence' && f.source === 'Completion').severityThreshold = 'High';
      addResource(j, 'azapi_update_resource', 'weaken', {
        type: 'Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01',
        resource_id: `\${azapi_resource.${name}.id}`,
        body: { properties: { contentFilters: filters } },
      });
    },
  },
  {
    name: 'an azapi_resource_action PATCHes the bound policy by parent_id and name to drop the prompt shields',
    bypassClass: 8,
    ruleId: 'AOAI-CFP-003',
    json: (j) => {
      const policy = raiPolicy(j);
      addResource(j, 'azapi_resource_action', 'shields_off', {
        type: 'Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01',
        resource_id: `${accountRef(j).slice(0, -1)}}/raiPolicies/${policy.name}`,
        method: 'PATCH',
        body: {
          properties: {
            contentFilters: policy.body.properties.contentFilters.filter(
              (f: any) => !['Jailbreak', 'Indirect Attack'].includes(f.name),
            ),
          },
        },
      });
    },
  },
  // 9. JSON that Terraform reads differently from JSON.parse.
  {
    name: 'a second "resource" key before the hardened one: JSON.parse keeps only the last, Terraform creates both',
    bypassClass: 9,
    ruleId: 'AOAI-IAM-003',
    // hashicorp/hcl json/structure.go: every property naming a block type or label is a block (no dedup).
    text: (j) => {
      const hidden = {
        azurerm_role_assignment: {
          owner: {
            scope: accountRef(j),
            principal_id: '44444444-4444-4444-4444-444444444444',
            principal_type: 'Group',
            role_definition_name: 'Owner',
          },
        },
      };
      const { resource, ...rest } = j;
      const text = JSON.stringify({ ...rest, resource });
      return `{"resource": ${JSON.stringify(hidden)}, ${text.slice(1)}`;
    },
  },
  {
    name: 'a second "azurerm_network_security_rule" key under resource: an Allow-any rule JSON.parse drops',
    bypassClass: 9,
    ruleId: 'AOAI-NET-009',
    text: (j) => {
      const [, deny] = Object.entries<any>(j.resource.azurerm_network_security_rule).find(([, r]) =>
        String(r.name).startsWith('Deny'),
      )!;
      const allowAny = {
        ...deny,
        name: 'allow-any',
        priority: 100,
        access: 'Allow',
      };
      const { azurerm_network_security_rule: rules, ...others } = j.resource;
      const resource = `{"azurerm_network_security_rule": ${JSON.stringify({ allow_any: allowAny })}, ${JSON.stringify(
        { ...others, azurerm_network_security_rule: rules },
      ).slice(1)}`;
      const { resource: _r, ...rest } = j;
      return `{"resource": ${resource}, ${JSON.stringify(rest).slice(1)}`;
    },
  },
  // 7. Monitoring that exists but reaches nobody, stops logging, or covers another subscription.
  {
    name: 'an alert processing rule suppresses every action group in the resource group',
    bypassClass: 7,
    ruleId: 'AOAI-MON-010',
    json: (j) => {
      const [rgName] = firstOf(j, 'azurerm_resource_group');
      addResource(j, 'azurerm_monitor_alert_processing_rule_suppression', 'quiet', {
        name: 'quiet',
        resource_group_name: `\${azurerm_resource_group.${rgName}.name}`,
        scopes: [`\${azurerm_resource_group.${rgName}.id}`],
      });
    },
  },
  {
    name: 'the workspace the account logs to gets a daily cap (ingestion stops once reached), by escape hatch',
    bypassClass: 7,
    ruleId: 'AOAI-MON-001',
    construct: (s) =>
      s.node
        .findAll()
        .find((c): c is LogAnalyticsWorkspace => c instanceof LogAnalyticsWorkspace)!
        .addOverride('daily_quota_gb', 0.1),
  },
  {
    name: 'the Defender for AI plan written through a provider alias for another subscription',
    bypassClass: 7,
    ruleId: 'AOAI-MON-011',
    json: (j) => {
      j.provider.azurerm.push({
        alias: 'other',
        features: [{}],
        subscription_id: '00000000-0000-0000-0000-000000000009',
      });
      // The plan is an azapi write on the subscription the data source reads: read through the alias.
      firstOf(j, 'azurerm_subscription', 'data')[1].provider = 'azurerm.other';
    },
  },
  // 6. Other ways into the account around the endpoint this configuration judges.
  {
    name: 'a second private endpoint to the account written through azapi, in a subnet of another VNet',
    bypassClass: 6,
    ruleId: 'AOAI-NET-006',
    json: (j) =>
      addResource(j, 'azapi_resource', 'side_door', {
        type: 'Microsoft.Network/privateEndpoints@2024-05-01',
        name: 'pe-side-door',
        parent_id: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-other',
        location: 'swedencentral',
        body: {
          properties: {
            subnet: {
              id: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-other/providers/Microsoft.Network/virtualNetworks/vnet-other/subnets/open',
            },
            privateLinkServiceConnections: [
              {
                name: 'side-door',
                properties: { privateLinkServiceId: accountRef(j), groupIds: ['account'] },
              },
            ],
          },
        },
      }),
  },
  {
    name: 'an azapi write approves a private endpoint connection made from outside this configuration',
    bypassClass: 6,
    ruleId: 'AOAI-NET-006',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'approve', {
        type: 'Microsoft.CognitiveServices/accounts/privateEndpointConnections@2025-06-01',
        parent_id: accountRef(j),
        name: 'pe-foreign.0f0f0f0f-0000-0000-0000-000000000000',
        body: {
          properties: { privateLinkServiceConnectionState: { status: 'Approved', description: 'ok' } },
        },
      }),
  },
  // 4. Resources managed by a provider the rules do not know (a fork that reads the same arguments its own way).
  {
    name: 'required_providers points azurerm at a fork (another source)',
    bypassClass: 4,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      j.terraform.required_providers.azurerm.source = 'evil-corp/azurerm';
    },
  },
  {
    name: 'the account is managed through a second local provider name bound to a fork',
    bypassClass: 4,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      j.terraform.required_providers.azurermfork = { source: 'evil-corp/azurerm', version: '4.55.0' };
      j.provider.azurermfork = [{ features: [{}] }];
      account(j)[1].provider = 'azurermfork';
    },
  },
  {
    name: 'a plan whose account is managed by a provider from another namespace',
    bypassClass: 4,
    ruleId: 'AOAI-CHK-002',
    json: () => {
      const plan = committedPlan('reference-first-plan.json');
      for (const r of [...plan.planned_values.root_module.resources, ...plan.resource_changes]) {
        if (r.type === 'azurerm_cognitive_account') {
          r.provider_name = 'registry.terraform.io/evil-corp/azurerm';
        }
      }
      return plan;
    },
  },
  // 6-8. A constant hidden in an interpolation: left "for the plan" as if it were a variable, it was never judged at
  // synth (the plan does judge it; the Aspect and `check cdk.tf.json` passed).
  {
    name: 'an NSG Allow from ${"0.0.0.0/0"} (a constant written as an interpolation)',
    bypassClass: 6,
    ruleId: 'AOAI-NET-009',
    json: (j) => {
      const allow = nsgRule(j, 'Allow');
      allow.source_address_prefix = '${"0.0.0.0/0"}';
      delete allow.source_address_prefixes;
    },
  },
  {
    name: 'a Violence threshold ${"High"} on the bound policy',
    bypassClass: 8,
    ruleId: 'AOAI-CFP-002',
    json: (j) => {
      raiPolicy(j).body.properties.contentFilters.find((f: any) => f.name === 'Violence').severityThreshold =
        '${"High"}';
    },
  },
  {
    name: 'a blocklist attached with blocking ${false}',
    bypassClass: 7,
    ruleId: 'AOAI-CFP-007',
    json: (j) => {
      raiPolicy(j).body.properties.customBlocklists[0].blocking = '${false}';
    },
  },
  {
    name: 'a webhook receiver at ${"http://..."}',
    bypassClass: 7,
    ruleId: 'AOAI-MON-012',
    json: (j) => {
      firstOf(j, 'azurerm_monitor_action_group')[1].webhook_receiver = [
        { name: 'hook', service_uri: '${"http://alerts.example.com/hook"}', use_common_alert_schema: true },
      ];
    },
  },
  // 5. Built-in roles the checklist does not know were judged harmless.
  {
    name: 'a built-in role the checklist does not know, by name (Azure AI Administrator), on the account',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    construct: (s) => roleOnAccount(s, 'UnknownBuiltIn', { role_definition_name: 'Azure AI Administrator' }),
  },
  {
    name: 'a role definition GUID the checklist does not know, on the resource group of the account',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) => {
      const [rgName] = firstOf(j, 'azurerm_resource_group');
      addResource(j, 'azurerm_role_assignment', 'unknown_guid', {
        scope: `\${azurerm_resource_group.${rgName}.id}`,
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
        role_definition_id:
          '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/0f0f0f0f-1111-2222-3333-444444444444',
      });
    },
  },
  // 3. ignore_changes on the resources the other rules judge (drift there stands unrepaired too).
  {
    name: 'ignore_changes on the deny-all NSG rule access and source (a portal change to Allow * stands)',
    bypassClass: 3,
    ruleId: 'AOAI-CHK-004',
    json: (j) => {
      nsgRule(j, 'Deny').lifecycle = { ignore_changes: ['access', 'source_address_prefix'] };
    },
  },
  {
    name: 'ignore_changes on the account diagnostic setting logs and workspace, by escape hatch',
    bypassClass: 3,
    ruleId: 'AOAI-CHK-004',
    construct: (s) =>
      s.node
        .findAll()
        .find((c): c is MonitorDiagnosticSetting => c instanceof MonitorDiagnosticSetting)!
        .addOverride('lifecycle.ignore_changes', ['enabled_log', 'log_analytics_workspace_id']),
  },
  // 6. The endpoint subnet and NSG changed through azapi after they are created.
  {
    name: 'an azapi write turns the endpoint subnet network policies off (the NSG stops applying)',
    bypassClass: 6,
    ruleId: 'AOAI-NET-008',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'policies_off', {
        type: 'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
        resource_id: endpointSubnetRef(j),
        body: { properties: { privateEndpointNetworkPolicies: 'Disabled' } },
      }),
  },
  {
    name: 'an azapi write moves the endpoint subnet to another NSG',
    bypassClass: 6,
    ruleId: 'AOAI-NET-008',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'other_nsg', {
        type: 'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
        resource_id: endpointSubnetRef(j),
        body: {
          properties: {
            networkSecurityGroup: {
              id: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-other/providers/Microsoft.Network/networkSecurityGroups/nsg-open',
            },
          },
        },
      }),
  },
  {
    name: 'an Allow-any rule added to the endpoint NSG as an azapi securityRules child',
    bypassClass: 6,
    ruleId: 'AOAI-NET-009',
    json: (j) =>
      addResource(j, 'azapi_resource', 'allow_any', {
        type: 'Microsoft.Network/networkSecurityGroups/securityRules@2024-05-01',
        name: 'allow-any',
        parent_id: `\${azurerm_network_security_group.${endpointNsg(j)[0]}.id}`,
        body: {
          properties: {
            access: 'Allow',
            direction: 'Inbound',
            priority: 100,
            protocol: '*',
            sourceAddressPrefix: '*',
            sourcePortRange: '*',
            destinationAddressPrefix: '*',
            destinationPortRange: '*',
          },
        },
      }),
  },
  {
    name: 'an azapi write replaces the endpoint NSG security rules (the deny-all rule with them)',
    bypassClass: 6,
    ruleId: 'AOAI-NET-009',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'rules', {
        type: 'Microsoft.Network/networkSecurityGroups@2024-05-01',
        resource_id: `\${azurerm_network_security_group.${endpointNsg(j)[0]}.id}`,
        body: { properties: { securityRules: [] } },
      }),
  },
  {
    name: 'the detections run every day but look back five minutes: rows between runs are never evaluated',
    bypassClass: 7,
    ruleId: 'AOAI-MON-006',
    json: (j) => {
      for (const q of Object.values<any>(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2)) {
        q.evaluation_frequency = 'P1D';
      }
    },
  },
  {
    name: 'the detections mute their actions for two days after each firing',
    bypassClass: 7,
    ruleId: 'AOAI-MON-006',
    json: (j) => {
      for (const q of Object.values<any>(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2)) {
        q.mute_actions_after_alert_duration = 'P2D';
      }
    },
  },
  // 7. Monitoring resources changed through azapi after creation.
  {
    name: 'an azapi write switches the api-key detection off (properties.enabled false)',
    bypassClass: 7,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      const [name] = Object.entries<any>(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2).find(
        ([k]) => /api-key/.test(k),
      )!;
      addResource(j, 'azapi_update_resource', 'detection_off', {
        type: 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview',
        resource_id: `\${azurerm_monitor_scheduled_query_rules_alert_v2.${name}.id}`,
        body: { properties: { enabled: false } },
      });
    },
  },
  {
    name: 'an azapi diagnostic setting with the name of the judged one replaces it with no logs',
    bypassClass: 7,
    ruleId: 'AOAI-MON-001',
    json: (j) =>
      addResource(j, 'azapi_resource', 'no_logs', {
        type: 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview',
        name: firstOf(j, 'azurerm_monitor_diagnostic_setting')[1].name,
        parent_id: accountRef(j),
        body: { properties: { logs: [], metrics: [] } },
      }),
  },
  {
    name: 'an azapi write sets the Defender for AI plan to Free',
    bypassClass: 7,
    // Every write of the plan is judged (the package's own is an azapi update too).
    ruleId: 'AOAI-MON-011',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'defender_free', {
        type: 'Microsoft.Security/pricings@2024-01-01',
        resource_id: `\${data.azurerm_subscription.${firstOf(j, 'azurerm_subscription', 'data')[0]}.id}/providers/Microsoft.Security/pricings/AI`,
        body: { properties: { pricingTier: 'Free' } },
      }),
  },
  {
    name: 'the private DNS zone links given a count that is an expression (may be 0: the zone resolves publicly)',
    bypassClass: 9,
    ruleId: 'AOAI-NET-007',
    json: (j) => {
      for (const link of Object.values<any>(j.resource.azurerm_private_dns_zone_virtual_network_link)) {
        link.count = '${length([])}';
      }
    },
  },
  {
    name: 'a plan whose deny-all NSG rule sits in a module called with count 0 (its block is there, no instance is)',
    bypassClass: 9,
    ruleId: 'AOAI-NET-009',
    json: () => {
      // Terraform's first plan of the reference stack, the deny rule moved into `module "gate" { count = 0 }`:
      // configuration shows the module's block (count_expression on the call), planned values show nothing.
      const plan = committedPlan('reference-first-plan.json');
      const isDeny = (r: any) => r.type === 'azurerm_network_security_rule' && /Deny/.test(r.name);
      const root = plan.configuration.root_module;
      const deny = root.resources.find(isDeny);
      const nsg = plan.planned_values.root_module.resources.find(
        (r: any) => r.type === 'azurerm_network_security_group',
      );
      root.resources = root.resources.filter((r: any) => !isDeny(r));
      root.module_calls = {
        ...(root.module_calls ?? {}),
        gate: {
          source: './gate',
          count_expression: { constant_value: 0 },
          module: {
            resources: [
              {
                ...deny,
                expressions: {
                  ...deny.expressions,
                  network_security_group_name: { constant_value: nsg.values.name },
                },
              },
            ],
          },
        },
      };
      plan.planned_values.root_module.resources = plan.planned_values.root_module.resources.filter(
        (r: any) => !isDeny(r),
      );
      plan.resource_changes = plan.resource_changes.filter((r: any) => !isDeny(r));
      return plan;
    },
  },
  {
    name: 'an azapi write names the api-key detection by parent_id and name and switches it off',
    bypassClass: 7,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      const [rgName] = firstOf(j, 'azurerm_resource_group');
      const detection = Object.values<any>(j.resource.azurerm_monitor_scheduled_query_rules_alert_v2).find(
        (q) => /api-key/.test(String(q.name)),
      );
      addResource(j, 'azapi_update_resource', 'detection_off_by_name', {
        type: 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview',
        parent_id: `\${azurerm_resource_group.${rgName}.id}`,
        name: detection.name,
        body: { properties: { enabled: false } },
      });
    },
  },
  {
    name: 'an azapi write sets the Defender for AI plan to Free by its literal ID (pricings/AI)',
    bypassClass: 7,
    ruleId: 'AOAI-MON-011',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'defender_free_by_id', {
        type: 'Microsoft.Security/pricings@2024-01-01',
        resource_id:
          '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Security/pricings/AI',
        body: { properties: { pricingTier: 'Free' } },
      }),
  },
  // 6-7. azapi_resource_action's other writes: method DELETE, and a child path in `action` (the request goes to
  // <resource_id>/<action>; methods POST, PATCH, PUT, DELETE: azapi docs, resources/resource_action).
  {
    name: 'an azapi_resource_action DELETEs the deny-all NSG rule after it is created',
    bypassClass: 6,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      const [deny] = Object.entries<any>(j.resource.azurerm_network_security_rule).find(
        ([, r]) => r.name === 'Deny-All-Inbound',
      )!;
      addResource(j, 'azapi_resource_action', 'delete_deny', {
        type: 'Microsoft.Network/networkSecurityGroups/securityRules@2024-05-01',
        resource_id: `\${azurerm_network_security_rule.${deny}.id}`,
        method: 'DELETE',
      });
    },
  },
  {
    name: 'an azapi_resource_action PUTs an Allow-any rule through the action path securityRules/<name> of the endpoint NSG',
    bypassClass: 6,
    ruleId: 'AOAI-CHK-002',
    json: (j) =>
      addResource(j, 'azapi_resource_action', 'allow_any_by_path', {
        type: 'Microsoft.Network/networkSecurityGroups@2024-05-01',
        resource_id: `\${azurerm_network_security_group.${endpointNsg(j)[0]}.id}`,
        action: 'securityRules/allow-any',
        method: 'PUT',
        body: {
          properties: {
            access: 'Allow',
            direction: 'Inbound',
            priority: 100,
            protocol: '*',
            sourceAddressPrefix: '*',
            sourcePortRange: '*',
            destinationAddressPrefix: '*',
            destinationPortRange: '*',
          },
        },
      }),
  },
  {
    name: 'an azapi_resource_action on the account PUTs defenderForAISettings/Default Disabled through its action path',
    bypassClass: 7,
    ruleId: 'AOAI-CHK-002',
    json: (j) =>
      addResource(j, 'azapi_resource_action', 'defender_off_by_path', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: accountRef(j),
        action: 'defenderForAISettings/Default',
        method: 'PUT',
        body: { properties: { state: 'Disabled' } },
      }),
  },
  {
    name: 'an azapi_resource_action PUTs an Owner role assignment on the account (a roleAssignments write, not an azapi_resource)',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) =>
      addResource(j, 'azapi_resource_action', 'owner_by_action', {
        type: 'Microsoft.Authorization/roleAssignments@2022-04-01',
        resource_id: `${accountRef(j)}/providers/Microsoft.Authorization/roleAssignments/0b0b0b0b-0000-4000-8000-000000000001`,
        method: 'PUT',
        body: {
          properties: {
            roleDefinitionId:
              '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
            principalId: '44444444-4444-4444-4444-444444444444',
            principalType: 'Group',
          },
        },
      }),
  },
  // 9. What a rule counts as proof, made conditional: a dynamic block over an expression may generate no block, and
  // an azapi resource with a count or for_each expression may not be created (check the plan JSON, which resolves them).
  {
    name: "the private endpoint's DNS zone group generated by a dynamic block whose for_each is a variable (may be empty)",
    bypassClass: 9,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      const pe = firstOf(j, 'azurerm_private_endpoint')[1];
      const group = pe.private_dns_zone_group;
      delete pe.private_dns_zone_group;
      pe.dynamic = { private_dns_zone_group: { for_each: '${var.dns_zone_groups}', content: group } };
    },
  },
  {
    name: 'the deny-all rule written inline in the endpoint NSG by a dynamic security_rule block over a condition',
    bypassClass: 9,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      const [name, deny] = Object.entries<any>(j.resource.azurerm_network_security_rule).find(
        ([, r]) => r.name === 'Deny-All-Inbound',
      )!;
      delete j.resource.azurerm_network_security_rule[name];
      const { network_security_group_name: _n, resource_group_name: _g, ...rule } = deny;
      endpointNsg(j)[1].dynamic = {
        security_rule: { for_each: '${var.deny_all ? [1] : []}', content: rule },
      };
    },
  },
  {
    name: "the account diagnostic setting's logs generated by a dynamic enabled_log block over a variable",
    bypassClass: 9,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      const setting = firstOf(j, 'azurerm_monitor_diagnostic_setting')[1];
      const [log] = setting.enabled_log;
      delete setting.enabled_log;
      setting.dynamic = { enabled_log: { for_each: '${var.log_groups}', content: log } };
    },
  },
  {
    name: 'the deny-all rule as an azapi securityRules child whose count is an expression',
    bypassClass: 9,
    ruleId: 'AOAI-CHK-002',
    json: (j) => {
      const [name] = Object.entries<any>(j.resource.azurerm_network_security_rule).find(
        ([, r]) => r.name === 'Deny-All-Inbound',
      )!;
      delete j.resource.azurerm_network_security_rule[name];
      addResource(j, 'azapi_resource', 'deny_all', {
        type: 'Microsoft.Network/networkSecurityGroups/securityRules@2024-05-01',
        name: 'Deny-All-Inbound',
        parent_id: `\${azurerm_network_security_group.${endpointNsg(j)[0]}.id}`,
        count: '${var.deny_all ? 1 : 0}',
        body: {
          properties: {
            access: 'Deny',
            direction: 'Inbound',
            priority: 4096,
            protocol: '*',
            sourceAddressPrefix: '*',
            sourcePortRange: '*',
            destinationAddressPrefix: '*',
            destinationPortRange: '*',
          },
        },
      });
    },
  },
  {
    name: 'an account managed elsewhere whose only hardening is an azapi_update_resource with a count expression',
    bypassClass: 9,
    ruleId: 'AOAI-CHK-002',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'harden_imported', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: ACCOUNT_ID,
        count: '${var.harden ? 1 : 0}',
        body: {
          properties: {
            publicNetworkAccess: 'Disabled',
            disableLocalAuth: true,
            restrictOutboundNetworkAccess: true,
            networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [], virtualNetworkRules: [] },
          },
        },
      }),
  },
  // 6. The endpoint's DNS zone group changed through azapi after it is created (Microsoft.Network/privateEndpoints/
  // privateDnsZoneGroups: the child resource azurerm's private_dns_zone_group block writes).
  {
    name: "an azapi_update_resource points the endpoint's DNS zone group at a zone no VNet here links (it resolves publicly)",
    bypassClass: 6,
    ruleId: 'AOAI-NET-006',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'zone_group_elsewhere', {
        type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01',
        resource_id: `\${azurerm_private_endpoint.${firstOf(j, 'azurerm_private_endpoint')[0]}.private_dns_zone_group[0].id}`,
        body: {
          properties: {
            privateDnsZoneConfigs: [
              {
                name: 'openai',
                properties: {
                  privateDnsZoneId:
                    '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-unlinked/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com',
                },
              },
            ],
          },
        },
      }),
  },
  {
    name: "an azapi_resource_action DELETEs the endpoint's DNS zone group (its A records go with it)",
    bypassClass: 6,
    ruleId: 'AOAI-NET-006',
    json: (j) =>
      addResource(j, 'azapi_resource_action', 'zone_group_delete', {
        type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01',
        resource_id: `\${azurerm_private_endpoint.${firstOf(j, 'azurerm_private_endpoint')[0]}.id}/privateDnsZoneGroups/default`,
        method: 'DELETE',
      }),
  },
  // 5. Grants on a resource inside the account: a role assignment's scope may be any resource ID, a child of the
  // account included, and there the role can rewrite that child (a deployment's policy binding, a policy's filters).
  {
    name: "Owner on the account's deployment (it can rebind the deployment to the default filter policy)",
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) =>
      addResource(j, 'azurerm_role_assignment', 'owner_on_deployment', {
        scope: `\${azurerm_cognitive_deployment.${firstOf(j, 'azurerm_cognitive_deployment')[0]}.id}`,
        role_definition_name: 'Owner',
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
      }),
  },
  {
    name: 'Owner on a deployment of an account known by its literal ID (a child path of that ID)',
    bypassClass: 5,
    ruleId: 'AOAI-IAM-003',
    json: (j) => {
      addResource(j, 'azapi_update_resource', 'imported', {
        type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
        resource_id: ACCOUNT_ID,
        body: { properties: { publicNetworkAccess: 'Disabled' } },
      });
      addResource(j, 'azurerm_role_assignment', 'owner_on_imported_deployment', {
        scope: `${ACCOUNT_ID}/deployments/gpt-4o`,
        role_definition_name: 'Owner',
        principal_id: '44444444-4444-4444-4444-444444444444',
        principal_type: 'Group',
      });
    },
  },
  // 6. The VNet the zones are linked to asks a public resolver: Azure's private zones answer only through Azure DNS.
  {
    name: 'the endpoint VNet uses a public DNS server (8.8.8.8): the linked privatelink zones are never consulted',
    bypassClass: 6,
    ruleId: 'AOAI-NET-007',
    json: (j) => {
      firstOf(j, 'azurerm_virtual_network')[1].dns_servers = ['8.8.8.8'];
    },
  },
  {
    name: 'the same through a separate azurerm_virtual_network_dns_servers resource',
    bypassClass: 6,
    ruleId: 'AOAI-NET-007',
    json: (j) =>
      addResource(j, 'azurerm_virtual_network_dns_servers', 'public', {
        virtual_network_id: `\${azurerm_virtual_network.${firstOf(j, 'azurerm_virtual_network')[0]}.id}`,
        dns_servers: ['1.1.1.1'],
      }),
  },
  // 8. ARM property names in another case on the filter policy and the deployment (judged as the account's are: as if
  // the resource provider honoured them).
  {
    name: "an azapi write replaces the bound policy's filters through ContentFilters (another case) with non-blocking High entries",
    bypassClass: 8,
    ruleId: 'AOAI-CFP-002',
    json: (j) => {
      const [name, policy] = Object.entries<any>(j.resource.azapi_resource).find(([, r]) =>
        /raiPolicies@/.test(String(r.type)),
      )!;
      addResource(j, 'azapi_update_resource', 'filters_other_case', {
        type: policy.type,
        resource_id: `\${azapi_resource.${name}.id}`,
        body: {
          properties: {
            ContentFilters: policy.body.properties.contentFilters.map((f: any) => ({
              ...f,
              blocking: false,
              severityThreshold: 'High',
            })),
          },
        },
      });
    },
  },
  {
    name: 'an azapi write rebinds the deployment to Microsoft.DefaultV2 through RaiPolicyName (another case)',
    bypassClass: 8,
    ruleId: 'AOAI-CFP-001',
    json: (j) =>
      addResource(j, 'azapi_update_resource', 'rebind_other_case', {
        type: 'Microsoft.CognitiveServices/accounts/deployments@2025-06-01',
        resource_id: `\${azurerm_cognitive_deployment.${firstOf(j, 'azurerm_cognitive_deployment')[0]}.id}`,
        body: { properties: { RaiPolicyName: 'Microsoft.DefaultV2' } },
      }),
  },
  {
    name: 'a second Violence entry on the bound policy whose keys are in another case (Name, Source, Blocking false)',
    bypassClass: 8,
    ruleId: 'AOAI-CFP-002',
    json: (j) => {
      raiPolicy(j).body.properties.contentFilters.push({
        Name: 'Violence',
        Source: 'Prompt',
        Enabled: true,
        Blocking: false,
        SeverityThreshold: 'High',
      });
    },
  },
];
