/**
 * Evasion cases of issue 25 (a closed-world checklist), one or more per class, each an edit of the reference
 * cdk.tf.json that must fail with its exact rule ID at its address. Cases marked `planned` are also planned
 * together by Terraform core against the stub providers (one configuration, every planned case in it:
 * closedWorldEvasionsJson(), committed as __tests__/fixtures/terraform/closed-world-evasions-first-plan.json by
 * `npm run tf:fixtures`), and the same finding must come out of Terraform's plan JSON. Cases the stubs cannot plan
 * (a provider they do not serve: external; azapi data sources and resource actions) say why.
 */
import { endpointNsg, firstOf, referenceJson } from '../reference';

export interface ClosedWorldCase {
  readonly name: string;
  /** The class. */
  readonly cls: string;
  readonly ruleId: string;
  /** The address the finding names (the same in the configuration and in the plan). */
  readonly address: string;
  readonly edit: (j: any) => void;
  /** Why Terraform core cannot plan it offline (else it is in the planned configuration). */
  readonly notPlanned?: string;
}

const SUB = '00000000-0000-0000-0000-000000000001';
const OWNER = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`;
const CONTRIBUTOR = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;
/** Managed Identity Contributor: a built-in the checklist does not name (judged as the worst case). */
const MI_CONTRIBUTOR = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/e40ec5ca-96e0-45a2-b4ff-59039f2c2b59`;
const GROUP = '44444444-4444-4444-4444-444444444444';

const add = (j: any, type: string, name: string, body: unknown) => {
  j.resource[type] ??= {};
  j.resource[type][name] = body;
};
const ref = (j: any, type: string, attr = 'id', pick?: (v: any) => boolean) =>
  `\${${type}.${(pick ? Object.entries<any>(j.resource[type]).find(([, v]) => pick(v))! : firstOf(j, type))[0]}.${attr}}`;
const rg = (j: any) => ref(j, 'azurerm_resource_group', 'name');
const rgId = (j: any) => ref(j, 'azurerm_resource_group');
const accountName = (j: any) => firstOf(j, 'azurerm_cognitive_account')[1].name as string;
const accountRg = (j: any) => firstOf(j, 'azurerm_resource_group')[1].name as string;
const grant = (scope: string, role: string, principal = GROUP) => ({
  scope,
  role_definition_id: role,
  principal_id: principal,
  principal_type: 'Group',
});
const OPEN_TEMPLATE = JSON.stringify({
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  resources: [
    {
      type: 'Microsoft.CognitiveServices/accounts',
      apiVersion: '2025-06-01',
      name: 'aoai-hardened-dev',
      location: 'swedencentral',
      kind: 'OpenAI',
      sku: { name: 'S0' },
      properties: { publicNetworkAccess: 'Enabled', disableLocalAuth: false },
    },
  ],
});

export const CLOSED_WORLD_CORPUS: ClosedWorldCase[] = [
  // Writers the checklist never read.
  {
    name: 'an ARM template deployment in the resource group reopens public access',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'azurerm_resource_group_template_deployment.reopen',
    edit: (j) =>
      add(j, 'azurerm_resource_group_template_deployment', 'reopen', {
        name: 'reopen',
        resource_group_name: rg(j),
        deployment_mode: 'Incremental',
        template_content: OPEN_TEMPLATE,
      }),
  },
  {
    name: 'a subscription template deployment',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'azurerm_subscription_template_deployment.reopen',
    edit: (j) =>
      add(j, 'azurerm_subscription_template_deployment', 'reopen', {
        name: 'reopen-sub',
        location: 'swedencentral',
        template_content: OPEN_TEMPLATE,
      }),
  },
  {
    name: 'an azapi Microsoft.Resources/deployments with an inline template',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'azapi_resource.arm_deployment',
    edit: (j) =>
      add(j, 'azapi_resource', 'arm_deployment', {
        type: 'Microsoft.Resources/deployments@2024-03-01',
        name: 'reopen',
        parent_id: rgId(j),
        body: { properties: { mode: 'Incremental', template: JSON.parse(OPEN_TEMPLATE) } },
      }),
  },
  {
    name: 'an azapi deployment script that runs az',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'azapi_resource.script',
    edit: (j) =>
      add(j, 'azapi_resource', 'script', {
        type: 'Microsoft.Resources/deploymentScripts@2023-08-01',
        name: 'reopen',
        parent_id: rgId(j),
        location: 'swedencentral',
        body: {
          kind: 'AzureCLI',
          properties: {
            azCliVersion: '2.61.0',
            retentionInterval: 'PT1H',
            scriptContent: `az cognitiveservices account update -g ${accountRg(j)} -n ${accountName(j)} --custom-domain x --api-properties publicNetworkAccess=Enabled`,
          },
        },
      }),
  },
  {
    name: 'an azurerm deployment script (Azure CLI)',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'azurerm_resource_deployment_script_azure_cli.script',
    edit: (j) =>
      add(j, 'azurerm_resource_deployment_script_azure_cli', 'script', {
        name: 'reopen-cli',
        resource_group_name: rg(j),
        location: 'swedencentral',
        version: '2.61.0',
        retention_interval: 'P1D',
        script_content: `az resource update --ids /subscriptions/${SUB}/resourceGroups/${accountRg(j)}/providers/Microsoft.CognitiveServices/accounts/${accountName(j)} --set properties.publicNetworkAccess=Enabled`,
      }),
  },
  {
    name: 'terraform_data with a local-exec provisioner that calls az',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'terraform_data.reopen',
    edit: (j) =>
      add(j, 'terraform_data', 'reopen', {
        input: 'once',
        provisioner: [
          {
            'local-exec': {
              command: `az cognitiveservices account update -g ${accountRg(j)} -n ${accountName(j)} --set properties.publicNetworkAccess=Enabled`,
            },
          },
        ],
      }),
  },
  {
    name: 'a policy assignment with a managed identity (modify / deployIfNotExists can remediate)',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'azurerm_resource_group_policy_assignment.modify',
    edit: (j) =>
      add(j, 'azurerm_resource_group_policy_assignment', 'modify', {
        name: 'modify-public-access',
        resource_group_id: rgId(j),
        // Built-in "Configure Azure AI Services resources to disable local key access" style: a modify policy.
        policy_definition_id:
          '/providers/Microsoft.Authorization/policyDefinitions/14de9e63-1b31-492e-a5a3-c3f7fd57f555',
        location: 'swedencentral',
        identity: { type: 'SystemAssigned' },
      }),
  },
  {
    name: 'a policy remediation task',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'azurerm_resource_group_policy_remediation.run',
    edit: (j) =>
      add(j, 'azurerm_resource_group_policy_remediation', 'run', {
        name: 'run-remediation',
        resource_group_id: rgId(j),
        policy_assignment_id: `/subscriptions/${SUB}/resourceGroups/${accountRg(j)}/providers/Microsoft.Authorization/policyAssignments/modify-public-access`,
      }),
  },
  {
    name: 'a workspace transformation rule that drops the audit rows at ingestion',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'azurerm_monitor_data_collection_rule.drop',
    edit: (j) =>
      add(j, 'azurerm_monitor_data_collection_rule', 'drop', {
        name: 'dcr-drop',
        resource_group_name: rg(j),
        location: 'swedencentral',
        kind: 'WorkspaceTransforms',
        destinations: {
          log_analytics: [{ name: 'ws', workspace_resource_id: ref(j, 'azurerm_log_analytics_workspace') }],
        },
        data_flow: [
          {
            streams: ['Microsoft-Table-AzureDiagnostics'],
            destinations: ['ws'],
            transform_kql: "source | where Category != 'Audit'",
          },
        ],
      }),
  },
  {
    name: 'the workspace names a transformation rule this input does not show',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'azurerm_log_analytics_workspace.AzureOpenAI_Monitoring_Workspace_93C4F607',
    edit: (j) => {
      firstOf(j, 'azurerm_log_analytics_workspace')[1].data_collection_rule_id =
        `/subscriptions/${SUB}/resourceGroups/rg-platform/providers/Microsoft.Insights/dataCollectionRules/dcr-transform`;
    },
  },
  {
    name: 'a type nobody listed (an Automation runbook) in a configuration with the account',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'azurerm_automation_runbook.reopen',
    edit: (j) =>
      add(j, 'azurerm_automation_runbook', 'reopen', {
        name: 'reopen',
        location: 'swedencentral',
        resource_group_name: rg(j),
        automation_account_name: 'aa-platform',
        runbook_type: 'PowerShell',
        log_progress: false,
        log_verbose: false,
        content: 'Update-AzCognitiveServicesAccount -PublicNetworkAccess Enabled',
      }),
  },
  {
    name: 'an external data source runs a program at every plan',
    cls: 'writers',
    ruleId: 'AOAI-CHK-005',
    address: 'data.external.reopen',
    notPlanned: 'the stubs serve azurerm, azapi and terraform only (no hashicorp/external)',
    edit: (j) => {
      j.data ??= {};
      j.data.external = {
        reopen: { program: ['sh', '-c', 'az cognitiveservices account update ...; echo {}'] },
      };
    },
  },
  // Permissions judged by effect.
  {
    name: 'a custom role with accounts/*/write on the account (writes the filter policies and deployments)',
    cls: 'permissions',
    ruleId: 'AOAI-IAM-003',
    address: 'azurerm_role_assignment.wildcard',
    edit: (j) => {
      add(j, 'azurerm_role_definition', 'wildcard', {
        name: 'aoai-children-writer',
        scope: rgId(j),
        permissions: [{ actions: ['Microsoft.CognitiveServices/accounts/*/write'], not_actions: [] }],
      });
      add(j, 'azurerm_role_assignment', 'wildcard', {
        scope: ref(j, 'azurerm_cognitive_account'),
        role_definition_id: '${azurerm_role_definition.wildcard.role_definition_resource_id}',
        principal_id: GROUP,
        principal_type: 'Group',
      });
    },
  },
  {
    name: 'a custom role * minus the four operations the checklist used to look for, on the resource group',
    cls: 'permissions',
    ruleId: 'AOAI-IAM-003',
    address: 'azurerm_role_assignment.star',
    edit: (j) => {
      add(j, 'azurerm_role_definition', 'star', {
        name: 'almost-owner',
        scope: rgId(j),
        permissions: [
          {
            actions: ['*'],
            not_actions: [
              'Microsoft.CognitiveServices/accounts/write',
              'Microsoft.CognitiveServices/accounts/listKeys/action',
              'Microsoft.CognitiveServices/accounts/regenerateKey/action',
              'Microsoft.Authorization/roleAssignments/write',
            ],
          },
        ],
      });
      add(j, 'azurerm_role_assignment', 'star', {
        scope: rgId(j),
        role_definition_id: '${azurerm_role_definition.star.role_definition_resource_id}',
        principal_id: GROUP,
        principal_type: 'Group',
      });
    },
  },
  {
    name: 'Owner on the endpoint NSG',
    cls: 'permissions',
    ruleId: 'AOAI-IAM-003',
    address: 'azurerm_role_assignment.nsg_owner',
    edit: (j) =>
      add(j, 'azurerm_role_assignment', 'nsg_owner', grant(ref(j, 'azurerm_network_security_group'), OWNER)),
  },
  {
    name: 'Contributor on the workspace',
    cls: 'permissions',
    ruleId: 'AOAI-IAM-003',
    address: 'azurerm_role_assignment.workspace_contributor',
    edit: (j) =>
      add(
        j,
        'azurerm_role_assignment',
        'workspace_contributor',
        grant(ref(j, 'azurerm_log_analytics_workspace'), CONTRIBUTOR),
      ),
  },
  {
    name: 'Managed Identity Contributor on the workload identity',
    cls: 'permissions',
    ruleId: 'AOAI-IAM-003',
    address: 'azurerm_role_assignment.identity_contributor',
    edit: (j) =>
      add(
        j,
        'azurerm_role_assignment',
        'identity_contributor',
        grant(ref(j, 'azurerm_user_assigned_identity'), MI_CONTRIBUTOR),
      ),
  },
  {
    name: 'a federated credential lets an outside repository act as the workload identity',
    cls: 'permissions',
    ruleId: 'AOAI-IAM-006',
    address: 'azurerm_federated_identity_credential.outside',
    edit: (j) =>
      add(j, 'azurerm_federated_identity_credential', 'outside', {
        name: 'github-outside',
        resource_group_name: rg(j),
        parent_id: ref(j, 'azurerm_user_assigned_identity'),
        audience: ['api://AzureADTokenExchange'],
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:someone-else/fork:ref:refs/heads/main',
      }),
  },
  {
    name: 'an azapi custom role with a wildcard, granted on the account',
    cls: 'permissions',
    ruleId: 'AOAI-IAM-003',
    address: 'azurerm_role_assignment.azapi_role',
    edit: (j) => {
      add(j, 'azapi_resource', 'azapi_role', {
        type: 'Microsoft.Authorization/roleDefinitions@2022-04-01',
        name: '99999999-9999-4999-8999-999999999999',
        parent_id: rgId(j),
        body: {
          properties: {
            roleName: 'aoai-rai-editor',
            assignableScopes: [rgId(j)],
            permissions: [
              { actions: ['Microsoft.CognitiveServices/accounts/raiPolicies/*'], notActions: [] },
            ],
          },
        },
      });
      add(j, 'azurerm_role_assignment', 'azapi_role', {
        scope: ref(j, 'azurerm_cognitive_account'),
        role_definition_id: '${azapi_resource.azapi_role.id}',
        principal_id: GROUP,
        principal_type: 'Group',
      });
    },
  },
  // The account recognised as itself.
  {
    name: 'Owner on the account by its literal ARM ID in upper case',
    cls: 'resolution',
    ruleId: 'AOAI-IAM-003',
    address: 'azurerm_role_assignment.literal_id',
    edit: (j) =>
      add(
        j,
        'azurerm_role_assignment',
        'literal_id',
        grant(
          `/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/${accountRg(j).toUpperCase()}/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/${accountName(j).toUpperCase()}`,
          OWNER,
        ),
      ),
  },
  {
    name: 'Owner on the account read through data.azapi_resource',
    cls: 'resolution',
    ruleId: 'AOAI-IAM-003',
    address: 'azurerm_role_assignment.via_data',
    notPlanned: 'the azapi stub serves resources, not data sources',
    edit: (j) => {
      j.data ??= {};
      j.data.azapi_resource = {
        acct: {
          type: 'Microsoft.CognitiveServices/accounts@2025-06-01',
          name: accountName(j),
          parent_id: `/subscriptions/${SUB}/resourceGroups/${accountRg(j)}`,
        },
      };
      add(j, 'azurerm_role_assignment', 'via_data', grant('${data.azapi_resource.acct.id}', OWNER));
    },
  },
  // Template directives are expressions.
  {
    name: 'Owner on a scope written as a %{ if } template',
    cls: 'templates',
    ruleId: 'AOAI-IAM-003',
    address: 'azurerm_role_assignment.directive',
    edit: (j) =>
      add(
        j,
        'azurerm_role_assignment',
        'directive',
        grant(
          `%{ if true }/subscriptions/${SUB}%{ else }/subscriptions/${SUB}/resourceGroups/rg-other%{ endif }`,
          OWNER,
        ),
      ),
  },
  // Matching by name only.
  {
    name: "the endpoint NSG's deny-all moved to an NSG of the same name in another resource group",
    cls: 'matching',
    ruleId: 'AOAI-NET-009',
    address: 'azurerm_network_security_group.AzureOpenAI_Networking_EndpointNsg_20F86554',
    edit: (j) => {
      const [key, deny] = Object.entries<any>(j.resource.azurerm_network_security_rule).find(
        ([, r]) => r.access === 'Deny',
      )!;
      delete j.resource.azurerm_network_security_rule[key];
      const nsg = endpointNsg(j)[1];
      add(j, 'azurerm_network_security_rule', 'deny_elsewhere', {
        ...deny,
        network_security_group_name: nsg.name,
        resource_group_name: 'rg-elsewhere',
        lifecycle: undefined,
      });
    },
  },
  {
    name: 'a second Defender for AI plan sets Free',
    cls: 'singletons',
    ruleId: 'AOAI-MON-011',
    address: 'azurerm_security_center_subscription_pricing.second',
    edit: (j) =>
      add(j, 'azurerm_security_center_subscription_pricing', 'second', { tier: 'Free', resource_type: 'AI' }),
  },
  // Properties not judged before.
  {
    name: 'the workspace purges its data after 30 days',
    cls: 'properties',
    ruleId: 'AOAI-MON-002',
    address: 'azurerm_log_analytics_workspace.AzureOpenAI_Monitoring_Workspace_93C4F607',
    edit: (j) => {
      firstOf(j, 'azurerm_log_analytics_workspace')[1].immediate_data_purge_on_30_days_enabled = true;
    },
  },
  {
    name: 'the token alert reads TokenTransaction of another namespace',
    cls: 'properties',
    ruleId: 'AOAI-MON-008',
    address: 'azurerm_monitor_metric_alert.AzureOpenAI_Monitoring_MetricAlert-token-consumption_2362871E',
    edit: (j) => {
      const alert = Object.values<any>(j.resource.azurerm_monitor_metric_alert).find(
        (a) => a.criteria[0].metric_name === 'TokenTransaction',
      );
      alert.criteria[0].metric_namespace = 'Microsoft.MachineLearningServices/workspaces';
    },
  },
  {
    name: 'an A record in the privatelink zone named by reference',
    cls: 'properties',
    ruleId: 'AOAI-NET-006',
    address: 'azurerm_private_dns_a_record.hijack',
    edit: (j) =>
      add(j, 'azurerm_private_dns_a_record', 'hijack', {
        name: firstOf(j, 'azurerm_cognitive_account')[1].custom_subdomain_name,
        zone_name: ref(
          j,
          'azurerm_private_dns_zone',
          'name',
          (z) => z.name === 'privatelink.openai.azure.com',
        ),
        resource_group_name: rg(j),
        ttl: 10,
        records: ['203.0.113.10'],
      }),
  },
  {
    name: 'an A record written through azapi_resource_action PUT on the privatelink zone',
    cls: 'properties',
    ruleId: 'AOAI-NET-006',
    address: 'azapi_resource_action.record',
    notPlanned: 'the azapi stub serves azapi_resource and azapi_update_resource, not azapi_resource_action',
    edit: (j) =>
      add(j, 'azapi_resource_action', 'record', {
        type: 'Microsoft.Network/privateDnsZones@2024-06-01',
        resource_id: ref(
          j,
          'azurerm_private_dns_zone',
          'id',
          (z) => z.name === 'privatelink.openai.azure.com',
        ),
        action: `A/${firstOf(j, 'azurerm_cognitive_account')[1].custom_subdomain_name}`,
        method: 'PUT',
        body: { properties: { ttl: 10, aRecords: [{ ipv4Address: '203.0.113.10' }] } },
      }),
  },
];

/** The reference stack with every planned case in it: what Terraform core plans for the plan JSON fixture. */
export function closedWorldEvasionsJson(): any {
  const j = referenceJson();
  for (const c of CLOSED_WORLD_CORPUS.filter((x) => !x.notPlanned)) c.edit(j);
  return j;
}
