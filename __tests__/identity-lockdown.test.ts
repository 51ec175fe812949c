import { AccountRole, IdentityLockdown, IdentityLockdownProps, OpenAIAccount, PrincipalType } from '../lib';
import { newStack, onlyResource, resourcesOf, synthJson } from './helpers';

const GROUP = '22222222-3333-4444-5555-666666666666';

function build(props: Partial<IdentityLockdownProps>, imported = false) {
  const stack = newStack();
  const account = imported
    ? OpenAIAccount.fromAttributes(stack, 'Account', {
        accountId:
          '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/aoai-x',
        customSubdomainName: 'aoai-x',
        location: 'westeurope',
      })
    : new OpenAIAccount(stack, 'Account', {
        name: 'aoai-id',
        resourceGroupName: 'rg',
        location: 'swedencentral',
      });
  const lockdown = new IdentityLockdown(stack, 'Identity', { account, ...props });
  return { lockdown, json: synthJson(stack) };
}

describe('workload identities and grants', () => {
  const { lockdown, json } = build({
    workloadIdentities: [{ name: 'id-chat' }],
    grants: [
      {
        displayName: 'ml-platform-admins',
        principalId: GROUP,
        principalType: PrincipalType.GROUP,
        role: AccountRole.MANAGE_ACCOUNT,
        // Cognitive Services Contributor can re-enable keys and public access: an opt-out (issue 11, class 5).
        privilegedRoleOptOut: { reason: 'platform admins own network settings; reviewed quarterly' },
      },
      {
        displayName: 'deploy-pipeline',
        principalId: '33333333-4444-5555-6666-777777777777',
        principalType: PrincipalType.SERVICE_PRINCIPAL,
        role: AccountRole.MANAGE_DEPLOYMENTS,
      },
    ],
  });
  const assignments = Object.values(resourcesOf(json, 'azurerm_role_assignment')) as any[];
  const guid = (ra: any) => ra.role_definition_id.split('/').pop();
  test('a user-assigned identity per workload', () => {
    expect(onlyResource(json, 'azurerm_user_assigned_identity')).toMatchObject({
      name: 'id-chat',
      resource_group_name: 'rg',
      location: 'swedencentral',
    });
  });
  test('every assignment: role GUID, account scope, principal, principal type', () => {
    const rows = assignments
      .map((ra) => [
        guid(ra),
        ra.principal_type,
        ra.principal_id,
        ra.skip_service_principal_aad_check ?? false,
      ])
      .sort();
    expect(rows).toEqual(
      [
        ['25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68', 'Group', GROUP, false],
        [
          '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd',
          'ServicePrincipal',
          `${'$'}{azurerm_user_assigned_identity.${Object.keys(resourcesOf(json, 'azurerm_user_assigned_identity'))[0]}.principal_id}`,
          true,
        ],
        [
          'a001fd3d-188f-4b5d-821b-7da978bf7442',
          'ServicePrincipal',
          '33333333-4444-5555-6666-777777777777',
          false,
        ],
      ].sort(),
    );
    for (const ra of assignments) {
      expect(ra.scope).toBe('${azurerm_cognitive_account.Account_0D856946.id}');
      expect(ra.role_definition_id).toMatch(
        /^\$\{join\("\/", slice\(split\("\/", azurerm_cognitive_account\.Account_0D856946\.id\), 0, 3\)\)\}\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/,
      );
    }
  });
  test('the access summary lists who has what', () => {
    expect(lockdown.accessSummary.map((a) => `${a.displayName}:${a.roleName}:${a.principalType}`)).toEqual([
      'id-chat:Cognitive Services OpenAI User:ServicePrincipal',
      'ml-platform-admins:Cognitive Services Contributor:Group',
      'deploy-pipeline:Cognitive Services OpenAI Contributor:ServicePrincipal',
    ]);
  });
  test('no output or attribute carries a key', () => {
    expect(JSON.stringify(json)).not.toMatch(/access_key|primary_key|secondary_key|listKeys/i);
    expect(json.output).toBeUndefined();
  });
});

describe('imported account', () => {
  test('key authentication is switched off through azapi', () => {
    const { json } = build({}, true);
    const update = onlyResource(json, 'azapi_update_resource');
    expect(update.type).toBe('Microsoft.CognitiveServices/accounts@2025-06-01');
    expect(update.body).toEqual({ properties: { disableLocalAuth: true } });
    expect(update.resource_id).toMatch(/accounts\/aoai-x$/);
  });
});

describe('refused grants and bad input', () => {
  const owner = AccountRole.fromRoleDefinitionGuid('8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
  test('a privileged role names principal, role and fix', () => {
    expect(() =>
      build({
        grants: [{ displayName: 'ops', principalId: GROUP, principalType: PrincipalType.GROUP, role: owner }],
      }),
    ).toThrow(
      /grants\[ops\].role: invalid value "Owner". Refused: .*Grant AccountRole.INVOKE .* or pass grants\[0\]\.privilegedRoleOptOut with a reason/,
    );
  });
  test('an opted-out privileged grant is recorded with its reason', () => {
    const { json } = build({
      grants: [
        {
          displayName: 'ops',
          principalId: GROUP,
          principalType: PrincipalType.GROUP,
          role: owner,
          privilegedRoleOptOut: { reason: 'break-glass group, reviewed quarterly' },
        },
      ],
    });
    expect(
      onlyResource(json, 'terraform_data').input.exemptions.map((e: any) => [e.rule_id, e.reason]),
    ).toEqual([
      ['AOAI-IAM-003', 'break-glass group, reviewed quarterly'],
      ['AOAI-IAM-004', 'break-glass group, reviewed quarterly'],
    ]);
  });
  test.each([
    [
      'a principal ID that is not a GUID',
      {
        displayName: 'x',
        principalId: 'not-a-guid',
        principalType: PrincipalType.GROUP,
        role: AccountRole.INVOKE,
      },
      /grants\[x\].principalId: invalid value "not-a-guid"/,
    ],
    [
      'a missing principal',
      { displayName: 'x', principalId: '', principalType: PrincipalType.GROUP, role: AccountRole.INVOKE },
      /grants\[0\].principalId: invalid value "".*workloadIdentities/,
    ],
  ])('%s', (_l, grant, message) => {
    expect(() => build({ grants: [grant as any] })).toThrow(message);
  });
  test('an unknown role intent', () =>
    expect(() => AccountRole.of('superuser')).toThrow(
      /role: invalid value "superuser". Use one of: invoke, manage-deployments/,
    ));
  test('a duplicate grant', () => {
    const g = {
      displayName: 'app',
      principalId: GROUP,
      principalType: PrincipalType.GROUP,
      role: AccountRole.INVOKE,
    };
    expect(() => build({ grants: [g, g] })).toThrow(/already has Cognitive Services OpenAI User/);
  });
});
