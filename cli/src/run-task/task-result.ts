import { Finding, Report, RuleInfo } from '../core';

/**
 * The callback body (docs/field-facts.md 3.5, HCP-API "Run Task Callback"): JSON:API `task-results` with status
 * passed | failed | running, a short message, a URL, and outcomes under data.relationships.outcomes.data
 * (the API reference and go-tfe put them there, not in attributes).
 */
export interface TaskResultBody {
  readonly data: {
    readonly type: 'task-results';
    readonly attributes: { readonly status: TaskStatus; readonly message: string; readonly url?: string };
    readonly relationships?: { readonly outcomes: { readonly data: readonly Outcome[] } };
  };
}

export type TaskStatus = 'passed' | 'failed' | 'running';

export interface Outcome {
  readonly type: 'task-result-outcomes';
  readonly attributes: {
    readonly 'outcome-id': string;
    readonly description: string;
    readonly body: string;
    readonly url?: string;
    readonly tags: Record<string, ReadonlyArray<{ readonly label: string; readonly level: TagLevel }>>;
  };
}

/** Tag levels HCP Terraform renders (none, info, warning, error). */
export type TagLevel = 'none' | 'info' | 'warning' | 'error';

/** HCP Terraform does not document a message limit; one community model caps it at 500 (docs/field-facts.md 3.5). */
const MAX_MESSAGE = 500;
/** Outcome bodies should stay under 1 MB (hard limit 5 MB); a finding's value is cut well before that. */
const MAX_VALUE_CHARS = 4000;
/** Undocumented limit on the number of outcomes: keep the list readable and the PATCH small. */
export const MAX_OUTCOMES = 100;

export interface ResultSettings {
  readonly failOnWarnings: boolean;
  /** Where the rules are documented (each outcome links to its rule's anchor there); no link anywhere when unset. */
  readonly rulesUrl?: string;
  /** capabilities.outcomes from the request: send outcomes only when HCP Terraform can show them. */
  readonly outcomes: boolean;
}

export function statusBody(
  status: TaskStatus,
  message: string,
  url: string | undefined,
  outcomes?: Outcome[],
): TaskResultBody {
  return {
    data: {
      type: 'task-results',
      attributes: { status, message: oneLine(message), ...(url ? { url } : {}) },
      ...(outcomes ? { relationships: { outcomes: { data: outcomes } } } : {}),
    },
  };
}

/** The verdict on a judged plan: failed when an error (or, with failOnWarnings, a warning) remains. */
export function resultFromReport(report: Report, settings: ResultSettings): TaskResultBody {
  const open = report.findings.filter((f) => f.status === 'non-compliant');
  const blocking = open.filter((f) => f.severity === 'error' || settings.failOnWarnings);
  const s = report.summary;
  const failed = blocking.length > 0;
  const message =
    `Azure OpenAI hardening checklist ${failed ? 'failed' : 'passed'}: ${s.errors} error(s), ${s.warnings} warning(s), ` +
    `${s.suppressed} suppressed, ${s.compliant} compliant` +
    (failed ? ` (${[...new Set(blocking.map((f) => f.ruleId))].join(', ')})` : '');
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  // Blocking findings first, so a truncated list still shows every reason for the failure first.
  const ordered = [...blocking, ...open.filter((f) => !blocking.includes(f))];
  const ids = outcomeIds(ordered);
  let outcomes = ordered.map((f, i) =>
    outcome(f, ids[i], rules.get(f.ruleId), blocking.includes(f), settings.rulesUrl),
  );
  if (outcomes.length > MAX_OUTCOMES) outcomes = outcomes.slice(0, MAX_OUTCOMES);
  return statusBody(
    failed ? 'failed' : 'passed',
    message,
    settings.rulesUrl,
    settings.outcomes ? outcomes : undefined,
  );
}

/**
 * One outcome-id per finding ("a partner supplied identifier", docs/field-facts.md 7): the rule and the address,
 * so two resources with the same finding are two outcomes; a repeat of both gets #2, #3.
 */
export function outcomeIds(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const base = `${f.ruleId}:${f.address ?? 'configuration'}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}

function outcome(
  f: Finding,
  id: string,
  rule: RuleInfo | undefined,
  blocking: boolean,
  rulesUrl: string | undefined,
): Outcome {
  const title = rule?.title ?? f.ruleId;
  // docs/rules.md gives each rule an anchor of its lower-case ID (<a id="aoai-net-001">), as SARIF's helpUri uses.
  const ruleUrl = rulesUrl ? `${rulesUrl.split('#')[0]}#${f.ruleId.toLowerCase()}` : undefined;
  const value = f.value === undefined ? undefined : truncate(JSON.stringify(f.value), MAX_VALUE_CHARS);
  const body = [
    `## ${f.ruleId}: ${title}`,
    '',
    `**Resource:** \`${f.address ?? '(configuration)'}\``,
    '',
    `**Finding:** ${f.message}`,
    ...(value !== undefined ? ['', '**Planned value:**', '', '```json', value, '```'] : []),
    ...(f.exemption?.expired
      ? [
          '',
          `**Expired exemption:** ${f.exemption.kind} until ${f.exemption.expiresOn}: ${f.exemption.reason}`,
        ]
      : []),
    '',
    '### Fix',
    '',
    `**Required:** ${title}.${rule ? ` ${rule.rationale}` : ''}`,
    '',
    'Keep the hardened default of the construct that makes this resource (or change the plan so the setting ' +
      'holds). If the weaker setting is intended, record an opt-out with a reason in the construct, or a ' +
      'suppression with a reason and an expiry date, so the exemption shows in the plan and the report.',
    ...(ruleUrl ? ['', `Rule reference: [${f.ruleId}](${ruleUrl})`] : []),
  ].join('\n');
  return {
    type: 'task-result-outcomes',
    attributes: {
      'outcome-id': id,
      description: oneLine(`${f.address ?? 'configuration'}: ${title}`),
      body,
      ...(ruleUrl ? { url: ruleUrl } : {}),
      tags: {
        Status: [blocking ? { label: 'Failed', level: 'error' } : { label: 'Advisory', level: 'warning' }],
        Severity: [
          f.severity === 'error'
            ? { label: 'Error', level: 'error' }
            : { label: 'Warning', level: 'warning' },
        ],
      },
    },
  };
}

function oneLine(s: string): string {
  return truncate(s.replace(/\s+/g, ' ').trim(), MAX_MESSAGE);
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
