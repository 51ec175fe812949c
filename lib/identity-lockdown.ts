import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import {
  AccessEntry,
  AccountRole,
  AccountWriteStage,
  GrantPrincipal,
  IOpenAIAccount,
  PrincipalType,
} from './account';
import { azapiProviderFor } from './azapi/provider';
import { AzapiUpdateResource } from './azapi/update-resource';
import { COGNITIVE_API_VERSION } from './azure-facts';
import { OptOut } from './opt-out';
import {
  AZURE_NAME_RULES,
  constructKey,
  fail,
  rejectDuplicates,
  requireNonEmpty,
  rethrowLocated,
  validateAzureName,
} from './validation';

/** A managed identity created for a workload, granted a role on the account. */
export interface WorkloadIdentityOptions {
  /** Identity name, e.g. id-chat-api. */
  readonly name: string;
  /**
   * What the workload may do.
   * @default AccountRole.INVOKE - workloads only invoke models
   */
  readonly role?: AccountRole;
  /**
   * Accept a privileged role for this identity, with a written reason.
   * @default - privileged roles refused
   */
  readonly privilegedRoleOptOut?: OptOut;
}

/** An existing principal (managed identity, service principal, group or user) to grant a role. */
export interface PrincipalGrant {
  /** Readable name for the access summary. */
  readonly displayName: string;
  /** Object (principal) ID, a GUID. */
  readonly principalId: string;
  /** ServicePrincipal, Group or User. */
  readonly principalType: PrincipalType;
  /** What the principal may do: INVOKE for workloads, MANAGE_DEPLOYMENTS for automation, MANAGE_ACCOUNT for admins. */
  readonly role: AccountRole;
  /**
   * Accept a privileged role, or a contributor-level role for a user, with a written reason.
   * @default - refused
   */
  readonly privilegedRoleOptOut?: OptOut;
}

/** Settings of the identity lockdown. */
export interface IdentityLockdownProps {
  /** The account to lock down. */
  readonly account: IOpenAIAccount;
  /**
   * User-assigned managed identities to create for workloads, each granted its role.
   * @default []
   */
  readonly workloadIdentities?: WorkloadIdentityOptions[];
  /**
   * Existing principals to grant roles.
   * @default []
   */
  readonly grants?: PrincipalGrant[];
  /**
   * Resource group for created identities.
   * @default - the account's resource group
   */
  readonly resourceGroupName?: string;
  /**
   * Tags for created identities.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Phase 2, identity and access: Entra ID only (key authentication off, also on imported accounts), managed
 * identities for workloads, and least-privilege role assignments by intent, scoped to the account.
 * It never reads or outputs the account's keys.
 *
 * @example
 * import { App, TerraformStack } from 'cdktf';
 * import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
 * import { AccountRole, IdentityLockdown, OpenAIAccount, PrincipalType } from 'cdktf-azure-openai-hardening';
 *
 * const app = new App();
 * const stack = new TerraformStack(app, 'aoai');
 * new AzurermProvider(stack, 'azurerm', { features: [{}] });
 * const account = new OpenAIAccount(stack, 'Account', {
 *   name: 'aoai-prod-swc', resourceGroupName: 'rg-aoai-prod', location: 'swedencentral',
 *   deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
 * });
 * new IdentityLockdown(stack, 'Identity', {
 *   account,
 *   workloadIdentities: [{ name: 'id-chat-api' }],
 *   grants: [{ displayName: 'ml-engineers', principalId: '33333333-3333-3333-3333-333333333333', principalType: PrincipalType.GROUP, role: AccountRole.MANAGE_DEPLOYMENTS }],
 * });
 */
export class IdentityLockdown extends Construct {
  /** The identities created for workloads, by name. */
  public readonly workloadIdentities: Record<string, UserAssignedIdentity> = {};
  /** The role assignments made here. */
  public readonly roleAssignments: RoleAssignment[] = [];
  private readonly account: IOpenAIAccount;

  constructor(scope: Construct, id: string, props: IdentityLockdownProps) {
    super(scope, id);
    try {
      this.account = props.account;
      const workloads = props.workloadIdentities ?? [];
      workloads.forEach((w, i) =>
        validateAzureName(`workloadIdentities[${i}].name`, w.name, AZURE_NAME_RULES.userAssignedIdentity),
      );
      rejectDuplicates('workloadIdentities', workloads, (w) => w.name, 'Name each identity once.', true);
      if (!props.account.managedInThisStack) this.disableLocalAuth(props.account);
      const rg = props.resourceGroupName ?? props.account.resourceGroupName;
      workloads.forEach((workload, i) => this.addWorkloadIdentity(workload, i, rg, props.tags));
      (props.grants ?? []).forEach((grant, i) => this.addGrant(grant, i));
    } catch (e) {
      rethrowLocated(e, this);
    }
  }

  /** An account created elsewhere: key authentication switched off through the ARM API. */
  private disableLocalAuth(account: IOpenAIAccount): void {
    azapiProviderFor(this);
    const lockdown = new AzapiUpdateResource(this, 'DisableLocalAuth', {
      type: `Microsoft.CognitiveServices/accounts@${COGNITIVE_API_VERSION}`,
      resourceId: account.accountId,
      body: { properties: { disableLocalAuth: true } },
      locks: [account.accountId],
    });
    account._addAccountWrite(lockdown, AccountWriteStage.LOCKDOWN);
  }

  /** A user-assigned identity for a workload, granted its role (Invoke by default) on the account. */
  private addWorkloadIdentity(
    workload: WorkloadIdentityOptions,
    i: number,
    rg: string,
    tags: { [key: string]: string } | undefined,
  ): void {
    // Construct ID contract: Identity-<name> for a literal name (unchanged), Identity-<index> for a reference.
    const identity = new UserAssignedIdentity(this, `Identity-${constructKey(workload.name, i)}`, {
      name: workload.name,
      resourceGroupName: rg,
      location: this.account.location,
      tags,
    });
    this.workloadIdentities[workload.name] = identity;
    this.roleAssignments.push(
      this.account.grant(
        {
          displayName: workload.name,
          principalId: identity.principalId,
          principalType: PrincipalType.SERVICE_PRINCIPAL,
          createdInSameDeployment: true,
        },
        workload.role ?? AccountRole.INVOKE,
        {
          privilegedRoleOptOut: workload.privilegedRoleOptOut,
          optOutPropertyName: `workloadIdentities[${i}].privilegedRoleOptOut`,
        },
      ),
    );
  }

  /** A grant to an existing principal: its ID, role and type are required. */
  private addGrant(grant: PrincipalGrant, i: number): void {
    requireNonEmpty(
      `grants[${i}].principalId`,
      grant.principalId,
      'Give the object ID of the principal, or use workloadIdentities to create a managed identity.',
    );
    if (!grant.role) {
      fail(
        `grants[${i}].role`,
        grant.role,
        'Choose AccountRole.INVOKE, MANAGE_DEPLOYMENTS or MANAGE_ACCOUNT.',
      );
    }
    if (!grant.principalType) {
      fail(
        `grants[${i}].principalType`,
        grant.principalType,
        'Choose PrincipalType.SERVICE_PRINCIPAL, GROUP or USER.',
      );
    }
    const principal: GrantPrincipal = {
      displayName: grant.displayName,
      principalId: grant.principalId,
      principalType: grant.principalType,
    };
    this.roleAssignments.push(
      this.account.grant(principal, grant.role, {
        privilegedRoleOptOut: grant.privilegedRoleOptOut,
        optOutPropertyName: `grants[${i}].privilegedRoleOptOut`,
      }),
    );
  }

  /** Who has which role on the account (through this package), for reports and reviews. */
  public get accessSummary(): AccessEntry[] {
    return this.account.accessSummary;
  }
}
