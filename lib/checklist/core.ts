// The checklist core: Terraform JSON, plan JSON or state JSON in, findings out. It loads no cdktf, no constructs
// and no construct module (only lib/record-format.ts and the fact tables), so `aoai-harden` and the run-task
// server judge a plan without them (__tests__/checklist-core.test.ts). The synth-time glue that needs cdktf, the
// HardeningChecks Aspect and HardeningSuppressions, is lib/checklist/index.ts's addition for construct users.
import { InputError as CheckInputError } from './model';

export type {
  AccessSummaryEntry,
  AppliedExemption,
  CheckOptions,
  ChecklistStatus,
  Exemption,
  Finding,
  FindingStatus,
  Report,
  ReportSummary,
  RuleInfo,
  ScopeExclusion,
} from './engine';
export { checkDocument, checkDocuments } from './engine';
export { FleetCollisions } from './fleet-collisions';
export type { NameCollision, NamedIdentity, StackDocument } from './fleet-collisions';
export type { AppliedSelection, CheckSelection } from './check-selection';
export type { InputFormat, NamedDocument } from './model';
export type { RuleReferences, Severity } from './rule';
export { RuleIds } from './rule-ids';

/** Thrown by checkDocument / checkDocuments for a document that is not Terraform JSON, plan JSON or state JSON. */
export const InputError = CheckInputError;
export type InputError = CheckInputError;
