import { HARDENING_RECORD_KIND } from '../hardening-record';
import { dateProblem, reasonProblem } from '../opt-out';
import type { Exemption } from './engine';
import { TfModel, TfResource, asArray } from './model';
import { RuleIds } from './rule-ids';

/** One exemption entry of a hardening record, with what is wrong with it (empty when it may apply). */
export interface RecordEntry {
  readonly record: TfResource;
  readonly index: number;
  readonly exemption: Exemption;
  readonly problems: string[];
}

const ADDRESS = /^(module\.[A-Za-z0-9_-]+(\[[^\]]+\])?\.)*[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\[[^\]]+\])?$/;

/** Problems with one exemption; records the package writes never have any. */
export function exemptionProblems(e: Partial<Record<keyof Exemption, unknown>>): string[] {
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
  if (e.expiresOn !== undefined && e.expiresOn !== null) {
    const date = dateProblem(e.expiresOn);
    if (date) problems.push(`expires_on: ${date}`);
  }
  return problems;
}

/** Every hardening record in the model, each exemption with its problems. */
export function readRecords(model: TfModel): Array<{ record: TfResource; exemptions: RecordEntry[] }> {
  return model
    .ofType('terraform_data')
    .filter(
      (r) =>
        r.values.input && typeof r.values.input === 'object' && r.values.input.kind === HARDENING_RECORD_KIND,
    )
    .map((record) => ({
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
        return { record, index, exemption, problems: exemptionProblems(exemption) };
      }),
    }));
}
