import { MIN_REASON_LENGTH, reasonProblem } from './record-format';
import { fail, isUnresolved, validateIsoDate } from './validation';

// The reason and date tests are the exchange format's (lib/record-format.ts): the checklist applies the same ones.
export { MIN_REASON_LENGTH };

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

/** @internal Validate an opt-out property: a real written reason and a real date or none. */
export function validateOptOut(field: string, optOut: OptOut | undefined): OptOut | undefined {
  if (optOut === undefined) return undefined;
  // A reason given by reference is recorded as its reference; reviewers see it in the plan, where the
  // checklist judges it (a record whose reason is still an expression cannot verify it: AOAI-CHK-003).
  const reason = isUnresolved(optOut.reason) ? optOut.reason : (optOut.reason ?? '').trim();
  if (!isUnresolved(reason) && reasonProblem(reason)) {
    fail(
      `${field}.reason`,
      optOut.reason,
      `An opt-out needs a written reason (at least ${MIN_REASON_LENGTH} characters and two words) explaining why the weaker setting is acceptable.`,
    );
  }
  validateIsoDate(`${field}.expiresOn`, optOut.expiresOn);
  return { reason, expiresOn: optOut.expiresOn };
}
