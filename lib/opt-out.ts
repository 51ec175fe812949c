import { fail, isUnresolved, validateIsoDate } from './validation';

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
  // A reason given by reference is recorded as its reference; reviewers see it in the plan.
  const reason = isUnresolved(optOut.reason) ? optOut.reason : (optOut.reason ?? '').trim();
  if (!isUnresolved(reason) && reason.length < MIN_REASON_LENGTH) {
    fail(
      `${field}.reason`,
      optOut.reason,
      `An opt-out needs a written reason of at least ${MIN_REASON_LENGTH} characters explaining why the weaker setting is acceptable.`,
    );
  }
  validateIsoDate(`${field}.expiresOn`, optOut.expiresOn);
  return { reason, expiresOn: optOut.expiresOn };
}
