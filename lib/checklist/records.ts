import {
  HARDENING_RECORD_KIND,
  dateProblem,
  expiryGuardCondition,
  isReference,
  normalizeCondition,
  reasonProblem,
} from '../record-format';
import type { Exemption } from './engine';
import { TfModel, TfResource, asArray, block } from './model';
import { RuleIds } from './rule-ids';

/** One exemption entry of a hardening record, with what is wrong with it (empty when it may apply). */
export interface RecordEntry {
  readonly record: TfResource;
  readonly index: number;
  readonly exemption: Exemption;
  readonly problems: string[];
}

const ADDRESS = /^(module\.[A-Za-z0-9_-]+(\[[^\]]+\])?\.)*[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\[[^\]]+\])?$/;

/**
 * True when `resource` carries the plan-time guard `condition` (a precondition built by lib/record-format.ts) in its
 * lifecycle and a hardening record lists it among that resource's guards: the construct wrote it and it still
 * stands. Only Terraform JSON carries lifecycle blocks, so a plan or state never shows a guard.
 */
export function guardStands(model: TfModel, resource: TfResource, condition: string): boolean {
  if (model.format !== 'terraform-json') return false;
  const expected = normalizeCondition(condition);
  const inLifecycle = asArray(block(resource.values.lifecycle)?.precondition).some(
    (p) => normalizeCondition(p?.condition) === expected,
  );
  const listed = hardeningRecords(model).some((record) =>
    asArray(record.values.input.guards).some(
      (g) =>
        g?.address === resource.address &&
        asArray(g?.preconditions).some((c) => normalizeCondition(c) === expected),
    ),
  );
  return inLifecycle && listed;
}

/**
 * What is wrong with an expiry, or undefined. A literal must be a calendar date; a reference is accepted only while
 * the record's precondition checks it at plan (a real date, not over; lib/record-format.ts).
 */
function expiryProblem(model: TfModel | undefined, record: TfResource | undefined, expiresOn: unknown) {
  if (expiresOn === undefined || expiresOn === null) return undefined;
  if (isReference(expiresOn)) {
    return model && record && guardStands(model, record, expiryGuardCondition(expiresOn))
      ? undefined
      : `expires_on: ${JSON.stringify(expiresOn)} is a reference, and no precondition of this record checks it at plan (a real calendar date, not over)`;
  }
  const date = dateProblem(expiresOn);
  return date ? `expires_on: ${date}` : undefined;
}

/** Problems with one exemption; records the package writes never have any. */
export function exemptionProblems(
  e: Partial<Record<keyof Exemption, unknown>>,
  model?: TfModel,
  record?: TfResource,
): string[] {
  const problems: string[] = [];
  if (typeof e.address !== 'string' || !ADDRESS.test(e.address)) {
    problems.push(
      `address ${JSON.stringify(e.address)} is not one resource address (wildcards are never accepted)`,
    );
  }
  if (typeof e.ruleId !== 'string' || !RuleIds.all().includes(e.ruleId)) {
    problems.push(`rule ${JSON.stringify(e.ruleId)} is not a checklist rule`);
  } else if (RuleIds.notExemptable().includes(e.ruleId)) {
    problems.push(`rule ${e.ruleId} cannot be exempted`);
  }
  if (e.kind !== 'opt-out' && e.kind !== 'suppression') {
    problems.push(`kind ${JSON.stringify(e.kind)} is neither opt-out nor suppression`);
  }
  if (e.kind === 'opt-out' && (typeof e.property !== 'string' || e.property.trim() === '')) {
    problems.push('an opt-out must name the construct property that weakened the default');
  }
  const reason = reasonProblem(e.reason);
  if (reason) problems.push(reason);
  const expiry = expiryProblem(model, record, e.expiresOn);
  if (expiry) problems.push(expiry);
  return problems;
}

/**
 * Problems with a record's synth_checks_opt_out (synth-time checks left out of the stack), or none: the same
 * written reason and expiry an exemption needs, and the construct property that turned them off.
 */
export function synthChecksOptOutProblems(model: TfModel, record: TfResource): string[] {
  const optOut = record.values.input.synth_checks_opt_out;
  if (optOut === undefined || optOut === null) return [];
  if (typeof optOut !== 'object') return [`synth_checks_opt_out ${JSON.stringify(optOut)} is not a record`];
  const problems: string[] = [];
  if (typeof optOut.property !== 'string' || optOut.property.trim() === '') {
    problems.push('synth_checks_opt_out must name the construct property that turned synth checks off');
  }
  const reason = reasonProblem(optOut.reason);
  if (reason) problems.push(reason);
  const expiry = expiryProblem(model, record, optOut.expires_on);
  if (expiry) problems.push(expiry);
  return problems;
}

/** The terraform_data resources that are hardening records. */
function hardeningRecords(model: TfModel): TfResource[] {
  return model
    .ofType('terraform_data')
    .filter(
      (r) =>
        r.values.input && typeof r.values.input === 'object' && r.values.input.kind === HARDENING_RECORD_KIND,
    );
}

/** Every hardening record in the model, each exemption with its problems. */
export function readRecords(model: TfModel): Array<{ record: TfResource; exemptions: RecordEntry[] }> {
  return hardeningRecords(model).map((record) => ({
    record,
    exemptions: asArray(record.values.input.exemptions).map((raw: any, index: number) => {
      const exemption: Exemption = {
        address: raw?.address,
        ruleId: raw?.rule_id,
        kind: raw?.kind,
        reason: raw?.reason,
        ...(raw?.property !== undefined ? { property: raw.property } : {}),
        ...(raw?.expires_on !== undefined ? { expiresOn: raw.expires_on } : {}),
        author: typeof raw?.author === 'string' ? raw.author : record.address,
      };
      return { record, index, exemption, problems: exemptionProblems(exemption, model, record) };
    }),
  }));
}
