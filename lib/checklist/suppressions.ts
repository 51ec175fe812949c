import { IConstruct } from 'constructs';
import { HardeningRecord } from '../hardening-record';
import { validateOptOut } from '../opt-out';
import { fail } from '../validation';
import { ALL_RULES } from './rules';

/** A checklist finding accepted for a construct. */
export interface RuleSuppression {
  /** The rule ID, e.g. AOAI-MON-003. */
  readonly ruleId: string;
  /** Why the finding is accepted (at least 10 characters). */
  readonly reason: string;
  /**
   * Last day the suppression applies (YYYY-MM-DD); after it the finding counts again.
   * @default - no expiry
   */
  readonly expiresOn?: string;
}

/** Suppress checklist findings on every resource under a construct, cdk-nag style. Recorded in the synthesized output. */
export class HardeningSuppressions {
  /**
   * Accept findings of the given rules on every resource under `construct`, each with its reason (and expiry);
   * recorded in the stack's hardening record and listed in every report.
   */
  public static addResourceSuppressions(construct: IConstruct, suppressions: RuleSuppression[]): void {
    suppressions.forEach((s, i) => {
      if (!ALL_RULES.some((r) => r.id === s.ruleId)) {
        fail(
          `suppressions[${i}].ruleId`,
          s.ruleId,
          `Unknown rule; use one of ${ALL_RULES.map((r) => r.id).join(', ')}.`,
        );
      }
      const valid = validateOptOut(`suppressions[${i}]`, { reason: s.reason, expiresOn: s.expiresOn })!;
      HardeningRecord.of(construct).recordSuppression(construct, {
        ruleId: s.ruleId,
        reason: valid.reason,
        kind: 'suppression',
        expiresOn: valid.expiresOn,
      });
    });
  }
}
