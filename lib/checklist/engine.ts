import { ROLE_NAMES } from '../azure-facts';
import { AppliedSelection, CheckSelection, applySelection } from './check-selection';
import { CHECKLIST } from './checklist-items';
import { InputError, InputFormat, NamedDocument, TfModel, loadDocuments, loadModel } from './model';
import { exemptionProblems, readRecords } from './records';
import { RuleReferences, RuleResult, Severity, accounts } from './rule';
import { ALL_RULES } from './rules';
import { grants } from './rules/identity/shared';

/** A recorded reason to accept a finding: an opt-out (a weakened construct property) or a suppression. */
export interface Exemption {
  /** The Terraform address it covers (never a wildcard). */
  readonly address: string;
  /** The rule it exempts, e.g. AOAI-NET-001. */
  readonly ruleId: string;
  /** "opt-out" or "suppression". */
  readonly kind: string;
  /** Why the weaker setting is accepted (written by the user, at least 10 characters). */
  readonly reason: string;
  /**
   * The construct property that weakened the default (opt-outs).
   * @default - none
   */
  readonly property?: string;
  /**
   * Last day it applies (YYYY-MM-DD).
   * @default - no expiry
   */
  readonly expiresOn?: string;
  /**
   * Who wrote it: the construct path (records this package writes) or the suppressions file.
   * @default - unknown
   */
  readonly author?: string;
}

/** An exemption as applied to one finding. */
export interface AppliedExemption extends Exemption {
  /** True when expiresOn is before the check date: the finding counts again. */
  readonly expired: boolean;
}

/** compliant | non-compliant | not-applicable | suppressed. */
export type FindingStatus = 'compliant' | 'non-compliant' | 'not-applicable' | 'suppressed';

/** One rule's judgement of one resource (or of the configuration as a whole). */
export interface Finding {
  /** The rule, e.g. AOAI-NET-001. */
  readonly ruleId: string;
  /** error | warning. */
  readonly severity: Severity;
  /** compliant | non-compliant | not-applicable | suppressed. */
  readonly status: FindingStatus;
  /**
   * The Terraform address judged (for non-compliant: the offending one).
   * @default - the configuration as a whole
   */
  readonly address?: string;
  /** What was found, in a sentence. */
  readonly message: string;
  /**
   * The offending value.
   * @default - none
   */
  readonly value?: unknown;
  /**
   * The exemption that suppressed the finding (or that expired).
   * @default - none
   */
  readonly exemption?: AppliedExemption;
}

/** One item of the guide's Hardening Validation Checklist and what this run proved of it. */
export interface ChecklistStatus {
  /** The item's ID, e.g. NI-1. */
  readonly id: string;
  /** Network Isolation, Identity and Access, Content Safety or Monitoring. */
  readonly phase: string;
  /** The checklist item as the guide words it. */
  readonly item: string;
  /** The rules that prove it at synth. */
  readonly rules: string[];
  /** How far synth proves it: proven at synth, partly proven at synth, or post-deploy. */
  readonly proof: string;
  /**
   * What to run after deploy to prove the rest.
   * @default - nothing to run after deploy
   */
  readonly postDeploy?: string;
  /**
   * The `aoai-harden verify` checks that prove this item against the live deployment.
   * @default - none
   */
  readonly verifiedBy?: string[];
  /**
   * Why `aoai-harden verify` cannot prove this post-deploy item.
   * @default - none
   */
  readonly manualReason?: string;
  /** pass: every mapped rule compliant or suppressed; fail: a mapped rule non-compliant; n/a otherwise. */
  readonly synthResult: string;
}

/** A rule as the report describes it. */
export interface RuleInfo {
  /** Stable rule ID, e.g. AOAI-NET-001 (never reused or renumbered). */
  readonly id: string;
  /** error (fails synth, the CLI and the run task) or warning. */
  readonly severity: Severity;
  /** The hardening phase the rule belongs to. */
  readonly phase: string;
  /** One-line statement of the control. */
  readonly title: string;
  /** Why the control matters. */
  readonly rationale: string;
  /** The same control in checkov, Azure Policy and the Microsoft cloud security benchmark. */
  readonly references: RuleReferences;
}

/** One role assignment, as the access summary shows it. */
export interface AccessSummaryEntry {
  /** The role assignment's Terraform address. */
  readonly address: string;
  /** The principal's object ID as written (a literal or an expression). */
  readonly principalId: unknown;
  /** User, Group or ServicePrincipal as written (unset when the assignment does not say). */
  readonly principalType: unknown;
  /** Role name and GUID, e.g. "Cognitive Services OpenAI User (5e0bd9bd-...)". */
  readonly role: string;
  /** The resource the assignment is scoped to (its address), or the literal scope. */
  readonly scope: unknown;
}

/** The counts of a report's findings. */
export interface ReportSummary {
  /** Non-compliant error-level findings: any of them fails synth, the CLI and the run task. */
  readonly errors: number;
  /** Non-compliant warning-level findings. */
  readonly warnings: number;
  /** Findings accepted by an opt-out or suppression in force. */
  readonly suppressed: number;
  /** Compliant findings. */
  readonly compliant: number;
  /** Rules with nothing to judge in this input. */
  readonly notApplicable: number;
}

/** The result of checking one configuration, plan or state: what the JSON, Markdown, SARIF and JUnit reports hold. */
export interface Report {
  /** terraform-json | plan-json | state-json. */
  readonly format: InputFormat;
  /**
   * Phases declared managed elsewhere, with their reasons.
   * @default - none (every phase judged)
   */
  readonly managedElsewhere?: ScopeExclusion[];
  /**
   * Rules picked by name for this run (`--check` / `--skip-check`), with the reason and every rule skipped.
   * @default - none (every rule judged)
   */
  readonly checkSelection?: AppliedSelection;
  /** Every rule of the checklist, as the reports describe it. */
  readonly rules: RuleInfo[];
  /** Every exemption in force or expired, listed before any finding. */
  readonly exemptions: Exemption[];
  /** Every rule's judgement of every resource it applies to. */
  readonly findings: Finding[];
  /** The guide's Hardening Validation Checklist with this run's result per item. */
  readonly checklist: ChecklistStatus[];
  /** Every role assignment in the input, for an access review. */
  readonly accessSummary: AccessSummaryEntry[];
  /** The counts. */
  readonly summary: ReportSummary;
}

/** A phase of the checklist whose controls this configuration does not hold, with the reason (declared scope). */
export interface ScopeExclusion {
  /** The phase as rules name it: Network Isolation, Identity and Access, Content Safety or Monitoring. */
  readonly phase: string;
  /** Why the phase is managed elsewhere (at least 10 characters). */
  readonly reason: string;
}

/** How checkDocument and checkDocuments judge exemptions. */
export interface CheckOptions {
  /** Date used to expire exemptions (YYYY-MM-DD). @default today (UTC) */
  readonly today?: string;
  /**
   * Phases managed elsewhere (declared scope): their rules' findings about what this input does not hold (an
   * account known only by ID, a control not written here) are suppressed with the reason, recorded in the report;
   * a resource written here that weakens the phase still fails. @default - every phase is judged
   */
  readonly managedElsewhere?: ScopeExclusion[];
  /** More exemptions, e.g. from a suppressions file; validated like recorded ones. @default - none */
  readonly extraExemptions?: Exemption[];
  /**
   * Rules picked by name (checkov's --check / --skip-check): a skipped rule's failures are suppressed with the
   * reason and listed in the report; the integrity rules always run. @default - every rule is judged
   */
  readonly selection?: CheckSelection;
}

/**
 * Check a parsed Terraform JSON configuration (cdk.tf.json), plan JSON or state JSON (`terraform show -json`),
 * detecting which it is, and return the report. Throws InputError for a document that is none of the three.
 */
export function checkDocument(document: unknown, options: CheckOptions = {}): Report {
  return runChecks(loadModel(document), options);
}

/**
 * Check several Terraform JSON files of one configuration (cdk.tf.json plus `*_override.tf.json`), merged as
 * Terraform merges them; a single document of any form is checked as checkDocument does.
 */
export function checkDocuments(documents: readonly NamedDocument[], options: CheckOptions = {}): Report {
  return runChecks(loadDocuments(documents), options);
}

/** Exemptions recorded in the configuration (terraform_data hardening records) that are well-formed. */
export function recordedExemptions(model: TfModel): Exemption[] {
  return readRecords(model).flatMap((r) =>
    r.exemptions.filter((e) => e.problems.length === 0).map((e) => e.exemption),
  );
}

function describeRole(id: unknown, name: unknown): string {
  const guid = /roleDefinitions\/([0-9a-f-]{36})\s*$/i.exec(String(id ?? ''))?.[1]?.toLowerCase();
  if (guid) return `${ROLE_NAMES[guid] ?? 'custom role'} (${guid})`;
  return name ? String(name) : String(id ?? '(unset)');
}

export function runChecks(model: TfModel, options: CheckOptions = {}): Report {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const extra = (options.extraExemptions ?? []).map((e) => {
    const problems = exemptionProblems(e);
    if (problems.length) {
      throw new InputError(`exemption for ${e.ruleId} on ${e.address}: ${problems.join('; ')}`);
    }
    return e;
  });
  const exemptions = [...recordedExemptions(model), ...extra];
  const scope = scopeExclusions(options.managedElsewhere);
  const selection = options.selection ? applySelection(options.selection, ALL_RULES) : undefined;
  const findings: Finding[] = [];
  for (const rule of ALL_RULES) {
    let results: RuleResult[];
    try {
      results = rule.evaluate(model);
    } catch (e) {
      results = [
        { status: 'non-compliant', message: `rule failed to evaluate this input: ${(e as Error).message}` },
      ];
    }
    for (const r of results) {
      const base = {
        ruleId: rule.id,
        severity: rule.severity,
        address: r.address,
        message: r.message,
        value: r.value,
      };
      if (r.status !== 'non-compliant') {
        findings.push({ ...base, status: r.status });
        continue;
      }
      const exemption =
        exemptions.find((e) => e.ruleId === rule.id && e.address === r.address) ??
        scopeExemption(model, scope, rule.id, rule.phase, r.address) ??
        selectionExemption(selection, rule.id, r.address);
      // An expiry given by reference is unknown until plan (where it is resolved); anything else that is not a
      // date counts as expired, so a malformed record never extends an exemption.
      const expiresOn = exemption?.expiresOn;
      const expired =
        !!expiresOn &&
        !(typeof expiresOn === 'string' && expiresOn.includes('${')) &&
        !(/^\d{4}-\d{2}-\d{2}$/.test(String(expiresOn)) && expiresOn >= today);
      findings.push({
        ...base,
        // Say why an opted-out resource fails again: the opt-out lapsed, not (only) the setting.
        message: expired
          ? `${exemption!.kind} ${exemption!.property ? `${exemption!.property} ` : ''}expired on ${exemption!.expiresOn}; renew it or restore the hardened setting: ${base.message}`
          : base.message,
        status: exemption && !expired ? 'suppressed' : 'non-compliant',
        exemption: exemption ? { ...exemption, expired } : undefined,
      });
    }
  }
  const failing = new Set(findings.filter((f) => f.status === 'non-compliant').map((f) => f.ruleId));
  const evaluated = new Set(findings.filter((f) => f.status !== 'not-applicable').map((f) => f.ruleId));
  const checklist = CHECKLIST.map((item) => ({
    ...item,
    rules: [...item.rules],
    verifiedBy: item.verifiedBy ? [...item.verifiedBy] : undefined,
    synthResult: item.rules.some((id) => failing.has(id))
      ? 'fail'
      : item.rules.some((id) => evaluated.has(id))
        ? 'pass'
        : 'n/a',
  }));
  const accessSummary = grants(model).map((r) => ({
    address: r.address,
    principalId: r.values.principal_id,
    principalType: r.values.principal_type,
    role: describeRole(r.values.role_definition_id, r.values.role_definition_name),
    scope: model.references(r.values.scope)[0] ?? r.values.scope,
  }));
  const count = (pred: (f: Finding) => boolean) => findings.filter(pred).length;
  return {
    format: model.format,
    ...(scope.length ? { managedElsewhere: scope } : {}),
    ...(selection && (selection.check || selection.skip) ? { checkSelection: selection } : {}),
    rules: ALL_RULES.map(({ id, severity, phase, title, rationale, references }) => ({
      id,
      severity,
      phase,
      title,
      rationale,
      references,
    })),
    exemptions,
    findings,
    checklist,
    accessSummary,
    summary: {
      errors: count((f) => f.status === 'non-compliant' && f.severity === 'error'),
      warnings: count((f) => f.status === 'non-compliant' && f.severity === 'warning'),
      suppressed: count((f) => f.status === 'suppressed'),
      compliant: count((f) => f.status === 'compliant'),
      notApplicable: count((f) => f.status === 'not-applicable'),
    },
  };
}

/** Declared scope, validated: known phases (never the checklist's own integrity), each once, with a reason. */
function scopeExclusions(declared: readonly ScopeExclusion[] | undefined): ScopeExclusion[] {
  const phases: string[] = [...new Set(ALL_RULES.map((r) => r.phase))].filter(
    (p) => p !== 'Checklist Integrity',
  );
  const seen = new Set<string>();
  return (declared ?? []).map((e, i) => {
    if (!phases.includes(e?.phase)) {
      throw new InputError(
        `managedElsewhere[${i}].phase: ${JSON.stringify(e?.phase)} is not a phase that can be managed elsewhere; use one of ${phases.join(', ')}`,
      );
    }
    if (seen.has(e.phase)) throw new InputError(`managedElsewhere[${i}].phase: ${e.phase} is declared twice`);
    seen.add(e.phase);
    if (typeof e.reason !== 'string' || e.reason.trim().length < 10) {
      throw new InputError(
        `managedElsewhere[${i}].reason: say why ${e.phase} is managed elsewhere (at least 10 characters)`,
      );
    }
    return { phase: e.phase, reason: e.reason.trim() };
  });
}

/** The exemption a rule skipped by name (--check / --skip-check) gives each of its failures. */
function selectionExemption(
  selection: AppliedSelection | undefined,
  ruleId: string,
  address: string | undefined,
): Exemption | undefined {
  if (!selection?.skipped.includes(ruleId)) return undefined;
  const how = selection.skip?.length ? '--skip-check' : '--check';
  return {
    address: address ?? '(configuration)',
    ruleId,
    kind: 'skipped check',
    reason: `skipped for this run (${how}): ${selection.reason}`,
    author: selection.check && selection.skip ? '--check/--skip-check' : how,
  };
}

/**
 * The exemption a declared scope gives a finding of a phase managed elsewhere: only a finding about what this input
 * does not hold (no address, or the account known here only by its ID, named by a resource that does not write it).
 * A resource written here that weakens the phase (a grant, an NSG rule, a patch of the account) is not covered.
 */
function scopeExemption(
  model: TfModel,
  scope: ScopeExclusion[],
  ruleId: string,
  phase: string,
  address: string | undefined,
): Exemption | undefined {
  const declared = scope.find((s) => s.phase === phase);
  if (!declared) return undefined;
  const absent =
    address === undefined ||
    accounts(model).some(
      (a) => !a.declared && a.resource.address === address && !a.patches.includes(a.resource),
    );
  return absent
    ? {
        address: address ?? '(configuration)',
        ruleId,
        kind: 'scope',
        reason: `${phase} is managed elsewhere: ${declared.reason}`,
        author: 'declared scope',
      }
    : undefined;
}
