/**
 * Shared shapes of `aoai-harden verify`: where it runs from, what a check is and what it reports.
 * Everything that touches the outside world (hosts, clock, DNS, timeouts, tokens) is a field of VerifyContext
 * so the tests drive the checks against fakes on loopback.
 */

/**
 * Where the command runs. Several checklist items can only be observed from one side of the private endpoint
 * (a private address is only visible inside the VNet; the public 403 only outside it).
 */
export type Vantage = 'vnet' | 'outside';

/**
 * pass and fail are verdicts on the account. inconclusive: the service did not give an answer that decides it
 * (throttled with 429, unreachable, a timeout, a 5xx, an invalid key refused before the auth-type check): rerun
 * later. error: verify itself could not run the check (a token for the wrong identity, a bug). Neither is a pass.
 */
export type CheckStatus = 'pass' | 'fail' | 'inconclusive' | 'error' | 'skipped';

/** A check's static description: its stable ID, the checklist item it proves and where it can run. */
export interface CheckDefinition {
  readonly id: string;
  /** ID of the item in lib/checklist/checklist-items.ts. */
  readonly checklistItem: string;
  readonly family: 'network' | 'identity' | 'content-safety' | 'monitoring';
  readonly title: string;
  /** Vantage the check needs; undefined = runs from anywhere. */
  readonly runsFrom?: Vantage;
  /** Why it needs that vantage (printed when skipped). */
  readonly vantageReason?: string;
}

export interface CheckResult {
  readonly id: string;
  readonly checklistItem: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was observed (pass/fail), what broke (error) or exactly why it did not run (skipped). */
  readonly detail: string;
  readonly durationMs: number;
}

/** What the command checks; read from a config file and flags (cli/src/commands/verify.ts validates it). */
export interface VerifyConfig {
  readonly from: Vantage;
  /** Data-plane endpoint, https://<subdomain>.openai.azure.com/ (or a loopback fake). */
  readonly endpoint: string;
  /** A gateway host (e.g. API Management) that may receive the data-plane token besides Azure's own hosts. */
  readonly allowEndpointHost?: string;
  /** The account's FQDN for the DNS checks. @default the endpoint's host */
  readonly dnsName?: string;
  /** ARM ID of the Microsoft.CognitiveServices/accounts resource. */
  readonly accountId: string;
  readonly deployments: readonly string[];
  /** ARM ID of the Log Analytics workspace; log, detection, alert and retention checks are skipped without it. */
  readonly workspaceId?: string;
  /** Workspace GUID (customerId) for queries; read from ARM when omitted. */
  readonly workspaceCustomerId?: string;
  readonly armEndpoint: string;
  /** Log Analytics query host (the client appends /v1). */
  readonly logsEndpoint: string;
  /**
   * Client ID of the workload's identity (Entra calls): its managed-identity (or, with AZURE_FEDERATED_TOKEN_FILE,
   * workload-identity) credential is built directly and every token is checked to be that client's.
   * DefaultAzureCredential when omitted.
   */
  readonly workloadClientId?: string;
  /** Client ID of an identity holding only Cognitive Services OpenAI User (IA-3); IA-3/IA-4 skipped when omitted. */
  readonly invokeOnlyClientId?: string;
  /**
   * A term on a custom blocklist bound to the deployments: the deterministic "filtered" trigger of CS-1, CS-3 and
   * the filtered burst. Those are skipped when omitted (a harmful prompt is no trigger: the model refuses it with a 200).
   */
  readonly blocklistTerm?: string;
  /** How long a blocklist term may take to apply (about 5 minutes, docs/field-facts.md §7): CS-3 polls this long. */
  readonly blocklistWaitSeconds: number;
  /**
   * Send one jailbreak prompt to the canary (or first) deployment for CS-2. Off by default: recurring jailbreak
   * attempts score as likely abuse and may get the account suspended (docs/field-facts.md §7).
   */
  readonly jailbreakProbe: boolean;
  /** A deployment that takes the jailbreak probe and the bursts instead of a production one. @default the first deployment */
  readonly canaryDeployment?: string;
  /** Resource group of the alert rules. @default the account's resource group */
  readonly alertResourceGroup?: string;
  /** Alert rule names are `<prefix>-<detection key>` (SecurityMonitoring). @default the account name */
  readonly alertRulePrefix?: string;
  readonly minRetentionDays: number;
  /** Checklist MO-1: logs must appear within this many seconds of the call. */
  readonly logWaitSeconds: number;
  /** How long to wait for detections to return rows and alerts to fire. */
  readonly alertWaitSeconds: number;
  readonly pollSeconds: number;
  readonly requestTimeoutSeconds: number;
  /** Send request and blocklist-term bursts so the rate detections can fire (costs quota and tokens). */
  readonly bursts: boolean;
  readonly burstRequests: number;
  readonly burstFiltered: number;
  /** Bursts are paced at most this many requests per minute. */
  readonly burstRate: number;
  /** Check IDs (or ID prefixes such as VERIFY-MON) to run; all when empty. */
  readonly only: readonly string[];
}

/** The ARM ID pieces the checks need. */
export interface ArmIdParts {
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly name: string;
}

export function parseArmId(id: string, type: string): ArmIdParts | undefined {
  const m = new RegExp(
    `^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/${type.replace('/', '\\/')}/([^/]+)$`,
    'i',
  ).exec(id);
  return m ? { subscription: m[1], resourceGroup: m[2], name: m[3] } : undefined;
}

/** Which token a request carries. */
export type Audience = 'cognitive' | 'arm' | 'logs';
export type Identity = 'workload' | 'invoke-only';

/**
 * Entra scopes. Sources: docs/field-facts.md §4.1 (cognitiveservices), §5.1 (the Log Analytics audience stays
 * api.loganalytics.io even on the .azure.com host), §5.3 (management.azure.com).
 */
export const SCOPES: Record<Audience, string> = {
  cognitive: 'https://cognitiveservices.azure.com/.default',
  arm: 'https://management.azure.com/.default',
  logs: 'https://api.loganalytics.io/.default',
};

export type TokenSource = (audience: Audience, identity: Identity) => Promise<string>;

/** The minimal DNS interface the network checks need (node's dns module by default). */
export interface DnsResolver {
  /** CNAME targets of a name; [] when it has none. */
  resolveCname(name: string): Promise<string[]>;
  /** Addresses the system resolver returns for a name (what the HTTP client will connect to). */
  lookup(name: string): Promise<string[]>;
}

export interface VerifyContext {
  readonly config: VerifyConfig;
  readonly fetch: typeof fetch;
  readonly getToken: TokenSource;
  readonly dns: DnsResolver;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly progress: (checkId: string, message: string) => void;
  /** API key to send in the key-auth probe (AZURE_OPENAI_API_KEY; an invalid key works as well). */
  readonly apiKey: string;
  /** The invoke-only identity's ARM token came from the environment (no client ID needed). */
  readonly invokeOnlyTokenGiven?: boolean;
}

/**
 * The service gave no answer that decides the check (timeout, connection refused, 5xx, 429 after Retry-After):
 * the check is inconclusive, never a pass.
 */
export class ServiceError extends Error {}

/** A token is not the identity it is configured to be: the checks that need it refuse to run (status error). */
export class IdentityError extends Error {}

/** The check could not run from here or without some input; carries exactly why. */
export class SkipCheck extends Error {}
