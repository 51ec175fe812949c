/**
 * Kinds of the terraform_data resources through which subscription coverage travels in Terraform JSON (kept in a
 * module without construct imports, so the checklist can read them without loading azurerm bindings).
 */

/** Marks the terraform_data resource of a subscription baseline (the checklist judges its export and plan). */
export const SUBSCRIPTION_BASELINE_KIND = 'aoai-subscription-baseline';
/** Marks the terraform_data resource in which an account stack declares how its subscription is covered. */
export const SUBSCRIPTION_COVERAGE_KIND = 'aoai-subscription-coverage';
