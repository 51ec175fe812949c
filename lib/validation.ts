/**
 * The input policy every construct applies (the "one input policy"):
 *
 * 1. A literal is validated here, at construction, against the Azure rule it must satisfy; a bad one throws a
 *    `HardeningConfigError` naming the field, the value (truncated, secrets redacted) and the fix.
 * 2. A Terraform reference (a cdktf token: string, number, list or map; a `TerraformVariable`, a resource or
 *    data-source attribute, an `Fn.*` expression) is accepted wherever a literal is. Where its value matters to a
 *    later check, that check is deferred to plan (a Terraform precondition, see `deferredCheck`) or left to the
 *    checklist on plan JSON (`aoai-harden check --plan`), which sees resolved values.
 * 3. Construct IDs never derive from values that may be tokens: use the caller's key when it is a literal, and
 *    a stable index when it is a token (`constructKey`). Literal-derived IDs are unchanged, so existing stacks
 *    keep their resource addresses.
 */
import { Fn, Token } from 'cdktf';
import { IConstruct } from 'constructs';

/** Longest value an error message echoes; the rest is elided (a 100k-character pattern must not flood CI logs). */
export const MAX_ECHOED_LENGTH = 120;

/**
 * Thrown for configuration that would be invalid or weaker than the hardened baseline. The message is
 * `<construct path>: <property path>: invalid value <value>. <fix>`: the construct path of the construct the user
 * created (e.g. `prod/AzureOpenAI`) and the property path from that construct's props
 * (`account.deployments[1].sku`). Validation code throws it with the path relative to the props it reads; the
 * construct that owns those props locates it (`locateConfigErrors`), and an enclosing construct prefixes its own
 * property and replaces the path with its own, so the message always points at what the user wrote.
 */
export class HardeningConfigError extends Error {
  /** The property path, e.g. `account.deployments[0].capacity`. */
  public readonly field: string;
  /** What to do instead. */
  public readonly fix: string;
  /**
   * Path of the construct whose props hold the field (e.g. `prod/AzureOpenAI`).
   * @default - not known (the error was thrown outside a construct)
   */
  public readonly constructPath?: string;
  private readonly valueText: string;
  constructor(field: string, value: unknown, fix: string, constructPath?: string, describedValue?: string) {
    const valueText = describedValue ?? describeValue(value);
    super(formatConfigError(constructPath, field, valueText, fix));
    this.name = 'HardeningConfigError';
    this.field = field;
    this.fix = fix;
    this.constructPath = constructPath;
    this.valueText = valueText;
  }

  /**
   * The same error as seen from an enclosing construct: `fieldPrefix` (e.g. `account.`) is put before the field,
   * and `constructPath` replaces the path.
   */
  public locatedAt(constructPath: string, fieldPrefix: string = ''): HardeningConfigError {
    const field = `${fieldPrefix}${this.field}`;
    const located = new HardeningConfigError(field, undefined, this.fix, constructPath, this.valueText);
    located.stack = `${located.name}: ${located.message}\n${(this.stack ?? '').split('\n').slice(1).join('\n')}`;
    return located;
  }
}

/** The one message format of every configuration error. */
function formatConfigError(path: string | undefined, field: string, valueText: string, fix: string): string {
  return safeErrorMessage(`${path ? `${path}: ` : ''}${field}: invalid value ${valueText}. ${fix}`);
}

/** Throw a HardeningConfigError; `scope`, when given, is the construct whose props hold `field`. */
export function fail(field: string, value: unknown, fix: string, scope?: IConstruct): never {
  throw new HardeningConfigError(field, value, fix, scope?.node.path);
}

/**
 * Rethrow an error from a construct's constructor or method: a HardeningConfigError that names no construct yet is
 * located at `scope` (the construct whose props hold the field); any other error passes unchanged.
 */
export function rethrowLocated(e: unknown, scope: IConstruct): never {
  if (e instanceof HardeningConfigError && e.constructPath === undefined) throw e.locatedAt(scope.node.path);
  throw e;
}

/**
 * Run a construct's validating steps so that a HardeningConfigError they throw names `scope`'s path and the full
 * property path (`fieldPrefix` + the field): every construct calls its phases through this, so the message points
 * at the props the user wrote however deep the check ran.
 */
export function locateConfigErrors<T>(scope: IConstruct, fieldPrefix: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof HardeningConfigError) throw e.locatedAt(scope.node.path, fieldPrefix);
    throw e;
  }
}

/**
 * Remove secrets from text that may reach a log: URL query strings (`sig=`, `code=`, SAS tokens), URL user
 * info, and `key=`/`token=`/`password=`-style pairs outside URLs.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s"'@]*@/gi, '$1<redacted>@')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s"'?#]*)\?[^\s"'#]*/gi, '$1?<redacted>')
    .replace(
      /\b(sig|signature|code|key|apikey|api-key|api_key|token|access_token|secret|password|pwd)=[^\s"'&,;]+/gi,
      '$1=<redacted>',
    );
}

/** Elide text past MAX_ECHOED_LENGTH, saying how long it was. */
function truncate(text: string): string {
  return text.length > MAX_ECHOED_LENGTH
    ? `${text.slice(0, MAX_ECHOED_LENGTH)}… (${text.length} characters)`
    : text;
}

/** JSON of a value for an error message: secrets redacted, long values truncated. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return truncate(redactSecrets(text));
}

/**
 * The one formatting every configuration error message goes through (HardeningConfigError here, the reference
 * app's ConfigError): secrets redacted anywhere in it (a value echoed into a field path or a fix too), and every
 * whitespace-free run longer than MAX_ECHOED_LENGTH elided, so no message floods a CI log or prints a credential.
 */
export function safeErrorMessage(text: string): string {
  return redactSecrets(text).replace(new RegExp(`\\S{${MAX_ECHOED_LENGTH + 1},}`, 'g'), (run) =>
    run.endsWith('…') && run.length === MAX_ECHOED_LENGTH + 1 ? run : truncate(run),
  );
}

/**
 * True when the value is a cdktf token, known only at plan or apply time: a string token, a number token
 * (cdktf encodes these as huge negative doubles such as -8.1e+298), a list token, or a map token.
 */
export function isUnresolved(value: unknown): boolean {
  return value !== undefined && value !== null && Token.isUnresolved(value);
}

/** True when a list is itself a token (a whole-list variable) rather than a literal array. */
export function isListToken(value: readonly unknown[] | undefined): boolean {
  return Array.isArray(value) && isUnresolved(value);
}

/** The elements of a literal list; an empty array for a list token (its elements are checked at plan). */
export function literalElements<T>(value: readonly T[] | undefined): readonly T[] {
  return value === undefined || isListToken(value) ? [] : value;
}

/**
 * A construct ID part for a user-supplied key: the key itself when it is a literal (so existing stacks keep
 * their addresses), else a stable index. Part of the construct ID contract (docs/architecture.md).
 */
export function constructKey(value: string | undefined, index: number): string {
  return value === undefined || isUnresolved(value) || value === '' ? `${index}` : value;
}

/**
 * A Terraform precondition that checks a token's value at plan, for checks a literal would get at construction.
 * `condition` is an HCL expression built with cdktf `Fn`/`Op` from the token.
 */
export interface DeferredCheck {
  readonly condition: any;
  readonly errorMessage: string;
}

export function deferredCheck(field: string, condition: any, fix: string): DeferredCheck {
  return { condition, errorMessage: `Hardening: ${field}: ${fix}` };
}

/** Number tokens and undefined pass; literals must be whole numbers within [min, max]. */
export function validateIntegerRange(
  field: string,
  value: number | undefined,
  min: number,
  max: number,
  fix: string,
): void {
  if (value === undefined || isUnresolved(value)) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, value, `Use a whole number from ${min} to ${max}. ${fix}`);
  }
}

export function requireNonEmpty(field: string, value: string | undefined, fix: string): string {
  if (isUnresolved(value)) return value!;
  if (value === undefined || value === null || typeof value !== 'string' || value.trim() === '') {
    fail(field, value, fix);
  }
  return value;
}

/**
 * Reject duplicate keys, naming both positions. Items whose key is a token are skipped (their values are
 * unknown until plan; Azure refuses a duplicate name at apply). Azure names are case-insensitive
 * (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules: "Always perform a
 * case-insensitive comparison of names"), so pass `caseInsensitive` for names.
 */
export function rejectDuplicates<T>(
  field: string,
  items: readonly T[],
  key: (item: T) => string,
  fix: string,
  caseInsensitive = false,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const raw = key(item);
    if (raw === undefined || isUnresolved(raw)) return;
    const k = caseInsensitive ? raw.toLowerCase() : raw;
    if (seen.has(k)) {
      const first = seen.get(k)!;
      const sameCase = key(items[first]) === raw;
      fail(
        `${field}[${index}]`,
        raw,
        `Duplicate of ${field}[${first}]${sameCase ? '' : ` (${JSON.stringify(key(items[first]))}; Azure names ignore case)`}. ${fix}`,
      );
    }
    seen.set(k, index);
  });
}

// ---- GUIDs ----

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_GUID = '00000000-0000-0000-0000-000000000000';

/** A principal (object) ID: a GUID that can exist; the nil GUID is never an Entra object ID. */
export function validatePrincipalId(field: string, value: string): void {
  if (isUnresolved(value)) return;
  if (!GUID.test(value)) {
    fail(field, value, 'Use the object (principal) ID: a GUID such as 9f2c1e4a-3b7d-4c0e-8a51-2d6f0b9e7c13.');
  }
  if (value === NIL_GUID) {
    fail(
      field,
      value,
      'The nil GUID is not a principal; pass the object ID of a real identity, group or user.',
    );
  }
}

export function validateGuid(field: string, value: string): void {
  if (isUnresolved(value)) return;
  if (!GUID.test(value) || value === NIL_GUID) {
    fail(field, value, 'Use a GUID such as 5e0bd9bd-7b93-4f28-af87-19fc36ad61bd (not the nil GUID).');
  }
}

// ---- Azure names ----

/** One Azure naming rule: length bounds and a pattern, with the rule in words for the error message. */
export interface AzureNameRule {
  /** What is named, with its article, e.g. "a virtual network name". */
  readonly resource: string;
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  readonly rule: string;
}

/**
 * Naming rules per resource type. Source: "Naming rules and restrictions for Azure resources",
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules (Microsoft.Resources,
 * Microsoft.CognitiveServices, Microsoft.Network, Microsoft.ManagedIdentity, Microsoft.OperationalInsights,
 * Microsoft.Insights sections); RAI policy and blocklist names: REST `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`
 * (docs/azure-facts.md §4.1).
 */
export const AZURE_NAME_RULES = {
  resourceGroup: {
    resource: 'a resource group name',
    min: 1,
    max: 90,
    // Letters or digits (Unicode), underscores, hyphens, periods and parentheses; not ending with a period.
    pattern: /^[\p{L}\p{N}_().-]*[\p{L}\p{N}_()-]$/u,
    rule: 'letters, digits, underscores, hyphens, periods and parentheses, not ending with a period',
  },
  cognitiveAccount: {
    resource: 'a Cognitive Services account name',
    min: 2,
    max: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/,
    rule: 'letters, digits and hyphens, starting and ending with a letter or digit',
  },
  deployment: {
    resource: 'a model deployment name',
    min: 1,
    max: 64,
    pattern: /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?$/,
    rule: 'letters, digits, hyphens, underscores and periods; start with a letter or digit and do not end with a period or hyphen',
  },
  raiName: {
    resource: 'an RAI policy or blocklist name',
    min: 1,
    max: 64,
    pattern: /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?$/,
    rule: 'letters, digits, hyphens, underscores and periods; start with a letter or digit and do not end with a period or hyphen',
  },
  virtualNetwork: {
    resource: 'a virtual network name',
    min: 2,
    max: 64,
    pattern: /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?$/,
    rule: 'letters, digits, underscores, periods and hyphens; start with a letter or digit, end with a letter, digit or underscore',
  },
  userAssignedIdentity: {
    resource: 'a user-assigned identity name',
    min: 3,
    max: 128,
    pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
    rule: 'letters, digits, hyphens and underscores, starting with a letter or digit',
  },
  logAnalyticsWorkspace: {
    resource: 'a Log Analytics workspace name',
    min: 4,
    max: 63,
    pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/,
    rule: 'letters, digits and hyphens, starting and ending with a letter or digit',
  },
  actionGroupShortName: {
    resource: 'an action group short name',
    min: 1,
    max: 12,
    // azurerm validates short_name as 1-12 characters (docs/azure-facts.md §7.8); no control characters.
    pattern: /^[^\p{Cc}]+$/u,
    rule: 'printable characters',
  },
} satisfies Record<string, AzureNameRule>;

/** A literal name must satisfy its resource type's Azure rule; tokens pass (Azure checks them at apply). */
export function validateAzureName(field: string, value: string, rule: AzureNameRule): void {
  if (isUnresolved(value)) return;
  requireNonEmpty(field, value, `Give ${rule.resource}: ${rule.min}-${rule.max} characters, ${rule.rule}.`);
  const length = [...value].length;
  if (length < rule.min || length > rule.max || !rule.pattern.test(value)) {
    fail(
      field,
      value,
      `Use ${rule.min}-${rule.max} characters for ${rule.resource} (got ${length}): ${rule.rule}.`,
    );
  }
}

/** Kept for callers that give only a length: the deployment/RAI rule with another maximum. */
export function validateResourceName(field: string, value: string, maxLength: number): void {
  validateAzureName(field, value, {
    ...AZURE_NAME_RULES.deployment,
    resource: 'a resource name',
    max: maxLength,
  });
}

/** Custom subdomain: DNS label rules, 2-64 characters; it cannot be changed after creation. */
export function validateSubdomain(field: string, value: string | undefined): void {
  if (isUnresolved(value)) return;
  requireNonEmpty(
    field,
    value,
    'Give the custom subdomain (the <subdomain> of https://<subdomain>.openai.azure.com/); Entra ID authentication and private endpoints need one.',
  );
  const v = value!;
  if (v.length < 2 || v.length > 64) {
    fail(
      field,
      v,
      `Use 2 to 64 characters (got ${v.length}); it becomes <subdomain>.openai.azure.com and cannot be changed later.`,
    );
  }
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(v)) {
    fail(field, v, 'Use lower-case letters, digits and hyphens, starting and ending with a letter or digit.');
  }
}

/** The subdomain derived from an account name: lower-cased, also when the name is a Terraform reference. */
export function defaultSubdomain(name: string): string {
  return isUnresolved(name) ? Fn.lower(name) : name.toLowerCase();
}

/** An Azure resource ID of the given provider/type path, e.g. Microsoft.Network/virtualNetworks/subnets. */
export function validateResourceId(field: string, value: string, typePath: string, example: string): void {
  if (isUnresolved(value)) return;
  requireNonEmpty(field, value, `Pass a ${typePath} resource ID such as ${example}.`);
  const [namespace, ...types] = typePath.split('/');
  const pattern = new RegExp(
    `^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${namespace.replace(/\./g, '\\.')}` +
      types.map((t) => `/${t}/[^/]+`).join('') +
      '$',
    'i',
  );
  if (!pattern.test(value)) fail(field, value, `Expected a ${typePath} resource ID such as ${example}.`);
}

// ---- Regions ----

/**
 * Azure public-cloud regions a resource can be created in, by programmatic name. Source: Microsoft Learn, "Azure
 * regions list" (https://learn.microsoft.com/azure/reliability/regions-list; its source
 * MicrosoftDocs/reliability-docs articles/reliability/regions-list.md, ms.date 09/23/2025, read 2026-11-28): every
 * "Programmatic name" of its "All" table, plus Sweden South, which the table lists only as Sweden Central's
 * access-restricted paired region (its programmatic name is the display name lower-cased without spaces, as for
 * every row). Left out: regions marked "coming soon" there (Denmark East), and names the page does not list
 * (canary `eastus2euap`/`centraluseuap`, `jioindiacentral`/`jioindiawest`, logical names such as `global` or
 * `europe`). A region Azure opens later, or one of those, is passed with `allowUnlistedLocation: true` (the
 * shape is still checked).
 */
export const AZURE_PUBLIC_REGIONS: readonly string[] = [
  'australiacentral',
  'australiacentral2',
  'australiaeast',
  'australiasoutheast',
  'austriaeast',
  'belgiumcentral',
  'brazilsouth',
  'brazilsoutheast',
  'canadacentral',
  'canadaeast',
  'centralindia',
  'centralus',
  'chilecentral',
  'eastasia',
  'eastus',
  'eastus2',
  'francecentral',
  'francesouth',
  'germanynorth',
  'germanywestcentral',
  'indonesiacentral',
  'israelcentral',
  'italynorth',
  'japaneast',
  'japanwest',
  'koreacentral',
  'koreasouth',
  'malaysiawest',
  'mexicocentral',
  'newzealandnorth',
  'northcentralus',
  'northeurope',
  'norwayeast',
  'norwaywest',
  'polandcentral',
  'qatarcentral',
  'southafricanorth',
  'southafricawest',
  'southcentralus',
  'southeastasia',
  'southindia',
  'spaincentral',
  'swedencentral',
  'swedensouth',
  'switzerlandnorth',
  'switzerlandwest',
  'uaecentral',
  'uaenorth',
  'uksouth',
  'ukwest',
  'westcentralus',
  'westeurope',
  'westindia',
  'westus',
  'westus2',
  'westus3',
];

/**
 * A literal location must be an Azure public region. azurerm normalizes locations by lower-casing and removing
 * spaces (go-azure-helpers `resourcemanager/location` Normalize), so "Sweden Central" is accepted as swedencentral.
 */
export function validateLocation(field: string, value: string, allowUnlisted = false): void {
  if (isUnresolved(value)) return;
  requireNonEmpty(field, value, 'Give the Azure region, e.g. swedencentral.');
  const normalized = value.replace(/\s+/g, '').toLowerCase();
  if (!/^[a-z0-9]+$/.test(normalized)) {
    fail(field, value, 'Use an Azure region name such as swedencentral (letters and digits).');
  }
  if (!allowUnlisted && !AZURE_PUBLIC_REGIONS.includes(normalized)) {
    const near = AZURE_PUBLIC_REGIONS.filter((r) => r.startsWith(normalized.slice(0, 4))).slice(0, 3);
    fail(
      field,
      value,
      `It is not an Azure public region${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}. ` +
        'For a region newer than this package, set allowUnlistedLocation: true.',
    );
  }
}

// ---- Deployments ----

/**
 * Largest deployment capacity accepted, in capacity units (1 unit = 1,000 tokens per minute for Standard SKUs,
 * one PTU for provisioned SKUs; docs/azure-facts.md §2). The largest default quota Azure OpenAI lists is 30M TPM
 * (https://learn.microsoft.com/azure/ai-services/openai/quotas-limits, GlobalStandard enterprise tier), i.e.
 * 30,000 units; 100,000 leaves room for raised quotas while refusing typos such as 1e9.
 */
export const MAX_DEPLOYMENT_CAPACITY = 100_000;

/** Floating aliases that are not versions: a deployment must pin one. */
const FLOATING_VERSIONS = ['latest', 'default', 'current', 'newest', 'stable', 'auto', '*'];

/**
 * A pinned model version: Azure OpenAI versions are dates or numbers (2024-08-06, 0613, 2, 001,
 * turbo-2024-04-09), so a version carries a digit; words such as "latest" are not versions.
 */
export function validateModelVersion(field: string, value: string): void {
  if (isUnresolved(value)) return;
  requireNonEmpty(
    field,
    value,
    'Pin the model version (e.g. 2024-08-06): without it Azure assigns its current default and the deployment drifts.',
  );
  if (
    FLOATING_VERSIONS.includes(value.toLowerCase()) ||
    !/\d/.test(value) ||
    !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)
  ) {
    fail(
      field,
      value,
      'Pin a concrete model version such as 2024-08-06 or 0613 (letters, digits, periods and hyphens, with a digit); floating aliases drift.',
    );
  }
}

// ---- Dates ----

/** A real calendar date, YYYY-MM-DD (2025-13-45 and 2099-02-30 are refused). Tokens pass. */
export function validateIsoDate(field: string, value: string | undefined): void {
  if (value === undefined || isUnresolved(value)) return;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (!m || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    fail(field, value, 'Use a real calendar date, YYYY-MM-DD (e.g. 2026-06-30).');
  }
}

// ---- IPv4 CIDR arithmetic ----

export interface Cidr {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly prefix: number;
}

export function parseCidr(field: string, value: string): Cidr {
  const m =
    typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value) : null;
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || prefix > 32) {
    fail(field, value, 'Use an IPv4 CIDR block such as 10.20.1.0/24.');
  }
  const address = ((octets[0] * 256 + octets[1]) * 256 + octets[2]) * 256 + octets[3];
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) {
    fail(
      field,
      value,
      `The address is not the start of a /${prefix} block; use ${formatIp(address - (address % size))}/${prefix}.`,
    );
  }
  return { text: value, start: address, end: address + size - 1, prefix };
}

/** A literal CIDR parsed (and validated), or undefined for a token (checked at plan instead). */
export function parseCidrOrToken(field: string, value: string): Cidr | undefined {
  return isUnresolved(value) ? undefined : parseCidr(field, value);
}

function formatIp(n: number): string {
  return [16777216, 65536, 256, 1].map((unit) => Math.floor(n / unit) % 256).join('.');
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Reject overlapping entries of a list of named CIDRs. */
export function rejectOverlaps(entries: ReadonlyArray<{ field: string; cidr: Cidr }>): void {
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      if (cidrsOverlap(entries[i].cidr, entries[j].cidr)) {
        fail(
          entries[j].field,
          entries[j].cidr.text,
          `It overlaps ${entries[i].field} (${entries[i].cidr.text}); give each subnet its own range.`,
        );
      }
    }
  }
}

/**
 * IPv4 ranges that are never a public Internet source. Source: IANA IPv4 Special-Purpose Address Registry
 * (https://www.iana.org/assignments/iana-ipv4-special-registry, RFC 6890) plus multicast 224.0.0.0/4
 * (RFC 5771) and the reserved block 240.0.0.0/4 (RFC 1112, including 255.255.255.255).
 */
export const SPECIAL_IPV4_RANGES: ReadonlyArray<{ cidr: string; use: string }> = [
  { cidr: '0.0.0.0/8', use: '"this network"' },
  { cidr: '10.0.0.0/8', use: 'private (RFC 1918)' },
  { cidr: '100.64.0.0/10', use: 'shared address space (carrier-grade NAT)' },
  { cidr: '127.0.0.0/8', use: 'loopback' },
  { cidr: '169.254.0.0/16', use: 'link-local' },
  { cidr: '172.16.0.0/12', use: 'private (RFC 1918)' },
  { cidr: '192.0.0.0/24', use: 'IETF protocol assignments' },
  { cidr: '192.0.2.0/24', use: 'documentation (TEST-NET-1)' },
  { cidr: '192.88.99.0/24', use: 'deprecated 6to4 relay anycast' },
  { cidr: '192.168.0.0/16', use: 'private (RFC 1918)' },
  { cidr: '198.18.0.0/15', use: 'benchmarking' },
  { cidr: '198.51.100.0/24', use: 'documentation (TEST-NET-2)' },
  { cidr: '203.0.113.0/24', use: 'documentation (TEST-NET-3)' },
  { cidr: '224.0.0.0/4', use: 'multicast' },
  { cidr: '240.0.0.0/4', use: 'reserved (and broadcast)' },
];
const SPECIAL = SPECIAL_IPV4_RANGES.map((r) => ({ ...r, parsed: parseCidr('SPECIAL_IPV4_RANGES', r.cidr) }));

/** The special-purpose range a CIDR overlaps, if any. */
export function specialRangeOf(cidr: Cidr): { cidr: string; use: string } | undefined {
  return SPECIAL.find((r) => cidrsOverlap(r.parsed, cidr));
}

/**
 * Network ACL IP rules: a public IPv4 address or CIDR. Azure accepts neither /31 nor /32 (give the single
 * address) nor RFC 1918 ranges (learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks);
 * other special-purpose ranges cannot be a public caller either.
 */
export function validatePublicIpRule(field: string, rule: string): void {
  if (isUnresolved(rule)) return;
  const m = typeof rule === 'string' ? /^(\d{1,3}(?:\.\d{1,3}){3})(\/(\d{1,2}))?$/.exec(rule) : null;
  if (!m || (m[3] !== undefined && Number(m[3]) > 30)) {
    fail(
      field,
      rule,
      'Use a public IPv4 address or a CIDR up to /30 (Azure does not accept /31 or /32; give a single address instead).',
    );
  }
  const cidr = parseCidr(field, m[2] ? rule : `${rule}/32`);
  const special = specialRangeOf(cidr);
  if (special) {
    fail(
      field,
      rule,
      `It overlaps ${special.cidr} (${special.use}): private, reserved, multicast and special ranges are not allowed in account IP rules; reach the account through its private endpoint instead.`,
    );
  }
}

/** Broadest source prefix an NSG allow rule accepts: a /7 or wider admits over 33 million addresses. */
export const BROADEST_SOURCE_PREFIX = 8;
