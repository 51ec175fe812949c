import { ChecklistItem } from './checklist-items';
import { Report } from './engine';

/** How the item is proven after deploy: by `aoai-harden verify` (check IDs) or by hand (why). */
export function verifyCoverage(item: Pick<ChecklistItem, 'verifiedBy' | 'manualReason'>): string {
  if (item.verifiedBy?.length) return `aoai-harden verify: ${item.verifiedBy.join(', ')}`;
  return item.manualReason ? `manual: ${item.manualReason}` : '';
}

/** Machine-readable report; deterministic (no timestamps) so it can be committed and diffed. */
export function toJson(report: Report): string {
  return (
    JSON.stringify(
      {
        format: report.format,
        ...(report.managedElsewhere ? { managedElsewhere: report.managedElsewhere } : {}),
        summary: report.summary,
        exemptions: report.exemptions,
        findings: report.findings,
        checklist: report.checklist,
        accessSummary: report.accessSummary,
        rules: report.rules,
      },
      null,
      2,
    ) + '\n'
  );
}

const cell = (v: unknown) =>
  String(v ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

export function toMarkdown(report: Report): string {
  const s = report.summary;
  const lines = [
    '# Azure OpenAI hardening report',
    '',
    `Input: ${report.format}. Errors: ${s.errors}. Warnings: ${s.warnings}. Suppressed: ${s.suppressed}. Compliant: ${s.compliant}. Not applicable: ${s.notApplicable}.`,
    '',
    ...(report.managedElsewhere?.length
      ? [
          '## Declared scope: phases managed elsewhere',
          '',
          ...report.managedElsewhere.map((e) => `- ${e.phase}: ${cell(e.reason)}`),
          '',
        ]
      : []),
    '## Opt-outs and suppressions',
    '',
    ...(report.exemptions.length
      ? [
          '| Rule | Resource | Kind | Property | Author | Reason | Expires |',
          '|---|---|---|---|---|---|---|',
          ...report.exemptions.map(
            (e) =>
              `| ${e.ruleId} | ${cell(e.address)} | ${e.kind} | ${cell(e.property ?? '')} | ${cell(e.author ?? '')} | ${cell(e.reason)} | ${e.expiresOn ?? 'never'} |`,
          ),
        ]
      : ['None: every default is in force.']),
    '',
    '## Findings',
    '',
    '| Rule | Severity | Status | Resource | Detail |',
    '|---|---|---|---|---|',
    ...report.findings.map(
      (f) =>
        `| ${f.ruleId} | ${f.severity} | ${f.status} | ${cell(f.address ?? '')} | ${cell(f.message)}${f.status === 'non-compliant' && f.value !== undefined ? ` (value: ${cell(JSON.stringify(f.value))})` : ''}${f.exemption ? ` (${f.exemption.kind}${f.exemption.expired ? ', expired' : ''}: ${cell(f.exemption.reason)})` : ''} |`,
    ),
    '',
    '## Access summary (role assignments)',
    '',
    ...(report.accessSummary.length
      ? [
          '| Assignment | Principal | Type | Role | Scope |',
          '|---|---|---|---|---|',
          ...report.accessSummary.map(
            (a) =>
              `| ${cell(a.address)} | ${cell(a.principalId)} | ${cell(a.principalType)} | ${cell(a.role)} | ${cell(a.scope)} |`,
          ),
        ]
      : ['No role assignments in this configuration.']),
    '',
    '## Hardening Validation Checklist',
    '',
    '| Item | Phase | Checklist item | Proof | Rules | Synth result | After deploy | Verify |',
    '|---|---|---|---|---|---|---|---|',
    ...report.checklist.map(
      (c) =>
        `| ${c.id} | ${c.phase} | ${cell(c.item)} | ${c.proof} | ${c.rules.join(', ')} | ${c.synthResult} | ${cell(c.postDeploy ?? '')} | ${cell(verifyCoverage(c))} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** SARIF 2.1.0 so CI systems show findings inline. */
export function toSarif(report: Report): string {
  const results = report.findings
    .filter((f) => f.status === 'non-compliant' || f.status === 'suppressed')
    .map((f) => ({
      ruleId: f.ruleId,
      level: f.severity === 'error' ? 'error' : 'warning',
      message: {
        text: `${f.address ?? ''}: ${f.message}${f.value !== undefined ? ` (value: ${JSON.stringify(f.value)})` : ''}`,
      },
      locations: [
        { logicalLocations: [{ fullyQualifiedName: f.address ?? 'configuration', kind: 'resource' }] },
      ],
      ...(f.status === 'suppressed'
        ? { suppressions: [{ kind: 'inSource', justification: f.exemption?.reason }] }
        : {}),
    }));
  return sarifLog(
    'aoai-harden',
    report.rules.map((r) => ({
      id: r.id,
      shortDescription: { text: r.title },
      fullDescription: { text: r.rationale },
      defaultConfiguration: { level: r.severity === 'error' ? 'error' : 'warning' },
      properties: { phase: r.phase, ...r.references },
    })),
    results,
  );
}

/** The SARIF 2.1.0 envelope shared by `check` and `verify`: one run of one tool, its rules and its results. */
export function sarifLog(toolName: string, rules: readonly object[], results: readonly object[]): string {
  return (
    JSON.stringify(
      {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: toolName,
                informationUri: 'https://github.com/example/cdktf-azure-openai-hardening',
                rules,
              },
            },
            results,
          },
        ],
      },
      null,
      2,
    ) + '\n'
  );
}

/** A short human summary for terminals. */
export function toText(report: Report): string {
  const s = report.summary;
  const bad = report.findings.filter((f) => f.status === 'non-compliant');
  return (
    [
      ...report.exemptions.map(
        (e) =>
          `EXEMPT ${e.ruleId} ${e.address} (${e.kind}${e.property ? ` ${e.property}` : ''}${e.author ? ` by ${e.author}` : ''}, expires ${e.expiresOn ?? 'never'}): ${e.reason}`,
      ),
      ...bad.map(
        (f) =>
          `${f.severity === 'error' ? 'ERROR' : 'WARN '} ${f.ruleId} ${f.address ?? ''}: ${f.message}${f.value !== undefined ? ` (value: ${JSON.stringify(f.value)})` : ''}`,
      ),
      ...report.findings
        .filter((f) => f.status === 'suppressed')
        .map((f) => `SUPPR ${f.ruleId} ${f.address ?? ''}: ${f.exemption?.reason}`),
      `${s.errors} error(s), ${s.warnings} warning(s), ${s.suppressed} suppressed, ${s.compliant} compliant, ${s.notApplicable} not applicable.`,
    ].join('\n') + '\n'
  );
}
