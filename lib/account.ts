import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';
import { CognitiveDeployment } from '@cdktf/provider-azurerm/lib/cognitive-deployment';
import { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Fn, ITerraformDependable, Lazy, Op, TerraformResource, dependable } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import {
  CONTRIBUTOR_LEVEL_ROLE_GUIDS,
  PRIVATE_DNS_ZONES,
  PRIVILEGED_ROLE_GUIDS,
  ROLE_GUIDS,
  ROLE_NAMES,
} from './azure-facts';
import { HardeningRecord } from './hardening-record';
import { withHclOutput } from './hcl';
import { OptOut, validateOptOut } from './opt-out';
import { capacityGuardCondition } from './record-format';
import {
  AZURE_NAME_RULES,
  MAX_DEPLOYMENT_CAPACITY,
  constructKey,
  defaultSubdomain,
  fail,
  isListToken,
  isUnresolved,
  literalElements,
  rejectDuplicates,
  requireNonEmpty,
  rethrowLocated,
  validateAzureName,
  validateGuid,
  validateIntegerRange,
  validateLocation,
  validateModelVersion,
  validatePrincipalId,
  validatePublicIpRule,
  validateResourceId,
  validateSubdomain,
} from './validation';

/** The account, with its lifecycle conditions valid in HCL output too (lib/hcl.ts). */
const GuardedCognitiveAccount = withHclOutput(CognitiveAccount);

/** The kind of cognitive account. Enum-like: use the static members, or `AccountKind.of` for config input. */
export class AccountKind {
  /** Azure OpenAI (endpoint https://<subdomain>.openai.azure.com/). */
  public static readonly OPENAI = new AccountKind('OpenAI', [
    PRIVATE_DNS_ZONES.OPENAI,
    PRIVATE_DNS_ZONES.COGNITIVE_SERVICES,
  ]);
  /** Azure AI Services / Foundry (a superset that also serves OpenAI models). */
  public static readonly AI_SERVICES = new AccountKind('AIServices', [
    PRIVATE_DNS_ZONES.OPENAI,
    PRIVATE_DNS_ZONES.COGNITIVE_SERVICES,
    PRIVATE_DNS_ZONES.AI_SERVICES,
  ]);

  /** Parse a kind from configuration; unknown kinds are refused. */
  public static of(value: string): AccountKind {
    const kind = [AccountKind.OPENAI, AccountKind.AI_SERVICES].find((k) => k.value === value);
    return kind ?? fail('kind', value, 'Use "OpenAI" or "AIServices" (exact spelling).');
  }

  private constructor(
    /** The `kind` argument of azurerm_cognitive_account. */
    public readonly value: string,
    /** Private DNS zones the `account` private endpoint needs for this kind. */
    public readonly privateDnsZoneNames: string[],
  ) {}
}

/** How Azure should treat a principal. Enum-like. */
export class PrincipalType {
  /** A managed identity or an application's service principal. */
  public static readonly SERVICE_PRINCIPAL = new PrincipalType('ServicePrincipal');
  /** An Entra ID group. */
  public static readonly GROUP = new PrincipalType('Group');
  /** An individual user. */
  public static readonly USER = new PrincipalType('User');

  /** Parse a principal type from configuration. */
  public static of(value: string): PrincipalType {
    const t = [PrincipalType.SERVICE_PRINCIPAL, PrincipalType.GROUP, PrincipalType.USER].find(
      (p) => p.value === value,
    );
    return t ?? fail('principalType', value, 'Use "ServicePrincipal", "Group" or "User".');
  }

  private constructor(/** The `principal_type` value. */ public readonly value: string) {}
}

/** A principal that can be granted access to the account. */
export interface GrantPrincipal {
  /** Object (principal) ID: a GUID, or a reference to an identity created in the same stack. */
  readonly principalId: string;
  /** What kind of principal it is; set explicitly so ABAC-constrained deployers and audits see it. */
  readonly principalType: PrincipalType;
  /** A readable name for reports, e.g. "chat-api workload". */
  readonly displayName: string;
  /**
   * The identity is created in the same deployment: skip the Entra ID existence check, which fails
   * during replication lag. Only valid for service principals.
   * @default false
   */
  readonly createdInSameDeployment?: boolean;
}

/** What a principal may do on the account. Enum-like: grant by intent, not by GUID. */
export class AccountRole {
  /** Invoke models (chat, completions, embeddings): Cognitive Services OpenAI User. For workloads. */
  public static readonly INVOKE = new AccountRole('invoke', ROLE_GUIDS.COGNITIVE_SERVICES_OPENAI_USER);
  /** Manage deployments and RAI policies, and invoke: Cognitive Services OpenAI Contributor. For automation. */
  public static readonly MANAGE_DEPLOYMENTS = new AccountRole(
    'manage-deployments',
    ROLE_GUIDS.COGNITIVE_SERVICES_OPENAI_CONTRIBUTOR,
  );
  /** Manage the account, including network settings and keys: Cognitive Services Contributor. For platform admins. */
  public static readonly MANAGE_ACCOUNT = new AccountRole(
    'manage-account',
    ROLE_GUIDS.COGNITIVE_SERVICES_CONTRIBUTOR,
  );
  /** Read quota usage: Cognitive Services Usages Reader. For FinOps. */
  public static readonly READ_USAGE = new AccountRole(
    'read-usage',
    ROLE_GUIDS.COGNITIVE_SERVICES_USAGES_READER,
  );
  /** Read metadata: Reader. */
  public static readonly READ_METADATA = new AccountRole('read-metadata', ROLE_GUIDS.READER);

  /** Parse an intent from configuration. */
  public static of(intent: string): AccountRole {
    const role = AccountRole.ALL.find((r) => r.intent === intent);
    return role ?? fail('role', intent, `Use one of: ${AccountRole.ALL.map((r) => r.intent).join(', ')}.`);
  }

  /**
   * Any built-in or custom role by definition GUID. Privileged roles (Owner, Contributor, User Access
   * Administrator, RBAC Administrator, Cognitive Services User) are refused unless the grant carries an opt-out.
   */
  public static fromRoleDefinitionGuid(guid: string): AccountRole {
    validateGuid('roleDefinitionGuid', guid);
    return (
      AccountRole.ALL.find((r) => r.roleDefinitionGuid === guid.toLowerCase()) ??
      new AccountRole(`role:${guid.toLowerCase()}`, guid.toLowerCase())
    );
  }

  private static get ALL(): AccountRole[] {
    return [
      AccountRole.INVOKE,
      AccountRole.MANAGE_DEPLOYMENTS,
      AccountRole.MANAGE_ACCOUNT,
      AccountRole.READ_USAGE,
      AccountRole.READ_METADATA,
    ];
  }

  private constructor(
    /** The intent name used in configuration and reports. */
    public readonly intent: string,
    /** The built-in role definition GUID. */
    public readonly roleDefinitionGuid: string,
  ) {}

  /** The role's display name. */
  public get roleName(): string {
    return ROLE_NAMES[this.roleDefinitionGuid] ?? `custom role ${this.roleDefinitionGuid}`;
  }
}

/** Options of one grant. */
export interface GrantOptions {
  /**
   * Accept a privileged role, or a contributor-level role for a user, with a written reason.
   * @default - privileged grants are refused
   */
  readonly privilegedRoleOptOut?: OptOut;
  /**
   * The property name the caller exposes for the opt-out, named in the refusal message.
   * @default "privilegedRoleOptOut"
   */
  readonly optOutPropertyName?: string;
}

/** One row of the account's access summary. */
export interface AccessEntry {
  /** Who: the principal's display name. */
  readonly displayName: string;
  /** The principal ID, or a reference for identities created in the stack. */
  readonly principalId: string;
  /** ServicePrincipal, Group or User. */
  readonly principalType: string;
  /** The role's display name. */
  readonly roleName: string;
  /** The role definition GUID. */
  readonly roleDefinitionGuid: string;
  /**
   * The opt-out reason, for privileged grants.
   * @default - none
   */
  readonly optOutReason?: string;
}

/** A model deployment's settings. */
export interface ModelDeploymentOptions {
  /** Deployment name, used by clients as `model`. */
  readonly name: string;
  /** Model name, e.g. gpt-4o. */
  readonly modelName: string;
  /** Pinned model version, e.g. 2024-08-06: an unpinned version drifts to whatever Azure defaults to. */
  readonly modelVersion: string;
  /**
   * Model format.
   * @default "OpenAI"
   */
  readonly modelFormat?: string;
  /**
   * Deployment SKU.
   * @default "Standard" - processes data in the account's region; Global SKUs may process it anywhere
   */
  readonly skuName?: string;
  /**
   * Capacity in thousands of tokens per minute: a ceiling on cost-based denial of service.
   * @default 10
   */
  readonly capacity?: number;
  /**
   * Let Azure upgrade the model version automatically.
   * @default - NoAutoUpgrade: model changes go through change control
   */
  readonly automaticVersionUpgradeOptOut?: OptOut;
  /**
   * Move to the model's default version when the pinned version retires (`OnceCurrentVersionExpired`), instead of
   * stopping: "Deployments that are set to No Auto Upgrade stop working when the model is retired"
   * (learn.microsoft.com/azure/ai-foundry/openai/concepts/model-versions). The trade-off: at retirement Azure
   * changes the model without a change request, so filters and prompts meet a version nobody re-validated. Until
   * then the version stays pinned (no upgrade when a new default appears).
   * @default false - NoAutoUpgrade: the version changes only through change control; watch the model's retirement
   * date (learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements) and upgrade before it
   */
  readonly upgradeOnRetirement?: boolean;
}

/** The deployment SKUs azurerm 4.55.0 accepts. */
const DEPLOYMENT_SKUS = [
  'Standard',
  'DataZoneBatch',
  'DataZoneProvisionedManaged',
  'DataZoneStandard',
  'GlobalBatch',
  'GlobalProvisionedManaged',
  'GlobalStandard',
  'ProvisionedManaged',
];

/** The base policy a deployment falls back to when no ContentFilterPolicy is bound (flagged by AOAI-CFP-001). */
export const FALLBACK_RAI_POLICY = 'Microsoft.DefaultV2';

function deploymentField(name: string | undefined, index: number): string {
  return `deployments[${name === undefined || isUnresolved(name) || name === '' ? index : name}]`;
}

/** Every deployment input checked before any construct is created, so a bad one never half-builds a tree. */
function validateDeploymentOptions(field: string, options: ModelDeploymentOptions): void {
  validateAzureName(`${field}.name`, options.name, AZURE_NAME_RULES.deployment);
  requireNonEmpty(`${field}.modelName`, options.modelName, 'Name the model, e.g. gpt-4o.');
  validateModelVersion(`${field}.modelVersion`, options.modelVersion);
  const skuName = options.skuName ?? 'Standard';
  if (!isUnresolved(skuName) && !DEPLOYMENT_SKUS.includes(skuName)) {
    fail(`${field}.skuName`, skuName, `Use one of: ${DEPLOYMENT_SKUS.join(', ')}.`);
  }
  validateIntegerRange(
    `${field}.capacity`,
    options.capacity,
    1,
    MAX_DEPLOYMENT_CAPACITY,
    'Capacity is in thousands of tokens per minute (PTUs for provisioned SKUs): a ceiling on cost-based denial of service.',
  );
}

/** A model deployment on an account. */
export class ModelDeployment extends Construct {
  /** The azurerm_cognitive_deployment resource. */
  public readonly resource: CognitiveDeployment;
  /** The deployment name. */
  public readonly deploymentName: string;

  constructor(
    scope: Construct,
    id: string,
    account: OpenAIAccountBase,
    options: ModelDeploymentOptions,
    previous?: ModelDeployment,
  ) {
    super(scope, id);
    const field = deploymentField(options.name, account.deployments.length);
    validateDeploymentOptions(field, options);
    const skuName = options.skuName ?? 'Standard';
    const capacity = options.capacity ?? 10;
    const upgradeOptOut = validateOptOut(
      `${field}.automaticVersionUpgradeOptOut`,
      options.automaticVersionUpgradeOptOut,
    );

    this.deploymentName = options.name;
    this.resource = new CognitiveDeployment(this, 'Resource', {
      name: options.name,
      cognitiveAccountId: account.accountId,
      model: {
        format: options.modelFormat ?? 'OpenAI',
        name: options.modelName,
        version: options.modelVersion,
      },
      sku: { name: skuName, capacity },
      // Always explicit: azurerm 4.55.0 otherwise shows a perpetual diff (provider issue #32061).
      raiPolicyName: Lazy.stringValue({
        produce: () => account.contentFilterPolicyName ?? FALLBACK_RAI_POLICY,
      }),
      versionUpgradeOption: upgradeOptOut
        ? 'OnceNewDefaultVersionAvailable'
        : options.upgradeOnRetirement === true
          ? 'OnceCurrentVersionExpired'
          : 'NoAutoUpgrade',
      // One deployment at a time per account: parallel creates fail with 409 RequestConflict.
      dependsOn: previous ? [previous.resource] : undefined,
      // A capacity given by reference is judged by Terraform at plan, as a literal is here (record-format.ts).
      lifecycle: isUnresolved(capacity)
        ? {
            precondition: [
              {
                condition: Lazy.stringValue({
                  produce: (ctx) => capacityGuardCondition(ctx.resolve(capacity), MAX_DEPLOYMENT_CAPACITY),
                }),
                errorMessage: `Hardening: ${this.node.path}: ${field}.capacity must be a whole number from 1 to ${MAX_DEPLOYMENT_CAPACITY} (thousands of tokens per minute, or PTUs): a ceiling on cost-based denial of service.`,
              },
            ],
          }
        : undefined,
    });
    if (isUnresolved(capacity)) HardeningRecord.of(this);
    if (upgradeOptOut) {
      HardeningRecord.of(this).recordOptOut(
        this,
        ['AOAI-CFP-005'],
        'automaticVersionUpgradeOptOut',
        upgradeOptOut,
      );
    }
  }
}

/**
 * Where a write falls in the account's one ordered chain of writes. Azure rejects a second write on an account
 * while one is running (409 RequestConflict, "Another operation is being performed on the parent resource";
 * docs/azure-facts.md §2), and the providers' own locks do not cover it: azurerm 4.55.0 locks the account ID only
 * around its deployments, RAI policies and blocklists, and azapi `locks` only serialize azapi resources
 * (docs/azure-facts.md §1 "Lock scopes", §2). So every write on one account, from either provider, gets a
 * `depends_on` on the write before it, in stage order, then in the order the writes were added.
 */
export enum AccountWriteStage {
  /** Updates that harden an account imported with fromAttributes (keys, network, outbound). */
  LOCKDOWN = 0,
  /** Custom blocklists and their items (the policy names the blocklists). */
  BLOCKLISTS = 1,
  /** The RAI policy (deployments name it; raiPolicies/delete refuses a policy still in use). */
  CONTENT_FILTER_POLICY = 2,
  /** Model deployments, one after another. */
  DEPLOYMENTS = 3,
  /** The Defender for AI account setting. */
  DEFENDER = 4,
  /** The private endpoint (the account refuses it while deployments provision: "account in state Accepted"). */
  PRIVATE_ENDPOINT = 5,
  /** The opt-in management lock: created after every other write, so it is removed before any of them. */
  MANAGEMENT_LOCK = 6,
}

/** An Azure OpenAI account, created here or elsewhere, that the phase constructs can harden. */
export interface IOpenAIAccount extends IConstruct {
  /** The ARM resource ID. @attribute */
  readonly accountId: string;
  /** The account name. @attribute */
  readonly accountName: string;
  /** The resource group of the account. */
  readonly resourceGroupName: string;
  /** The Azure region. */
  readonly location: string;
  /** The account kind. */
  readonly kind: AccountKind;
  /** The custom subdomain (Entra ID and private endpoints need one). */
  readonly customSubdomainName: string;
  /** The data-plane endpoint, https://<subdomain>.openai.azure.com/ (or services.ai for AIServices). @attribute */
  readonly endpoint: string;
  /** `/subscriptions/<id>` of the account, for subscription-scoped role definition IDs. */
  readonly subscriptionScope: string;
  /** The deployments added through this object. */
  readonly deployments: ModelDeployment[];
  /** The name of the RAI policy bound to every deployment, once a ContentFilterPolicy is bound. */
  readonly contentFilterPolicyName?: string;
  /** Who was granted what through this object. */
  readonly accessSummary: AccessEntry[];
  /** True when this stack creates the account; false for accounts imported with fromAttributes (hardened through azapi). */
  readonly managedInThisStack: boolean;
  /**
   * Resources that must exist before a private endpoint is created (the "account in state Accepted" race).
   * @internal
   */
  readonly _provisioningDependencies: ITerraformDependable[];
  /**
   * The writes on the account, in the order they are applied (each depends on the one before).
   * @internal
   */
  readonly _accountWrites: TerraformResource[];
  /**
   * Add a write on the account (a child resource, an update) to its ordered chain of writes.
   * @internal
   */
  _addAccountWrite(write: TerraformResource, stage: AccountWriteStage): void;
  /** Add a model deployment; deployments are created one after another. */
  addDeployment(options: ModelDeploymentOptions): ModelDeployment;
  /**
   * Bind a content filter policy to every deployment, present and future (ContentFilterPolicy calls it).
   * @internal
   */
  _bindContentFilterPolicy(policyName: string, policy: ITerraformDependable): void;
  /** Grant a role on the account to a principal. */
  grant(principal: GrantPrincipal, role: AccountRole, options?: GrantOptions): RoleAssignment;
  /** Let a workload invoke models (Cognitive Services OpenAI User). */
  grantInvoke(principal: GrantPrincipal): RoleAssignment;
  /** Let automation manage deployments (Cognitive Services OpenAI Contributor). */
  grantManageDeployments(principal: GrantPrincipal): RoleAssignment;
  /** Let platform administrators manage the account (Cognitive Services Contributor). */
  grantManageAccount(principal: GrantPrincipal, options?: GrantOptions): RoleAssignment;
}

/** Behaviour shared by created and imported accounts. */
export abstract class OpenAIAccountBase extends Construct implements IOpenAIAccount {
  public abstract readonly accountId: string;
  public abstract readonly accountName: string;
  public abstract readonly resourceGroupName: string;
  public abstract readonly location: string;
  public abstract readonly kind: AccountKind;
  public abstract readonly customSubdomainName: string;
  public abstract readonly managedInThisStack: boolean;
  public readonly deployments: ModelDeployment[] = [];
  public readonly accessSummary: AccessEntry[] = [];
  private policyName?: string;
  /** A bound policy that is not a single resource: every deployment depends on it directly. */
  private pendingPolicy?: ITerraformDependable;
  private readonly grantKeys = new Map<string, string>();
  private deploymentScope?: Construct;
  private readonly writeChain: Array<{ stage: AccountWriteStage; write: TerraformResource }> = [];
  private readonly chainEdges = new Map<TerraformResource, Map<TerraformResource, string>>();
  private readonly dependableTokens = new Map<TerraformResource, string>();
  private subscriptionScopeToken?: string;

  public get endpoint(): string {
    const domain = this.kind === AccountKind.AI_SERVICES ? 'services.ai.azure.com' : 'openai.azure.com';
    return `https://${this.customSubdomainName}.${domain}/`;
  }

  public get subscriptionScope(): string {
    // One expression for every grant of the account (each call would otherwise build four function tokens).
    this.subscriptionScopeToken ??= Fn.join('/', Fn.slice(Fn.split('/', this.accountId), 0, 3));
    return this.subscriptionScopeToken;
  }

  public get contentFilterPolicyName(): string | undefined {
    return this.policyName;
  }

  /** @internal */
  public get _provisioningDependencies(): ITerraformDependable[] {
    return this.deployments.map((d) => d.resource);
  }

  /** @internal */
  public get _accountWrites(): TerraformResource[] {
    return this.writeChain.map((w) => w.write);
  }

  /** @internal */
  public _addAccountWrite(write: TerraformResource, stage: AccountWriteStage): void {
    if (this.writeChain.some((w) => w.write === write)) return;
    // Insert after every write of the same or an earlier stage; the write after it now waits for it instead.
    // Stages follow the resources' own references (items name their blocklist, deployments the policy), so
    // no cycle forms.
    let at = this.writeChain.findIndex((w) => w.stage > stage);
    if (at < 0) at = this.writeChain.length;
    const before = this.writeChain[at - 1]?.write;
    const after = this.writeChain[at]?.write;
    this.writeChain.splice(at, 0, { stage, write });
    if (before) this.chainAfter(write, before);
    if (after) {
      if (before) this.unchain(after, before);
      this.chainAfter(after, write);
    }
  }

  private chainAfter(write: TerraformResource, previous: TerraformResource): void {
    const edges = this.chainEdges.get(write) ?? new Map<TerraformResource, string>();
    if (edges.has(previous)) return;
    // One dependable token per resource for the whole chain: cdktf captures a stack trace for every token it
    // creates, and a write chain of hundreds of blocklist items made one per edge (npm run bench).
    let token = this.dependableTokens.get(previous);
    if (token === undefined) {
      token = dependable(previous);
      this.dependableTokens.set(previous, token);
    }
    edges.set(previous, token);
    this.chainEdges.set(write, edges);
    write.dependsOn = [...(write.dependsOn ?? []), token];
  }

  private unchain(write: TerraformResource, previous: TerraformResource): void {
    const token = this.chainEdges.get(write)?.get(previous);
    if (token === undefined) return;
    this.chainEdges.get(write)!.delete(previous);
    const rest = (write.dependsOn ?? []).filter((d) => d !== token);
    write.dependsOn = rest.length ? rest : undefined;
  }

  public addDeployment(options: ModelDeploymentOptions): ModelDeployment {
    try {
      const index = this.deployments.length;
      // Validate before creating the construct: an empty or token name must not become a construct ID.
      validateDeploymentOptions(deploymentField(options.name, index), options);
      rejectDuplicates(
        'deployments',
        [...this.deployments.map((d) => d.deploymentName), options.name],
        (n) => n,
        'Deployment names must be unique on an account; rename one of them.',
        true,
      );
      this.deploymentScope ??= new Construct(this, 'Deployments');
      // Construct ID contract: the deployment name when literal (unchanged), else "Deployment-<index>".
      const id = isUnresolved(options.name) ? `Deployment-${index}` : options.name;
      // Ordered by the account's write chain: after the policy and the deployment before it.
      const deployment = new ModelDeployment(this.deploymentScope, id, this, options);
      this._addAccountWrite(deployment.resource, AccountWriteStage.DEPLOYMENTS);
      if (this.pendingPolicy) {
        deployment.resource.dependsOn = [
          ...(deployment.resource.dependsOn ?? []),
          dependable(this.pendingPolicy),
        ];
      }
      this.deployments.push(deployment);
      return deployment;
    } catch (e) {
      rethrowLocated(e, this);
    }
  }

  /** @internal */
  public _bindContentFilterPolicy(policyName: string, policy: ITerraformDependable): void {
    if (this.policyName !== undefined) {
      fail(
        'contentFilterPolicy',
        policyName,
        `The account already uses policy "${this.policyName}"; bind one ContentFilterPolicy per account.`,
      );
    }
    this.policyName = policyName;
    // Deployments follow the policy in the write chain, so it exists first and is deleted last
    // (raiPolicies/delete refuses a policy a deployment still references; docs/azure-facts.md §2).
    if (policy instanceof TerraformResource) {
      this._addAccountWrite(policy, AccountWriteStage.CONTENT_FILTER_POLICY);
    } else {
      this.pendingPolicy = policy;
      for (const d of this.deployments) {
        d.resource.dependsOn = [...(d.resource.dependsOn ?? []), dependable(policy)];
      }
    }
  }

  public grantInvoke(principal: GrantPrincipal): RoleAssignment {
    return this.grant(principal, AccountRole.INVOKE);
  }

  public grantManageDeployments(principal: GrantPrincipal): RoleAssignment {
    return this.grant(principal, AccountRole.MANAGE_DEPLOYMENTS);
  }

  public grantManageAccount(principal: GrantPrincipal, options: GrantOptions = {}): RoleAssignment {
    return this.grant(principal, AccountRole.MANAGE_ACCOUNT, options);
  }

  public grant(principal: GrantPrincipal, role: AccountRole, options: GrantOptions = {}): RoleAssignment {
    try {
      const grantIndex = this.grantKeys.size;
      const field = `grants[${constructKey(principal.displayName, grantIndex)}]`;
      validateGrantPrincipal(field, principal);
      const key = `${isUnresolved(principal.principalId) ? principal.displayName : principal.principalId}|${role.roleDefinitionGuid}`;
      if (this.grantKeys.has(key)) {
        fail(
          `${field}.role`,
          role.intent,
          `${principal.displayName} already has ${role.roleName} on this account; remove the duplicate grant.`,
        );
      }
      const optOut = validateGrantRole(field, principal, role, options);

      // Construct ID contract: Grant-<display name>-<intent> for a literal display name (unchanged), and
      // Grant-<index>-<intent> for a reference, where <index> counts this account's earlier grants.
      const id = `Grant-${sanitizeId(constructKey(principal.displayName, grantIndex))}-${role.intent.replace(/[^a-z0-9-]/gi, '')}`;
      const clash = [...this.grantKeys.entries()].find(([, existingId]) => existingId === id);
      if (clash) {
        fail(
          `${field}.displayName`,
          principal.displayName,
          `It maps to the same construct ID (${id}) as an earlier grant of the same role; give the principals display names that differ in letters or digits.`,
        );
      }
      const assignment = new RoleAssignment(this.grantScope(), id, {
        scope: this.accountId,
        // Subscription-scoped form: the unscoped form forces replacement on every plan.
        roleDefinitionId: `${this.subscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${role.roleDefinitionGuid}`,
        principalId: principal.principalId,
        principalType: principal.principalType.value,
        skipServicePrincipalAadCheck: principal.createdInSameDeployment ? true : undefined,
        description: `${role.roleName} for ${principal.displayName} (cdktf-azure-openai-hardening)`,
      });
      this.grantKeys.set(key, id);
      if (optOut) {
        HardeningRecord.of(this).recordOptOut(
          assignment,
          ['AOAI-IAM-003', 'AOAI-IAM-004'],
          'privilegedRoleOptOut',
          optOut,
        );
      }
      this.accessSummary.push({
        displayName: principal.displayName,
        principalId: principal.principalId,
        principalType: principal.principalType.value,
        roleName: role.roleName,
        roleDefinitionGuid: role.roleDefinitionGuid,
        optOutReason: optOut?.reason,
      });
      return assignment;
    } catch (e) {
      rethrowLocated(e, this);
    }
  }

  private grantScope(): Construct {
    return (this.node.tryFindChild('Grants') as Construct) ?? new Construct(this, 'Grants');
  }
}

function sanitizeId(value: string): string {
  return value.replace(/[^A-Za-z0-9-]/g, '-');
}

/** Attributes of an account created elsewhere. */
export interface OpenAIAccountAttributes {
  /** ARM resource ID of the account. */
  readonly accountId: string;
  /** The account's custom subdomain. */
  readonly customSubdomainName: string;
  /** The account's region. */
  readonly location: string;
  /**
   * The account kind.
   * @default AccountKind.OPENAI
   */
  readonly kind?: AccountKind;
  /**
   * Accept a location that is not in this package's list of Azure public regions (a region opened after
   * this release). The name is still checked for letters and digits.
   * @default false - the location must be a listed Azure public region
   */
  readonly allowUnlistedLocation?: boolean;
}

/** Settings of the hardened account. */
export interface OpenAIAccountProps {
  /** Account name (2-64 characters: letters, digits, hyphens). */
  readonly name: string;
  /** Resource group name. */
  readonly resourceGroupName: string;
  /** Azure region, e.g. swedencentral. */
  readonly location: string;
  /**
   * Accept a location that is not in this package's list of Azure public regions (a region opened after
   * this release). The name is still checked for letters and digits.
   * @default false - the location must be a listed Azure public region
   */
  readonly allowUnlistedLocation?: boolean;
  /**
   * Custom subdomain for the endpoint; Entra ID authentication and private endpoints need one, and it cannot change later.
   * @default - the account name
   */
  readonly customSubdomainName?: string;
  /**
   * Account kind.
   * @default AccountKind.OPENAI
   */
  readonly kind?: AccountKind;
  /**
   * SKU.
   * @default "S0"
   */
  readonly skuName?: string;
  /**
   * FQDNs the account may reach when calling out (e.g. for On Your Data); outbound access is restricted to these.
   * @default [] - no outbound calls
   */
  readonly allowedOutboundFqdns?: string[];
  /**
   * User-assigned identities to attach in addition to the system-assigned one (needed for customer-managed keys).
   * @default - system-assigned identity only
   */
  readonly userAssignedIdentityIds?: string[];
  /**
   * Model deployments, created one after another.
   * @default - none; add them with addDeployment()
   */
  readonly deployments?: ModelDeploymentOptions[];
  /**
   * Protect the account from deletion by Terraform: `lifecycle.prevent_destroy`, so a plan that would destroy or
   * replace the account fails. Day-2 changes to deployments, policies, blocklists and grants are unaffected.
   * With it off, what a destroy leaves depends on the azurerm provider's
   * `features.cognitive_account.purge_soft_delete_on_destroy`, which is on by default in azurerm 4.55 (so with
   * `features: [{}]`): the account is deleted and then purged, gone for good with its deployments, and its name is
   * free at once. Only with the feature set to false does it stay soft-deleted for 48 hours, recoverable by hand
   * (`az cognitiveservices account recover`), its name reserved and its provisioned deployments billing until it is
   * purged. Sources: terraform-provider-azurerm v4.55.0 internal/features/defaults.go (CognitiveAccount
   * PurgeSoftDeleteOnDestroy: true) and internal/services/cognitive/cognitive_account_resource.go (delete, then
   * purge when the feature is on); learn.microsoft.com/azure/ai-services/recover-purge-resources.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Also put an ARM `CanNotDelete` management lock on the account. What it blocks: an ARM lock is inherited by
   * every child and extension resource of the account, so besides deleting the account it refuses every delete
   * below it: replacing a deployment (a SKU or model change), editing a blocklist item (delete and create),
   * removing a grant (role assignment), a deployment, a blocklist, the RAI policy, the diagnostic setting.
   * Those day-2 changes then fail with ScopeLocked until the lock is removed
   * (learn.microsoft.com/azure/azure-resource-manager/management/lock-resources: "CanNotDelete means authorized
   * users can read and modify a resource, but they can't delete it"; locks apply to all child resources).
   * Choose it where deletions must go through a separate break-glass step.
   * @default false - deletion protection is prevent_destroy and soft delete; day-2 changes apply
   */
  readonly managementLock?: boolean;
  /**
   * Public network access for the account (a lab without a VNet), with a written reason.
   * @default - public network access disabled
   */
  readonly publicNetworkAccessOptOut?: OptOut;
  /**
   * Public IPv4 addresses or CIDRs allowed through the network ACL. Requires `ipRulesOptOut`.
   * @default [] - no IP rules
   */
  readonly allowedIpRules?: string[];
  /**
   * The reason for `allowedIpRules`.
   * @default - IP rules refused
   */
  readonly ipRulesOptOut?: OptOut;
  /**
   * Let trusted Azure services (AI Search, Machine Learning) bypass the network ACL, with a reason.
   * @default - bypass "None"
   */
  readonly trustedServicesBypassOptOut?: OptOut;
  /**
   * API-key (local) authentication, with a written reason.
   * @default - local authentication disabled: Entra ID only
   */
  readonly localAuthOptOut?: OptOut;
  /**
   * Unrestricted outbound network access, with a written reason.
   * @default - outbound restricted to allowedOutboundFqdns
   */
  readonly unrestrictedOutboundOptOut?: OptOut;
  /**
   * Tags for every resource the account creates.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

const KNOWN_SKUS = ['S0', 'F0'];

/**
 * An Azure OpenAI (or AI Services) account, hardened by default: no public network access, no API keys,
 * network ACL default Deny with bypass None, restricted outbound access, a managed identity, and apply-time
 * postconditions that fail if public access or key authentication come back.
 *
 * @example
 * import { App, TerraformStack } from 'cdktf';
 * import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
 * import { OpenAIAccount } from 'cdktf-azure-openai-hardening';
 *
 * const app = new App();
 * const stack = new TerraformStack(app, 'aoai');
 * new AzurermProvider(stack, 'azurerm', { features: [{}] });
 * const account = new OpenAIAccount(stack, 'Account', {
 *   name: 'aoai-prod-swc', resourceGroupName: 'rg-aoai-prod', location: 'swedencentral',
 *   deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
 * });
 * // account.endpoint, account.accountId: what the phases and your workloads use
 */
export class OpenAIAccount extends OpenAIAccountBase {
  /** Harden an account created elsewhere (another stack or a portal-made account). */
  public static fromAttributes(scope: Construct, id: string, attrs: OpenAIAccountAttributes): IOpenAIAccount {
    validateResourceId(
      'accountId',
      attrs.accountId,
      'Microsoft.CognitiveServices/accounts',
      '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.CognitiveServices/accounts/<name>',
    );
    validateSubdomain('customSubdomainName', attrs.customSubdomainName);
    validateLocation('location', attrs.location, attrs.allowUnlistedLocation);
    class Import extends OpenAIAccountBase {
      public readonly accountId = attrs.accountId;
      public readonly accountName = isUnresolved(attrs.accountId)
        ? Fn.element(Fn.split('/', attrs.accountId), 8)
        : attrs.accountId.split('/')[8];
      public readonly resourceGroupName = isUnresolved(attrs.accountId)
        ? Fn.element(Fn.split('/', attrs.accountId), 4)
        : attrs.accountId.split('/')[4];
      public readonly location = attrs.location;
      public readonly kind = attrs.kind ?? AccountKind.OPENAI;
      public readonly customSubdomainName = attrs.customSubdomainName;
      public readonly managedInThisStack = false;
    }
    return new Import(scope, id);
  }

  public readonly accountId: string;
  public readonly accountName: string;
  public readonly resourceGroupName: string;
  public readonly location: string;
  public readonly kind: AccountKind;
  public readonly customSubdomainName: string;
  public readonly managedInThisStack = true;
  /** The azurerm_cognitive_account resource. */
  public readonly resource: CognitiveAccount;
  /** Principal ID of the system-assigned identity. @attribute */
  public readonly principalId: string;

  constructor(scope: Construct, id: string, props: OpenAIAccountProps) {
    super(scope, id);
    try {
      const { subdomain, skuName } = validateAccount(props);
      const optOuts = accountOptOuts(props);
      this.kind = props.kind ?? AccountKind.OPENAI;
      this.accountName = props.name;
      this.resourceGroupName = props.resourceGroupName;
      this.location = props.location;
      this.customSubdomainName = subdomain;
      this.resource = this.createAccount(props, subdomain, skuName, optOuts);
      this.accountId = this.resource.id;
      this.principalId = this.resource.identity.principalId;
      this.recordOptOuts(optOuts);
      if (props.managementLock) this.lockAccount(props.name);
      for (const deployment of props.deployments ?? []) this.addDeployment(deployment);
    } catch (e) {
      rethrowLocated(e, this);
    }
  }

  /** The azurerm_cognitive_account: hardened settings, each opt-out only where recorded, guarded at apply. */
  private createAccount(
    props: OpenAIAccountProps,
    subdomain: string,
    skuName: string,
    o: AccountOptOuts,
  ): CognitiveAccount {
    const ipRules = props.allowedIpRules ?? [];
    return new GuardedCognitiveAccount(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      kind: this.kind.value,
      skuName,
      customSubdomainName: subdomain,
      publicNetworkAccessEnabled: o.publicOptOut !== undefined,
      localAuthEnabled: o.localAuthOptOut !== undefined,
      outboundNetworkAccessRestricted: o.outboundOptOut === undefined,
      fqdns: props.allowedOutboundFqdns ?? [],
      networkAcls: {
        defaultAction: 'Deny',
        // Always explicit: omitted, Azure's default (AzureServices) shows as a perpetual diff.
        bypass: o.bypassOptOut ? 'AzureServices' : 'None',
        ipRules,
        virtualNetworkRules: [],
      },
      identity: props.userAssignedIdentityIds?.length
        ? { type: 'SystemAssigned, UserAssigned', identityIds: props.userAssignedIdentityIds }
        : { type: 'SystemAssigned' },
      tags: props.tags,
      lifecycle: {
        postcondition: accountPostconditions(o),
        precondition: o.ipRulesDeferred
          ? [
              {
                condition: Op.eq(Fn.lengthOf(ipRules), 0),
                errorMessage:
                  'Hardening: allowedIpRules must be empty: IP rules open the account to public addresses; pass ipRulesOptOut with a reason.',
              },
            ]
          : undefined,
        preventDestroy: props.deletionProtection ?? true,
      },
    });
  }

  /** Each opt-out taken, in the hardening record beside the account. */
  private recordOptOuts(o: AccountOptOuts): void {
    const record = (optOut: OptOut | undefined, rules: string[], property: string) => {
      if (optOut) HardeningRecord.of(this).recordOptOut(this.resource, rules, property, optOut);
    };
    record(o.publicOptOut, ['AOAI-NET-001'], 'publicNetworkAccessOptOut');
    record(o.ipOptOut, ['AOAI-NET-002'], 'ipRulesOptOut');
    record(o.bypassOptOut, ['AOAI-NET-003'], 'trustedServicesBypassOptOut');
    record(o.localAuthOptOut, ['AOAI-IAM-001'], 'localAuthOptOut');
    record(o.outboundOptOut, ['AOAI-NET-004'], 'unrestrictedOutboundOptOut');
  }

  /** The opt-in ARM CanNotDelete lock (see managementLock for what it also blocks). */
  private lockAccount(name: string): void {
    const lock = new ManagementLock(this, 'DeleteLock', {
      name: `${name}-cannot-delete`,
      scope: this.resource.id,
      lockLevel: 'CanNotDelete',
      notes:
        'Deleting the Azure OpenAI account loses its deployments and fine-tuned models. Remove deliberately. Also blocks deleting or replacing deployments, blocklist items and role assignments on the account.',
    });
    this._addAccountWrite(lock, AccountWriteStage.MANAGEMENT_LOCK);
  }
}

/** The account's opt-outs, each validated (a reason, an optional expiry). */
interface AccountOptOuts {
  readonly publicOptOut?: OptOut;
  readonly ipOptOut?: OptOut;
  readonly bypassOptOut?: OptOut;
  readonly localAuthOptOut?: OptOut;
  readonly outboundOptOut?: OptOut;
  /** IP rules given as a whole-list reference without an opt-out: a plan-time precondition keeps them empty. */
  readonly ipRulesDeferred: boolean;
}

/** Names, location, subdomain, SKU, outbound FQDNs and user-assigned identities, checked before anything exists. */
function validateAccount(props: OpenAIAccountProps): { subdomain: string; skuName: string } {
  validateAzureName('name', props.name, AZURE_NAME_RULES.cognitiveAccount);
  validateAzureName('resourceGroupName', props.resourceGroupName, AZURE_NAME_RULES.resourceGroup);
  validateLocation('location', props.location, props.allowUnlistedLocation);
  const subdomain = props.customSubdomainName ?? defaultSubdomain(props.name);
  validateSubdomain('customSubdomainName', subdomain);
  const skuName = props.skuName ?? 'S0';
  if (!isUnresolved(skuName) && !KNOWN_SKUS.includes(skuName)) {
    fail('skuName', skuName, `Use one of: ${KNOWN_SKUS.join(', ')} (Azure OpenAI uses S0).`);
  }
  const fqdns = props.allowedOutboundFqdns ?? [];
  literalElements(fqdns).forEach((f, i) => {
    if (!isUnresolved(f) && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i.test(f)) {
      fail(
        `allowedOutboundFqdns[${i}]`,
        f,
        'Use a fully qualified domain name such as mysearch.search.windows.net.',
      );
    }
  });
  rejectDuplicates('allowedOutboundFqdns', literalElements(fqdns), (f) => f, 'List each FQDN once.', true);
  literalElements(props.userAssignedIdentityIds).forEach((identityId, i) =>
    validateResourceId(
      `userAssignedIdentityIds[${i}]`,
      identityId,
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>',
    ),
  );
  return { subdomain, skuName };
}

/** The opt-outs, and IP rules refused unless opted out (a whole-list reference is deferred to plan). */
function accountOptOuts(props: OpenAIAccountProps): AccountOptOuts {
  const publicOptOut = validateOptOut('publicNetworkAccessOptOut', props.publicNetworkAccessOptOut);
  const ipOptOut = validateOptOut('ipRulesOptOut', props.ipRulesOptOut);
  const bypassOptOut = validateOptOut('trustedServicesBypassOptOut', props.trustedServicesBypassOptOut);
  const localAuthOptOut = validateOptOut('localAuthOptOut', props.localAuthOptOut);
  const outboundOptOut = validateOptOut('unrestrictedOutboundOptOut', props.unrestrictedOutboundOptOut);
  const ipRules = props.allowedIpRules ?? [];
  // A whole-list reference may be empty: without an opt-out it must be, which a plan-time precondition enforces.
  const ipRulesDeferred = isListToken(ipRules) && !ipOptOut;
  if (ipRules.length > 0 && !ipOptOut && !ipRulesDeferred) {
    fail(
      'allowedIpRules',
      ipRules,
      'IP rules open the account to public addresses; remove them or pass ipRulesOptOut with a reason.',
    );
  }
  literalElements(ipRules).forEach((rule, i) => validatePublicIpRule(`allowedIpRules[${i}]`, rule));
  return { publicOptOut, ipOptOut, bypassOptOut, localAuthOptOut, outboundOptOut, ipRulesDeferred };
}

/** What must hold after every apply: public access and key auth off (unless opted out), the ACL default Deny. */
function accountPostconditions(o: AccountOptOuts): Array<{ condition: string; errorMessage: string }> {
  return [
    ...(o.publicOptOut
      ? []
      : [
          {
            condition: '${self.public_network_access_enabled == false}',
            errorMessage: 'Hardening: public network access on the Azure OpenAI account must stay disabled.',
          },
        ]),
    ...(o.localAuthOptOut
      ? []
      : [
          {
            condition: '${self.local_auth_enabled == false}',
            errorMessage:
              'Hardening: API-key (local) authentication on the Azure OpenAI account must stay disabled.',
          },
        ]),
    {
      condition: '${self.network_acls[0].default_action == "Deny"}',
      errorMessage: 'Hardening: the account network ACL default action must stay Deny.',
    },
  ];
}

/** The principal of a grant: a principal ID, a display name, and the Entra ID check skipped only for service principals. */
function validateGrantPrincipal(field: string, principal: GrantPrincipal): void {
  requireNonEmpty(
    `${field}.principalId`,
    principal.principalId,
    'Pass the principal (object) ID of a managed identity, service principal, group or user.',
  );
  validatePrincipalId(`${field}.principalId`, principal.principalId);
  requireNonEmpty(
    `${field}.displayName`,
    principal.displayName,
    'Name the principal so the access summary is readable.',
  );
  if (principal.createdInSameDeployment && principal.principalType !== PrincipalType.SERVICE_PRINCIPAL) {
    fail(
      `${field}.createdInSameDeployment`,
      true,
      'Only service principals (managed identities) can skip the Entra ID check; remove the flag.',
    );
  }
}

/** A privileged or (for a user) contributor-level role only with a recorded opt-out; returns the opt-out. */
function validateGrantRole(
  field: string,
  principal: GrantPrincipal,
  role: AccountRole,
  options: GrantOptions,
): OptOut | undefined {
  const optOut = validateOptOut(`${field}.privilegedRoleOptOut`, options.privilegedRoleOptOut);
  const optOutProperty = options.optOutPropertyName ?? 'privilegedRoleOptOut';
  const privileged = PRIVILEGED_ROLE_GUIDS.includes(role.roleDefinitionGuid);
  const contributorForUser =
    principal.principalType === PrincipalType.USER &&
    CONTRIBUTOR_LEVEL_ROLE_GUIDS.includes(role.roleDefinitionGuid);
  if ((privileged || contributorForUser) && !optOut) {
    const why = privileged
      ? `${role.roleName} on the account grants more than any workload needs (keys, broad data actions or role management)`
      : `individual users should not hold contributor-level roles (${role.roleName})`;
    fail(
      `${field}.role`,
      role.roleName,
      `Refused: ${why}. Grant AccountRole.INVOKE to a group or managed identity instead, or pass ${optOutProperty} with a reason.`,
    );
  }
  return optOut;
}
