import { AUDIT_RETENTION_DAYS } from './azure-facts';

/*
 * The exchange format between the constructs and the checklist: what the constructs write into Terraform JSON for
 * the checklist to read (record kinds and the hardening record's schema), the plan-time guards both sides build
 * from the same text, and the tests a written reason and an expiry date must pass on both sides.
 *
 * Imported by both, importing neither: no cdktf, no constructs, no construct module (only the fact table). The
 * checklist core, `aoai-harden` and the run-task server load this file and never a construct (lint and
 * `__tests__/checklist-core.test.ts` hold that).
 */

// ---- Record kinds: `input.kind` of the terraform_data resources the constructs write ----

/** Marks the terraform_data resource that carries opt-outs and suppressions in Terraform JSON. */
export const HARDENING_RECORD_KIND = 'aoai-hardening-record';
/** Marks the terraform_data resource of a subscription baseline (the checklist judges its export and plan). */
export const SUBSCRIPTION_BASELINE_KIND = 'aoai-subscription-baseline';
/** Marks the terraform_data resource in which an account stack declares how its subscription is covered. */
export const SUBSCRIPTION_COVERAGE_KIND = 'aoai-subscription-coverage';

// ---- The hardening record's schema (`input` of the terraform_data resource), as written and as read ----

/** One exemption entry: a rule a resource is excused from, with who asked and why. */
export interface RecordExemptionEntry {
  /** The resource address, type.name (one resource; wildcards are never accepted). */
  readonly address: string;
  readonly rule_id: string;
  /** "opt-out" (a construct property weakened a default) or "suppression" (a finding was accepted). */
  readonly kind: string;
  /** The construct path that asked for it. */
  readonly author: string;
  readonly reason: string;
  /** The construct property that weakened the default (opt-outs only). */
  readonly property?: string;
  /** Last day the exemption applies (YYYY-MM-DD, or a reference guarded at plan). */
  readonly expires_on?: string;
}

/** The lifecycle conditions a resource was constructed with, as recorded text ("$${" for "${"). */
export interface RecordGuardEntry {
  readonly address: string;
  readonly postconditions: string[];
  /** Left out when there is none. */
  readonly preconditions?: string[];
}

/** Synth-time checks left out of the stack: who turned them off and why (it exempts no rule). */
export interface RecordSynthChecksOptOut {
  readonly property: string;
  readonly reason: string;
  readonly expires_on?: string;
}

/** The whole record (`terraform_data.input`). */
export interface HardeningRecordInput {
  readonly kind: typeof HARDENING_RECORD_KIND;
  readonly exemptions: RecordExemptionEntry[];
  readonly guards: RecordGuardEntry[];
  readonly synth_checks_opt_out?: RecordSynthChecksOptOut;
}

/** A condition as recorded: "$${" is Terraform's escape for a literal "${" (self is not valid in terraform_data). */
export const escapeCondition = (condition: string): string => condition.replace(/\$\{/g, () => '$${');

/** A condition's text, whitespace-free, with Terraform's "$${" escape (as recorded) read as "${". */
export const normalizeCondition = (c: unknown): string =>
  String(c)
    .replace(/\$\$\{/g, () => '${')
    .replace(/\s+/g, '');

// ---- Written reasons and dates (opt-outs, suppressions, recorded exemptions) ----

/** Minimum reason length: long enough that "n/a" or "test" is refused. */
export const MIN_REASON_LENGTH = 10;

/**
 * What is wrong with a written reason, or undefined: at least MIN_REASON_LENGTH characters and at least two
 * distinct words of three or more letters, so "n/a", "xxxxxxxxxxxx" or "1234567890" are refused.
 * Constructs apply it to every opt-out; the checklist applies it to every recorded exemption.
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

// ---- Plan-time guards for inputs given as Terraform references ----
//
// A literal is judged at synth (construction and the checklist); a reference is only known at plan, so the
// construct writes a Terraform precondition that judges the real value there, and the checklist accepts the
// reference only while that exact guard stands (AOAI-CHK-003, AOAI-MON-002). Construct and checklist build the
// condition with these functions from the value as it appears in the JSON, so any edit of the condition (removed,
// weakened, pointed at another value) no longer matches.
//
// `resolved` is the value as written in Terraform JSON ("${var.expiry}"); the condition quotes it verbatim, as an
// HCL template, so any reference or expression works.

/**
 * An opt-out expiry: a YYYY-MM-DD string that is a real calendar day and not over at plan time. `timecmp` parses
 * RFC 3339 and refuses impossible days (2026-02-30, 2025-13-45), so `try(...)` turns those into false; plantimestamp()
 * is the plan's time (Terraform >= 1.5; https://developer.hashicorp.com/terraform/language/functions/plantimestamp,
 * https://developer.hashicorp.com/terraform/language/functions/timecmp). The day applies through 23:59:59 UTC, as
 * the checklist's `expiresOn >= today` does.
 */
export function expiryGuardCondition(resolved: string): string {
  const value = `"${resolved}"`;
  return `\${can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", ${value})) && try(timecmp(format("%sT23:59:59Z", ${value}), plantimestamp()) >= 0, false)}`;
}

/** Workspace retention: at least the audit requirement (AUDIT_RETENTION_DAYS). */
export function retentionGuardCondition(resolved: string): string {
  return `\${tonumber("${resolved}") >= ${AUDIT_RETENTION_DAYS}}`;
}

/** A deployment capacity: a whole number from 1 to `max` (the construct's literal range). */
export function capacityGuardCondition(resolved: string, max: number): string {
  return `\${try(tonumber("${resolved}") == floor(tonumber("${resolved}")) && tonumber("${resolved}") >= 1 && tonumber("${resolved}") <= ${max}, false)}`;
}

/** An e-mail address as a literal is checked (construct and checklist): something@host.tld, no whitespace. */
export const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/;

/**
 * The same rule for a value given by reference, judged by Terraform at plan. RE2 syntax (Terraform's regex;
 * https://developer.hashicorp.com/terraform/language/functions/regex); `can(regex(...))` is false when the pattern
 * does not match.
 */
export const EMAIL_GUARD_PATTERN = '^[^@[:space:]]+@[^@[:space:]]+[.][A-Za-z]{2,}$';
/** An https:// URL without whitespace (alert payloads must not travel in clear text). */
export const HTTPS_GUARD_PATTERN = '^https://[^[:space:]]+$';

/** One value given by reference must match `pattern` (e.g. an e-mail receiver from a variable). */
export function patternGuardCondition(pattern: string, resolved: string): string {
  return `\${can(regex("${pattern}", "${resolved}"))}`;
}

/**
 * Every element of a list given by reference must match `pattern`. `resolved` is the list expression as written in
 * the JSON (for a receiver list, the dynamic block's for_each, "${toset(var.emails)}"); a template that is one
 * interpolation keeps the value's type, so it iterates the list.
 */
export function listPatternGuardCondition(pattern: string, resolved: string): string {
  return `\${alltrue([for v in "${resolved}" : can(regex("${pattern}", v))])}`;
}

/** True when a JSON value is (or holds) a Terraform reference or expression, i.e. unknown until plan. */
export function isReference(value: unknown): value is string {
  return typeof value === 'string' && value.includes('${');
}

/**
 * Marks the terraform_data resource in which PrivateNetworking declares what it adopts from the platform: the NSG
 * already on the endpoint subnet, and who sets the subnet's network policies.
 */
export const NETWORK_ADOPTION_KIND = 'aoai-network-adoption';
