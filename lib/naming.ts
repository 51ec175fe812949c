/**
 * The naming scheme for the names this package derives (names Azure keeps unique within a scope: a resource
 * group, a zone, a subscription). Every derived name is `<abbreviation>-<prefix>[-<qualifier>]`, where the prefix
 * is the account name (NamingScheme.fromAccount) or one the user gives (NamingScheme.fromPrefix), so two accounts,
 * stacks or environments never derive the same name, and no name is a constant of the package.
 *
 * Length limits are handled deterministically: a name longer than its limit keeps its head and ends with
 * `-<6 hex digits of SHA-256 of the full name>`, so two long names that differ only in their tail stay distinct
 * and a synth is byte-identical across runs.
 */
import { createHash } from 'crypto';
import { fail, isUnresolved } from './validation';

/**
 * Maximum name lengths of the resources whose names this package derives.
 * Source: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 * (resourceGroups 1-90; virtualNetworks 2-64; networkSecurityGroups 1-80; privateEndpoints 2-64;
 * privateDnsZones/virtualNetworkLinks 1-80; userAssignedIdentities 3-128; OperationalInsights workspaces 4-63).
 */
export const NAME_LIMITS = {
  RESOURCE_GROUP: 90,
  VIRTUAL_NETWORK: 64,
  NETWORK_SECURITY_GROUP: 80,
  PRIVATE_ENDPOINT: 64,
  DNS_ZONE_LINK: 80,
  USER_ASSIGNED_IDENTITY: 128,
  LOG_ANALYTICS_WORKSPACE: 63,
} as const;

/** Characters of the hash suffix that replaces the tail of an over-long name. */
const HASH_LENGTH = 6;

/**
 * Fit a name into `maxLength` characters: unchanged when it fits; otherwise its head, then `-` and six hex digits of
 * the SHA-256 of the whole name. Unresolved tokens are returned as they are (Azure validates them at apply).
 */
export function fitName(name: string, maxLength: number): string {
  if (isUnresolved(name) || name.length <= maxLength) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, HASH_LENGTH);
  // Names end with a letter or digit (Azure refuses a trailing hyphen or period on most types).
  const head = name.slice(0, maxLength - HASH_LENGTH - 1).replace(/[-._]+$/, '');
  return `${head}-${hash}`;
}

/** The last segment of an Azure resource ID (its name), or undefined for a token. */
export function nameFromResourceId(id: string): string | undefined {
  if (isUnresolved(id)) return undefined;
  const parts = id.split('/').filter((p) => p !== '');
  return parts[parts.length - 1];
}

/**
 * Derives names that are unique per account (or per prefix) within their Azure scope.
 * Scheme: `<abbreviation>-<prefix>[-<qualifier>]`, fitted to the resource type's length limit.
 */
export class NamingScheme {
  /** Names derived from the account name (unique within a resource group, and its subdomain globally). */
  public static fromAccount(accountName: string): NamingScheme {
    return new NamingScheme(accountName);
  }

  /**
   * Names derived from an explicit prefix such as "contoso-aoai-prod-swedencentral": 1-40 lower-case letters, digits
   * and hyphens, starting with a letter.
   */
  public static fromPrefix(prefix: string): NamingScheme {
    if (!isUnresolved(prefix) && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(prefix ?? '')) {
      fail(
        'namePrefix',
        prefix,
        'Use 1 to 64 lower-case letters, digits and hyphens, starting with a letter or digit (e.g. contoso-aoai-prod).',
      );
    }
    return new NamingScheme(prefix);
  }

  private constructor(
    /** The prefix every derived name carries. */
    public readonly prefix: string,
  ) {}

  /**
   * `<abbreviation>-<prefix>[-<qualifier>]`, fitted to `maxLength`.
   * @param abbreviation resource abbreviation, e.g. "nsg", "link", "rg"
   * @param maxLength the resource type's limit (NAME_LIMITS)
   * @param qualifier what distinguishes several names of one type for one prefix, e.g. the linked VNet's name
   */
  public name(abbreviation: string, maxLength: number, qualifier?: string): string {
    const parts = [abbreviation, this.prefix, ...(qualifier ? [qualifier] : [])];
    return fitName(parts.join('-'), maxLength);
  }
}
