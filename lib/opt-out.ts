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

/**
 * What is wrong with a written reason, or undefined: at least MIN_REASON_LENGTH characters and at least two
 * distinct words of three or more letters, so "n/a", "xxxxxxxxxxxx" or "1234567890" are refused.
 * The checklist applies the same test to every recorded exemption.
 */
export function reasonProblem(reason: unknown): string | undefined {
  const text = typeof reason === 'string' ? reason.trim() : '';
  const words = new Set((text.toLowerCase().match(/\p{L}{3,}/gu) ?? []).filter((w) => !/^(.)\1+$/.test(w)));
  if (text.length < MIN_REASON_LENGTH || words.size < 2) {
    return `reason ${JSON.stringify(reason ?? '')} is not a written reason (at least ${MIN_REASON_LENGTH} characters and two words)`;
  }
  return undefined;
}

/** What is wrong with a YYYY-MM-DD date, or undefined: it must be a real calendar day ("2026-02-30" is not). */
export function dateProblem(date: unknown): string | undefined {
  const m = typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (d.toISOString().slice(0, 10) === date) return undefined;
  }
  return `${JSON.stringify(date)} is not a calendar date (YYYY-MM-DD)`;
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
