import { InputError as CheckInputError } from './model';

export * from './aspect';
export * from './suppressions';
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
} from './engine';
export { checkDocument, checkDocuments } from './engine';
export type { InputFormat, NamedDocument } from './model';
export type { RuleReferences, Severity } from './rule';
export { RuleIds } from './rule-ids';

/** Thrown by checkDocument / checkDocuments for a document that is not Terraform JSON, plan JSON or state JSON. */
export const InputError = CheckInputError;
export type InputError = CheckInputError;
