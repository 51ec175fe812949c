// The CLI's one window onto the repository's checklist core and fact tables (lib/). esbuild bundles these modules
// into dist/aoai-harden.js (cli/build.js), so the package ships no second copy of their source and no cdktf: every
// module reached from here is cdktf-free (lint, and the bundle's inputs in __tests__/checklist-core.test.ts).
export { checkDocuments, runChecks } from '../../lib/checklist/engine';
export type { Exemption, Finding, Report, RuleInfo, ScopeExclusion } from '../../lib/checklist/engine';
export type { CheckSelection } from '../../lib/checklist/check-selection';
export { InputError, detectFormat, loadDocuments } from '../../lib/checklist/model';
export { FleetCollisions } from '../../lib/checklist/fleet-collisions';
export type { NameCollision, StackDocument } from '../../lib/checklist/fleet-collisions';
export { parseTerraformJsonText } from '../../lib/checklist/json-text';
export { DOCS_BASE_URL, PACKAGE_VERSION } from '../../lib/checklist/package-info';
export { exemptionProblems } from '../../lib/checklist/records';
export {
  sarifLog,
  toJson,
  toJsonStacks,
  toJunit,
  toJunitStacks,
  toMarkdown,
  toMarkdownStacks,
  toSarif,
  toSarifStacks,
  toText,
  toTextStacks,
} from '../../lib/checklist/reporters';
export type { ReportContext, ReportSource, StackReport } from '../../lib/checklist/reporters';
export { dateProblem } from '../../lib/record-format';
export { CHECKLIST } from '../../lib/checklist/checklist-items';
export { AUDIT_RETENTION_DAYS, COGNITIVE_API_VERSION, PRIVATE_DNS_ZONES } from '../../lib/azure-facts';
export * as detections from '../../lib/detections';
