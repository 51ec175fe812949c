import { CheckResult } from './model';
import { VerifyRun } from './runner';
import { CHECKLIST, sarifLog } from '../core';

/** The checklist's post-deploy items and how this run covered them. */
export interface ChecklistCoverage {
  readonly id: string;
  readonly item: string;
  readonly coverage: 'verify' | 'manual';
  /** Check IDs run for the item (verify) . */
  readonly checks: string[];
  /** fail / error / inconclusive / pass / skipped (every check skipped) / not run; for manual items, manual. */
  readonly result: string;
  readonly reason?: string;
}

export interface VerifyReport extends VerifyRun {
  readonly summary: { passed: number; failed: number; inconclusive: number; errors: number; skipped: number };
  readonly checklist: ChecklistCoverage[];
  /** Detections and alert rules whose synthetic event was not sent, and why (from the skipped checks). */
  readonly notExercised: Array<{ detection: string; reason: string }>;
}

function aggregate(results: CheckResult[]): string {
  if (!results.length) return 'not run';
  for (const s of ['fail', 'error', 'inconclusive'] as const) {
    if (results.some((r) => r.status === s)) return s;
  }
  return results.some((r) => r.status === 'pass') ? 'pass' : 'skipped';
}

export function buildReport(run: VerifyRun): VerifyReport {
  const count = (s: string) => run.results.filter((r) => r.status === s).length;
  const checklist: ChecklistCoverage[] = CHECKLIST.filter((c) => c.verifiedBy?.length || c.manualReason).map(
    (c) => {
      if (!c.verifiedBy?.length) {
        return {
          id: c.id,
          item: c.item,
          coverage: 'manual',
          checks: [],
          result: 'manual',
          reason: c.manualReason,
        };
      }
      const results = run.results.filter((r) => r.checklistItem === c.id);
      return {
        id: c.id,
        item: c.item,
        coverage: 'verify',
        checks: results.length ? results.map((r) => r.id) : [...c.verifiedBy],
        result: aggregate(results),
      };
    },
  );
  // Skipped detection (MON-002) and alert-fired (MON-004) checks, one entry per detection or alert rule key.
  const notExercised: Array<{ detection: string; reason: string }> = [];
  for (const r of run.results) {
    const key = /^VERIFY-MON-00[24]\/(.+)$/.exec(r.id)?.[1];
    if (key && r.status === 'skipped' && !notExercised.some((n) => n.detection === key)) {
      notExercised.push({ detection: key, reason: r.detail });
    }
  }
  return {
    ...run,
    summary: {
      passed: count('pass'),
      failed: count('fail'),
      inconclusive: count('inconclusive'),
      errors: count('error'),
      skipped: count('skipped'),
    },
    checklist,
    notExercised,
  };
}

/**
 * Exit code: 0 when every check that ran passed; 1 on a failure, an error or an inconclusive check (not proven,
 * so the gate stays shut; the report tells them apart), and 1 when no check ran at all.
 */
export function exitCode(report: VerifyReport): number {
  const { passed, failed, errors, inconclusive } = report.summary;
  return failed + errors + inconclusive > 0 || passed === 0 ? 1 : 0;
}

export function verifyToJson(report: VerifyReport): string {
  return JSON.stringify({ kind: 'aoai-harden-verify', ...report }, null, 2) + '\n';
}

const cell = (v: unknown) =>
  String(v ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

export function verifyToMarkdown(report: VerifyReport): string {
  const s = report.summary;
  return [
    '# Azure OpenAI post-deploy verification',
    '',
    `Endpoint: ${report.endpoint}. Run from: ${report.from === 'vnet' ? 'inside the VNet' : 'outside the VNet'}. ${report.startedAt} to ${report.finishedAt}.`,
    `Passed: ${s.passed}. Failed: ${s.failed}. Inconclusive: ${s.inconclusive}. Errors: ${s.errors}. Skipped: ${s.skipped}.`,
    '',
    ...(report.optIns.length
      ? ['Opt-in probes sent:', '', ...report.optIns.map((o) => `- ${o}`), '']
      : ['Opt-in probes sent: none (no jailbreak prompt, no burst).', '']),
    '## Checks',
    '',
    '| Check | Checklist item | Status | Detail |',
    '|---|---|---|---|',
    ...report.results.map((r) => `| ${r.id} | ${r.checklistItem} | ${r.status} | ${cell(r.detail)} |`),
    '',
    '## Hardening Validation Checklist (post-deploy items)',
    '',
    '| Item | Checklist item | Covered by | Checks | Result |',
    '|---|---|---|---|---|',
    ...report.checklist.map(
      (c) =>
        `| ${c.id} | ${cell(c.item)} | ${c.coverage === 'verify' ? 'aoai-harden verify' : `manual: ${cell(c.reason)}`} | ${c.checks.join(', ')} | ${c.result} |`,
    ),
    '',
    '## Detections not exercised',
    '',
    ...(report.notExercised.length
      ? report.notExercised.map((n) => `- ${n.detection}: ${n.reason}`)
      : ['Every detection was exercised.']),
    '',
  ].join('\n');
}

export function verifyToSarif(
  report: VerifyReport,
  definitions: Array<{ id: string; title: string; checklistItem: string }>,
): string {
  const level = (status: string) =>
    status === 'fail' || status === 'error' ? 'error' : status === 'inconclusive' ? 'warning' : 'note';
  const results = report.results
    .filter((r) => r.status !== 'pass')
    .map((r) => ({
      ruleId: r.id,
      level: level(r.status),
      kind: r.status === 'skipped' ? 'notApplicable' : r.status === 'inconclusive' ? 'open' : 'fail',
      message: { text: `${r.status}: ${r.detail}` },
      locations: [{ logicalLocations: [{ fullyQualifiedName: report.endpoint, kind: 'resource' }] }],
    }));
  const rules = definitions
    .filter((d) => report.results.some((r) => r.id === d.id))
    .map((d) => ({
      id: d.id,
      shortDescription: { text: d.title },
      properties: { checklistItem: d.checklistItem },
    }));
  return sarifLog('aoai-harden verify', rules, results);
}

/** The terminal table. */
export function verifyToText(report: VerifyReport): string {
  const width = Math.max(...report.results.map((r) => r.id.length), 5);
  const s = report.summary;
  return (
    [
      ...report.results.map(
        (r) =>
          `${r.status.toUpperCase().padEnd(12)} ${r.id.padEnd(width)} ${r.checklistItem.padEnd(4)} ${r.detail}`,
      ),
      `${s.passed} passed, ${s.failed} failed, ${s.inconclusive} inconclusive, ${s.errors} error(s), ${s.skipped} skipped.`,
      ...(s.inconclusive
        ? ['Inconclusive: the service did not decide (throttled, unreachable); rerun later.']
        : []),
      ...(s.passed + s.failed + s.errors + s.inconclusive === 0
        ? ['No check ran from here, so nothing was proven (exit 1).']
        : []),
    ].join('\n') + '\n'
  );
}
