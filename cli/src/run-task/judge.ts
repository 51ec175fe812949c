import { Exemption, Report, checkDocuments } from '../core';

export interface JudgeOptions {
  /** Suppression expiry date, YYYY-MM-DD. */
  readonly today: string;
  readonly exemptions: readonly Exemption[];
}

/**
 * The one place the run task calls the checklist: a parsed plan JSON in, the report out, through the public entry
 * point (checkDocument's named form, so an input error says "plan JSON: ..." rather than "input: ..."). Invalid
 * input throws (InputError), which the task reports as failed.
 */
export function judgePlan(plan: unknown, options: JudgeOptions): Report {
  return checkDocuments([{ name: 'plan JSON', document: plan }], {
    today: options.today,
    extraExemptions: [...options.exemptions],
  });
}
