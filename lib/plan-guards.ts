import { AUDIT_RETENTION_DAYS } from './azure-facts';

/**
 * Plan-time guards for inputs given as Terraform references. A literal is judged at synth (construction and the
 * checklist); a reference is only known at plan, so the construct writes a Terraform precondition that judges the
 * real value there, and the checklist accepts the reference only while that exact guard stands (AOAI-CHK-003,
 * AOAI-MON-002). Construct and checklist build the condition with these functions from the value as it appears in
 * the JSON, so any edit of the condition (removed, weakened, pointed at another value) no longer matches.
 *
 * `resolved` is the value as written in Terraform JSON ("${var.expiry}"); the condition quotes it verbatim, as an
 * HCL template, so any reference or expression works.
 */

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

/** True when a JSON value is (or holds) a Terraform reference or expression, i.e. unknown until plan. */
export function isReference(value: unknown): value is string {
  return typeof value === 'string' && value.includes('${');
}
