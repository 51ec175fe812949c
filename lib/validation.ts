/**
 * Input checks shared by the constructs. Every error names the field, the value and the fix,
 * and is thrown at construction time so that `cdktf synth` stops before anything weaker is emitted.
 */
import { Token } from 'cdktf';

/** Thrown for configuration that would be invalid or weaker than the hardened baseline. */
export class HardeningConfigError extends Error {
  constructor(field: string, value: unknown, fix: string) {
    super(`${field}: invalid value ${JSON.stringify(value)}. ${fix}`);
    this.name = 'HardeningConfigError';
  }
}

export function fail(field: string, value: unknown, fix: string): never {
  throw new HardeningConfigError(field, value, fix);
}

/** True when the value is a cdktf token (known only at apply time); such values cannot be checked here. */
export function isUnresolved(value: unknown): boolean {
  return typeof value === 'string' && Token.isUnresolved(value);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function validateGuid(field: string, value: string): void {
  if (isUnresolved(value)) return;
  if (!GUID.test(value)) {
    fail(field, value, 'Use the object (principal) ID: a GUID such as 00000000-0000-0000-0000-000000000000.');
  }
}

/** Custom subdomain: DNS label rules, 2-64 characters; it cannot be changed after creation. */
export function validateSubdomain(field: string, value: string): void {
  if (isUnresolved(value)) return;
  if (value.length < 2 || value.length > 64) {
    fail(
      field,
      value,
      `Use 2 to 64 characters (got ${value.length}); it becomes <subdomain>.openai.azure.com and cannot be changed later.`,
    );
  }
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(value)) {
    fail(
      field,
      value,
      'Use lower-case letters, digits and hyphens, starting and ending with a letter or digit.',
    );
  }
}

/** Azure resource names used by this package: letters, digits, hyphens, underscores, periods. */
export function validateResourceName(field: string, value: string, maxLength: number): void {
  if (isUnresolved(value)) return;
  if (value.length < 1 || value.length > maxLength) fail(field, value, `Use 1 to ${maxLength} characters.`);
  if (!/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?$/.test(value)) {
    fail(
      field,
      value,
      'Use letters, digits, hyphens, underscores and periods; start with a letter or digit and do not end with a period or hyphen.',
    );
  }
}

export function requireNonEmpty(field: string, value: string | undefined, fix: string): string {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) fail(field, value, fix);
  return value;
}

/** Reject duplicate keys, naming both positions. */
export function rejectDuplicates<T>(
  field: string,
  items: readonly T[],
  key: (item: T) => string,
  fix: string,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const k = key(item);
    if (seen.has(k)) fail(`${field}[${index}]`, k, `Duplicate of ${field}[${seen.get(k)}]. ${fix}`);
    seen.set(k, index);
  });
}

/** An Azure resource ID of the given provider/type path, e.g. Microsoft.Network/virtualNetworks/subnets. */
export function validateResourceId(field: string, value: string, typePath: string, example: string): void {
  if (isUnresolved(value)) return;
  const [namespace, ...types] = typePath.split('/');
  const pattern = new RegExp(
    `^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${namespace.replace(/\./g, '\\.')}` +
      types.map((t) => `/${t}/[^/]+`).join('') +
      '$',
    'i',
  );
  if (!pattern.test(value)) fail(field, value, `Expected a ${typePath} resource ID such as ${example}.`);
}

// ---- IPv4 CIDR arithmetic ----

export interface Cidr {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly prefix: number;
}

export function parseCidr(field: string, value: string): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
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
