import { fail } from './validation';

/**
 * The one way to weaken a hardened default: an explicit property carrying a written reason.
 * The reason is recorded in the synthesized Terraform (the hardening record) and in the hardening report.
 */
export interface OptOut {
  /** Why the weaker setting is acceptable here (at least 10 characters, e.g. "lab subscription without VNet; deleted nightly"). */
  readonly reason: string;
  /**
   * Date after which the opt-out no longer suppresses its rule (YYYY-MM-DD).
   * @default - no expiry
   */
  readonly expiresOn?: string;
}

/** Minimum reason length: long enough that "n/a" or "test" is refused. */
export const MIN_REASON_LENGTH = 10;

export function validateOptOut(field: string, optOut: OptOut | undefined): OptOut | undefined {
  if (optOut === undefined) return undefined;
  const reason = (optOut.reason ?? '').trim();
  if (reason.length < MIN_REASON_LENGTH) {
    fail(
      `${field}.reason`,
      optOut.reason,
      `An opt-out needs a written reason of at least ${MIN_REASON_LENGTH} characters explaining why the weaker setting is acceptable.`,
    );
  }
  if (optOut.expiresOn !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(optOut.expiresOn)) {
    fail(`${field}.expiresOn`, optOut.expiresOn, 'Use an ISO date, YYYY-MM-DD.');
  }
  return { reason, expiresOn: optOut.expiresOn };
}
