import { Exemption, Report, runChecks } from '../checklist/engine';
import { loadModel } from '../checklist/model';

export interface JudgeOptions {
  /** Suppression expiry date, YYYY-MM-DD. */
  readonly today: string;
  readonly exemptions: readonly Exemption[];
}

/**
 * The one place the run task calls the checklist: a parsed plan JSON in, the report out. Invalid input
 * throws (InputError), which the task reports as failed.
 */
export function judgePlan(plan: unknown, options: JudgeOptions): Report {
  return runChecks(loadModel(plan, 'plan JSON'), {
    today: options.today,
    extraExemptions: [...options.exemptions],
  });
}
