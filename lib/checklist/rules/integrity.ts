import { TfModel } from '../model';
import { readRecords } from '../records';
import { Rule, RuleResult, accounts, bad, ok } from '../rule';
import { RuleIds } from '../rule-ids';

const phase = 'Checklist Integrity' as const;

/**
 * Rules about the checklist's own work: an input with nothing to judge, an account it cannot judge, and exemption
 * records it refuses. They keep a wrong file, an unseen account or a forged record from passing silently.
 */
export const INTEGRITY_RULES: Rule[] = [
  {
    id: RuleIds.CHK_NO_ACCOUNT,
    severity: 'error',
    phase,
    title: 'The input has an Azure OpenAI account to judge',
    rationale:
      'An input with no account (a wrong file, an empty plan, a plan of another stack) would otherwise pass every rule as "not applicable"; it cannot be exempted.',
    references: {},
    evaluate: (m) => {
      const all = accounts(m);
      return all.length
        ? [
            ok(
              all[0].resource.address,
              `${all.length} account(s) judged: ${all.map((a) => a.resource.address).join(', ')}`,
            ),
          ]
        : [
            bad(
              undefined,
              'no Azure OpenAI account in this input: nothing was judged (is this the right file? a plan needs planned_values or resource_changes)',
              m.resources.length ? `${m.resources.length} other resource(s)` : '(no resources)',
            ),
          ];
    },
  },
  {
    id: RuleIds.CHK_CANNOT_JUDGE,
    severity: 'error',
    phase,
    title: 'Every account can be judged: no account hidden in a module call and no account kind unknown',
    rationale:
      'Terraform JSON shows a module call, not the resources inside it, and a kind that is a variable may be OpenAI; both are reported instead of passing unseen (check the plan JSON to see inside modules).',
    references: {},
    evaluate: (m) => cannotJudge(m),
  },
  {
    id: RuleIds.CHK_EXEMPTION_RECORD,
    severity: 'error',
    phase,
    title: 'Every exemption comes from a well-formed hardening record',
    rationale:
      'Exemptions are only honoured as this package writes them: one resource address (no wildcard), a known rule, a written reason, a real date or none. Anything else is refused and reported; it cannot be exempted.',
    references: {},
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
        if (!exemptions.some((x) => x.problems.length)) {
          results.push(ok(record.address, `${exemptions.length} exemption(s), all well-formed`));
        }
      }
      return results.length ? results : [{ status: 'not-applicable', message: 'no hardening record' }];
    },
  },
];

function cannotJudge(m: TfModel): RuleResult[] {
  const results: RuleResult[] = [];
  for (const call of m.hiddenModules) {
    results.push(
      bad(
        call.address,
        `cannot judge ${call.address}: Terraform JSON does not show the resources of a module call (source ${JSON.stringify(call.source)}); check the plan JSON, which does`,
        call.source,
      ),
    );
  }
  for (const a of accounts(m).filter((x) => !x.kindKnown)) {
    results.push(
      bad(
        a.resource.address,
        'cannot verify the account kind: it is not a literal; judged as an Azure OpenAI account, with the AIServices DNS zones',
        a.resource.values.kind ?? '(unset)',
      ),
    );
  }
  return results.length
    ? results
    : [ok(undefined, 'every account and module in the input is visible and of a known kind')];
}
