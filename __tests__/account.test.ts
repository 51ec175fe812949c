import { AccountKind, AccountRole, OpenAIAccount, OpenAIAccountProps, PrincipalType } from '../lib';
import { newStack, onlyResource, resourcesOf, synthJson } from './helpers';
import { runChecks } from '../lib/checklist/engine';
import { loadModel } from '../lib/checklist/model';

const base: OpenAIAccountProps = {
  name: 'aoai-test',
  resourceGroupName: 'rg-test',
  location: 'swedencentral',
};
const GPT = { name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' };

function synthAccount(props: Partial<OpenAIAccountProps> = {}) {
  const stack = newStack();
  const account = new OpenAIAccount(stack, 'Account', { ...base, ...props });
  return { account, json: synthJson(stack) };
}

describe('OpenAIAccount hardened defaults', () => {
  const { json } = synthAccount({ deployments: [GPT] });
  const acct = onlyResource(json, 'azurerm_cognitive_account');

  test('public network access is disabled', () => expect(acct.public_network_access_enabled).toBe(false));
  test('local (API key) authentication is disabled', () => expect(acct.local_auth_enabled).toBe(false));
  test('network ACL denies by default, bypass None, no IP or VNet rules', () => {
    expect(acct.network_acls).toEqual({
      default_action: 'Deny',
      bypass: 'None',
      ip_rules: [],
      virtual_network_rules: [],
    });
  });
  test('outbound access is restricted with an empty FQDN allowlist', () => {
    expect(acct.outbound_network_access_restricted).toBe(true);
    expect(acct.fqdns).toEqual([]);
  });
  test('custom subdomain defaults to the account name', () =>
    expect(acct.custom_subdomain_name).toBe('aoai-test'));
  test('kind OpenAI, SKU S0', () => {
    expect(acct.kind).toBe('OpenAI');
    expect(acct.sku_name).toBe('S0');
  });
  test('system-assigned managed identity', () => expect(acct.identity).toEqual({ type: 'SystemAssigned' }));
  test('postconditions fail an apply that turns public access, key auth or the ACL back on', () => {
    const conditions = acct.lifecycle.postcondition.map((p: any) => p.condition);
    expect(conditions).toEqual([
      '${self.public_network_access_enabled == false}',
      '${self.local_auth_enabled == false}',
      '${self.network_acls[0].default_action == "Deny"}',
    ]);
  });
  test('deletion protection by default: prevent_destroy, and no ARM lock (it would block day-2 deletes below the account)', () => {
    expect(acct.lifecycle.prevent_destroy).toBe(true);
    expect(resourcesOf(json, 'azurerm_management_lock')).toEqual({});
  });
  test('managementLock opts in to a CanNotDelete lock, applied after every other write on the account', () => {
    const { json: locked } = synthAccount({ managementLock: true, deployments: [GPT] });
    const lock = onlyResource(locked, 'azurerm_management_lock');
    expect(lock.lock_level).toBe('CanNotDelete');
    expect(lock.scope).toBe('${azurerm_cognitive_account.Account_0D856946.id}');
    // Created last, so Terraform removes it first on destroy (before the deployment it would otherwise block).
    expect(lock.depends_on).toEqual([expect.stringMatching(/^azurerm_cognitive_deployment\./)]);
  });
  test('no key attribute is referenced anywhere', () => {
    expect(JSON.stringify(json)).not.toMatch(/access_key|primary_key|secondary_key/);
  });
});

describe('deployments', () => {
  const { json } = synthAccount({
    deployments: [
      GPT,
      {
        name: 'embed',
        modelName: 'text-embedding-3-large',
        modelVersion: '1',
        skuName: 'GlobalStandard',
        capacity: 50,
      },
    ],
  });
  const deployments = resourcesOf(json, 'azurerm_cognitive_deployment');
  const gpt = Object.values(deployments).find((d: any) => d.name === 'gpt-4o') as any;
  const embed = Object.values(deployments).find((d: any) => d.name === 'embed') as any;

  test('pinned model version and no automatic upgrades', () => {
    expect(gpt.model).toEqual({ format: 'OpenAI', name: 'gpt-4o', version: '2024-08-06' });
    expect(gpt.version_upgrade_option).toBe('NoAutoUpgrade');
    expect(embed.version_upgrade_option).toBe('NoAutoUpgrade');
  });
  test('upgradeOnRetirement: OnceCurrentVersionExpired (pinned until retirement), accepted by AOAI-CFP-005', () => {
    const { json: retiring } = synthAccount({ deployments: [{ ...GPT, upgradeOnRetirement: true }] });
    const d = Object.values<any>(resourcesOf(retiring, 'azurerm_cognitive_deployment'))[0];
    expect(d.version_upgrade_option).toBe('OnceCurrentVersionExpired');
    const cfp5 = (j: any) =>
      runChecks(loadModel(j), { today: '2026-12-07' }).findings.find((f) => f.ruleId === 'AOAI-CFP-005')!;
    expect(cfp5(retiring)).toMatchObject({
      status: 'compliant',
      message: 'version 2024-08-06, upgraded only when it retires',
    });
    // Negative: upgrading whenever a new default appears is still flagged.
    const weak = structuredClone(retiring);
    Object.values<any>(weak.resource.azurerm_cognitive_deployment)[0].version_upgrade_option =
      'OnceNewDefaultVersionAvailable';
    expect(cfp5(weak).status).toBe('non-compliant');
  });
  test('an explicit RAI policy name (the fallback, flagged by the checklist, when no policy is bound)', () => {
    expect(gpt.rai_policy_name).toBe('Microsoft.DefaultV2');
  });
  test('regional Standard SKU and capacity 10 by default; explicit values kept', () => {
    expect(gpt.sku).toEqual({ name: 'Standard', capacity: 10 });
    expect(embed.sku).toEqual({ name: 'GlobalStandard', capacity: 50 });
  });
  test('deployments are chained so no two are created in parallel', () => {
    const gptKey = Object.keys(deployments).find((k) => deployments[k].name === 'gpt-4o');
    expect(gpt.depends_on).toBeUndefined();
    expect(embed.depends_on).toEqual([`azurerm_cognitive_deployment.${gptKey}`]);
  });
});

describe('opt-outs weaken only with a reason, and are recorded', () => {
  test('public access opt-out turns access on, drops its postcondition and is recorded', () => {
    const { json } = synthAccount({
      publicNetworkAccessOptOut: { reason: 'lab subscription without a VNet, torn down nightly' },
    });
    const acct = onlyResource(json, 'azurerm_cognitive_account');
    expect(acct.public_network_access_enabled).toBe(true);
    expect(acct.lifecycle.postcondition.map((p: any) => p.condition)).not.toContain(
      '${self.public_network_access_enabled == false}',
    );
    const record = onlyResource(json, 'terraform_data').input;
    expect(record.exemptions).toEqual([
      {
        address: 'azurerm_cognitive_account.Account_0D856946',
        rule_id: 'AOAI-NET-001',
        kind: 'opt-out',
        // The construct that wrote it: the report lists every exemption with its author.
        author: 'test/Account/Resource',
        property: 'publicNetworkAccessOptOut',
        reason: 'lab subscription without a VNet, torn down nightly',
      },
    ]);
  });
  test('IP rules need ipRulesOptOut', () => {
    // 20.50.1.10: a public address (203.0.113.0/24 is documentation space, now refused as special-purpose).
    expect(() => synthAccount({ allowedIpRules: ['20.50.1.10'] })).toThrow(
      /allowedIpRules: invalid value \["20.50.1.10"\].*ipRulesOptOut/,
    );
    const { json } = synthAccount({
      allowedIpRules: ['20.50.1.10'],
      ipRulesOptOut: { reason: 'partner egress IP during migration' },
    });
    expect(onlyResource(json, 'azurerm_cognitive_account').network_acls.ip_rules).toEqual(['20.50.1.10']);
  });
  test('private and /32 IP rules are refused even with an opt-out', () => {
    const optOut = { reason: 'partner egress IP during migration' };
    expect(() => synthAccount({ allowedIpRules: ['10.1.2.3'], ipRulesOptOut: optOut })).toThrow(
      /allowedIpRules\[0\].*private \(RFC 1918\).*private endpoint/,
    );
    expect(() => synthAccount({ allowedIpRules: ['203.0.113.10/32'], ipRulesOptOut: optOut })).toThrow(
      /allowedIpRules\[0\].*\/31 or \/32/,
    );
  });
  test('local auth, bypass and outbound opt-outs each flip exactly their property', () => {
    const reason = { reason: 'legacy client migrating to Entra ID by Q3' };
    expect(
      onlyResource(synthAccount({ localAuthOptOut: reason }).json, 'azurerm_cognitive_account')
        .local_auth_enabled,
    ).toBe(true);
    expect(
      onlyResource(synthAccount({ trustedServicesBypassOptOut: reason }).json, 'azurerm_cognitive_account')
        .network_acls.bypass,
    ).toBe('AzureServices');
    expect(
      onlyResource(synthAccount({ unrestrictedOutboundOptOut: reason }).json, 'azurerm_cognitive_account')
        .outbound_network_access_restricted,
    ).toBe(false);
  });
  test('an opt-out without a real reason is refused', () => {
    expect(() => synthAccount({ localAuthOptOut: { reason: 'test' } })).toThrow(
      /localAuthOptOut.reason: invalid value "test".*at least 10 characters/,
    );
    expect(() => synthAccount({ localAuthOptOut: { reason: '' } })).toThrow(/localAuthOptOut.reason/);
  });
});

describe('bad input fails at synth, naming field, value and fix', () => {
  test.each([
    [
      'malformed subdomain',
      { customSubdomainName: 'Bad_Name' },
      /customSubdomainName: invalid value "Bad_Name".*lower-case letters/,
    ],
    [
      'too-long subdomain',
      { customSubdomainName: 'a'.repeat(65) },
      /customSubdomainName: .*2 to 64 characters \(got 65\)/,
    ],
    [
      'subdomain ending with a hyphen',
      { customSubdomainName: 'aoai-' },
      /customSubdomainName: invalid value "aoai-"/,
    ],
    [
      'account name with an underscore',
      { name: 'aoai_test' },
      /name: invalid value "aoai_test". Use 2-64 characters .*letters, digits and hyphens/,
    ],
    ['unknown SKU', { skuName: 'S9' }, /skuName: invalid value "S9".*S0/],
    [
      'bad outbound FQDN',
      { allowedOutboundFqdns: ['not a host'] },
      /allowedOutboundFqdns\[0\]: invalid value "not a host"/,
    ],
  ])('%s', (_label, props, message) => {
    expect(() => synthAccount(props as Partial<OpenAIAccountProps>)).toThrow(message);
  });
  test('unknown kind', () =>
    expect(() => AccountKind.of('ComputerVision')).toThrow(
      /kind: invalid value "ComputerVision".*"OpenAI" or "AIServices"/,
    ));
  test('deployment without a model version', () => {
    expect(() => synthAccount({ deployments: [{ ...GPT, modelVersion: '' }] })).toThrow(
      /deployments\[gpt-4o\].modelVersion: invalid value "".*Pin the model version/,
    );
  });
  test('two deployments with the same name', () => {
    expect(() => synthAccount({ deployments: [GPT, GPT] })).toThrow(
      /deployments\[1\]: invalid value "gpt-4o". Duplicate of deployments\[0\].*unique/,
    );
  });
  test('unknown deployment SKU and bad capacity', () => {
    expect(() => synthAccount({ deployments: [{ ...GPT, skuName: 'Premium' }] })).toThrow(
      /deployments\[gpt-4o\].skuName: invalid value "Premium"/,
    );
    expect(() => synthAccount({ deployments: [{ ...GPT, capacity: 0 }] })).toThrow(
      /deployments\[gpt-4o\].capacity: invalid value 0/,
    );
  });
});

describe('AIServices kind', () => {
  test('kind AIServices with its endpoint domain and three DNS zones', () => {
    const { account, json } = synthAccount({ kind: AccountKind.AI_SERVICES });
    expect(onlyResource(json, 'azurerm_cognitive_account').kind).toBe('AIServices');
    expect(account.endpoint).toBe('https://aoai-test.services.ai.azure.com/');
    expect(AccountKind.AI_SERVICES.privateDnsZoneNames).toEqual([
      'privatelink.openai.azure.com',
      'privatelink.cognitiveservices.azure.com',
      'privatelink.services.ai.azure.com',
    ]);
  });
});

describe('fromAttributes', () => {
  const id =
    '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/aoai-existing';
  test('imports an account by ID and derives name and resource group', () => {
    const stack = newStack();
    const imported = OpenAIAccount.fromAttributes(stack, 'Imported', {
      accountId: id,
      customSubdomainName: 'aoai-existing',
      location: 'westeurope',
    });
    expect(imported.accountName).toBe('aoai-existing');
    expect(imported.resourceGroupName).toBe('rg-x');
    expect(imported.managedInThisStack).toBe(false);
    imported.addDeployment(GPT);
    const json = synthJson(stack);
    expect(onlyResource(json, 'azurerm_cognitive_deployment').cognitive_account_id).toBe(id);
  });
  test('refuses an ID that is not a cognitive account ID', () => {
    expect(() =>
      OpenAIAccount.fromAttributes(newStack(), 'X', {
        accountId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/x',
        customSubdomainName: 'x1',
        location: 'westeurope',
      }),
    ).toThrow(/accountId: invalid value .*Microsoft.CognitiveServices\/accounts resource ID/);
  });
});

describe('grants', () => {
  const principal = {
    principalId: '11111111-2222-3333-4444-555555555555',
    principalType: PrincipalType.SERVICE_PRINCIPAL,
    displayName: 'chat-api',
  };
  test('grantInvoke: OpenAI User GUID, subscription-scoped definition ID, account scope, explicit principal type', () => {
    const stack = newStack();
    const account = new OpenAIAccount(stack, 'Account', base);
    account.grantInvoke(principal);
    const ra = onlyResource(synthJson(stack), 'azurerm_role_assignment');
    expect(ra.scope).toBe('${azurerm_cognitive_account.Account_0D856946.id}');
    expect(ra.role_definition_id).toBe(
      '${join("/", slice(split("/", azurerm_cognitive_account.Account_0D856946.id), 0, 3))}/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd',
    );
    expect(ra.principal_id).toBe(principal.principalId);
    expect(ra.principal_type).toBe('ServicePrincipal');
    expect(ra.skip_service_principal_aad_check).toBeUndefined();
  });
  test('intents map to the right GUIDs (the guide mislabels a001fd3d)', () => {
    expect(AccountRole.INVOKE.roleDefinitionGuid).toBe('5e0bd9bd-7b93-4f28-af87-19fc36ad61bd');
    expect(AccountRole.MANAGE_DEPLOYMENTS.roleDefinitionGuid).toBe('a001fd3d-188f-4b5d-821b-7da978bf7442');
    expect(AccountRole.MANAGE_DEPLOYMENTS.roleName).toBe('Cognitive Services OpenAI Contributor');
    expect(AccountRole.MANAGE_ACCOUNT.roleDefinitionGuid).toBe('25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68');
  });
  test('privileged roles are refused without an opt-out, accepted and recorded with one', () => {
    const owner = AccountRole.fromRoleDefinitionGuid('8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
    const stack = newStack();
    const account = new OpenAIAccount(stack, 'Account', base);
    expect(() => account.grant(principal, owner)).toThrow(
      /grants\[chat-api\].role: invalid value "Owner".*Refused/,
    );
    expect(() =>
      account.grant(principal, AccountRole.fromRoleDefinitionGuid('a97b65f3-24c7-4388-baec-2e87135dc908')),
    ).toThrow(/"Cognitive Services User".*Refused/);
    account.grant(principal, owner, {
      privilegedRoleOptOut: { reason: 'break-glass account for the platform team' },
    });
    const record = onlyResource(synthJson(stack), 'terraform_data').input;
    expect(record.exemptions.map((e: any) => e.rule_id)).toEqual(['AOAI-IAM-003', 'AOAI-IAM-004']);
    expect(account.accessSummary[0]).toMatchObject({
      roleName: 'Owner',
      optOutReason: 'break-glass account for the platform team',
    });
  });
  test('a user with a contributor-level role is refused', () => {
    const account = new OpenAIAccount(newStack(), 'Account', base);
    expect(() => account.grantManageDeployments({ ...principal, principalType: PrincipalType.USER })).toThrow(
      /individual users should not hold contributor-level roles/,
    );
  });
  test('a principal ID that is not a GUID, and a duplicate grant, are refused', () => {
    const account = new OpenAIAccount(newStack(), 'Account', base);
    expect(() => account.grantInvoke({ ...principal, principalId: 'chat-api' })).toThrow(
      /grants\[chat-api\].principalId: invalid value "chat-api".*GUID/,
    );
    account.grantInvoke(principal);
    expect(() => account.grantInvoke(principal)).toThrow(/already has Cognitive Services OpenAI User/);
  });
});
