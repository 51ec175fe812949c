import { ROLE_NAMES } from '../azure-facts';
import { HARDENING_RECORD_KIND } from '../hardening-record';
import { CHECKLIST, ChecklistItem } from './checklist-items';
import { TfModel } from './model';
import { Rule, RuleResult, Severity } from './rule';
import { ALL_RULES } from './rules';

export interface Exemption {
  readonly address: string;
  readonly ruleId: string;
  readonly kind: string;
  readonly reason: string;
  readonly property?: string;
  readonly expiresOn?: string;
}

export type FindingStatus = 'compliant' | 'non-compliant' | 'not-applicable' | 'suppressed';

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly status: FindingStatus;
  readonly address?: string;
  readonly message: string;
  readonly value?: unknown;
  /** The exemption that suppressed the finding (or that expired). */
  readonly exemption?: Exemption & { readonly expired: boolean };
}

export interface ChecklistStatus extends ChecklistItem {
  /** pass: every mapped rule compliant or suppressed; fail: a mapped rule non-compliant. */
  readonly synthResult: 'pass' | 'fail' | 'n/a';
}

export interface Report {
  readonly format: string;
  readonly rules: readonly Rule[];
  readonly findings: Finding[];
  readonly exemptions: Exemption[];
  readonly checklist: ChecklistStatus[];
  readonly accessSummary: Array<{
    address: string;
    principalId: unknown;
    principalType: unknown;
    /** Role name and GUID, e.g. "Cognitive Services OpenAI User (5e0bd9bd-...)". */
    role: string;
    /** The resource the assignment is scoped to (its address), or the literal scope. */
    scope: unknown;
  }>;
  readonly summary: {
    errors: number;
    warnings: number;
    suppressed: number;
    compliant: number;
    notApplicable: number;
  };
}

export interface CheckOptions {
  /** Date used to expire suppressions (YYYY-MM-DD). @default today (UTC) */
  readonly today?: string;
  /** More exemptions, e.g. from a suppressions file for plan input. */
  readonly extraExemptions?: Exemption[];
}

/** Exemptions recorded in the configuration (terraform_data hardening records). */
export function recordedExemptions(model: TfModel): Exemption[] {
  return model.ofType('terraform_data').flatMap((r) => {
    const input = r.values.input;
    if (!input || input.kind !== HARDENING_RECORD_KIND) return [];
    return (input.exemptions ?? []).map((e: any) => ({
      address: e.address,
      ruleId: e.rule_id,
      kind: e.kind,
      reason: e.reason,
      property: e.property,
      expiresOn: e.expires_on,
    }));
  });
}

function describeRole(id: unknown, name: unknown): string {
  const guid = /roleDefinitions\/([0-9a-f-]{36})\s*$/i.exec(String(id ?? ''))?.[1]?.toLowerCase();
  if (guid) return `${ROLE_NAMES[guid] ?? 'custom role'} (${guid})`;
  return name ? String(name) : String(id ?? '(unset)');
}

export function runChecks(model: TfModel, options: CheckOptions = {}): Report {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const exemptions = [...recordedExemptions(model), ...(options.extraExemptions ?? [])];
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
      const exemption = exemptions.find(
        (e) => e.ruleId === rule.id && (e.address === r.address || e.address === '*'),
      );
      const expired = !!exemption?.expiresOn && exemption.expiresOn < today;
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
    synthResult: (item.rules.some((id) => failing.has(id))
      ? 'fail'
      : item.rules.some((id) => evaluated.has(id))
        ? 'pass'
        : 'n/a') as ChecklistStatus['synthResult'],
  }));
  const accessSummary = model.ofType('azurerm_role_assignment').map((r) => ({
    address: r.address,
    principalId: r.values.principal_id,
    principalType: r.values.principal_type,
    role: describeRole(r.values.role_definition_id, r.values.role_definition_name),
    scope: model.references(r.values.scope)[0] ?? r.values.scope,
  }));
  const count = (pred: (f: Finding) => boolean) => findings.filter(pred).length;
  return {
    format: model.format,
    rules: ALL_RULES,
    findings,
    exemptions,
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
