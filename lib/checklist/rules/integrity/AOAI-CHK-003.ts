import { readRecords, synthChecksOptOutProblems } from '../../records';
import { bad, ok, Rule, RuleResult } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-CHK-003',
  constant: 'CHK_EXEMPTION_RECORD',
  summary: 'Exemption records are well-formed.',
  exemptable: false,
  severity: 'error',
  phase: 'Checklist Integrity',
  title: 'Every exemption comes from a well-formed hardening record',
  rationale:
    'Exemptions are only honoured as this package writes them: one resource address (no wildcard), a known rule, a written reason, a real date or none; the record of synth checks left out needs a written reason too. Anything else is refused and reported; it cannot be exempted.',
  references: {},
  failClosed:
    'Cannot be exempted; a refused exemption exempts nothing. An expiry by reference is refused unless the record carries the precondition the construct wrote (a real date, not over, evaluated by Terraform at plan) and lists it; a plan or state shows no guard.',
  evaluate: (m) => {
    const records = readRecords(m);
    const results: RuleResult[] = [];
    for (const { record, exemptions } of records) {
      for (const e of exemptions.filter((x) => x.problems.length)) {
        results.push(
          bad(
            record.address,
            `exemption ${e.index} (${String(e.exemption.ruleId)} on ${String(e.exemption.address)}) is refused: ${e.problems.join('; ')}`,
            {
              address: e.exemption.address,
              rule_id: e.exemption.ruleId,
              reason: e.exemption.reason,
              expires_on: e.exemption.expiresOn,
            },
          ),
        );
      }
      const synthChecks = synthChecksOptOutProblems(m, record);
      if (synthChecks.length) {
        results.push(
          bad(
            record.address,
            `synth_checks_opt_out is refused: ${synthChecks.join('; ')}`,
            record.values.input.synth_checks_opt_out,
          ),
        );
      }
      if (!exemptions.some((x) => x.problems.length) && !synthChecks.length) {
        results.push(ok(record.address, `${exemptions.length} exemption(s), all well-formed`));
      }
    }
    return results.length ? results : [{ status: 'not-applicable', message: 'no hardening record' }];
  },
};
