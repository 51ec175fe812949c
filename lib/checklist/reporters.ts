import { createHash } from 'crypto';
import { ChecklistItem } from './checklist-items';
import { Exemption, Finding, Report, ReportSummary, RuleInfo } from './engine';
import { DOCS_BASE_URL, PACKAGE_VERSION, REPOSITORY_URL } from './package-info';
import { SourceIndex, SourcePosition } from './source-locations';

/**
 * The file a report was made from, as the SARIF and JUnit reports name it. The `uri` is relative to the
 * repository root (forward slashes), as GitHub code scanning and GitLab resolve it.
 */
export interface ReportSource {
  readonly uri: string;
  /** The file's text, to find the line of each resource; without it results point at the file's first line. */
  readonly text?: string;
  /** HCL (a cdk.tf) rather than JSON. @default false */
  readonly hcl?: boolean;
}

/** What the file-based reports (SARIF, JUnit) need beyond the report itself. */
export interface ReportContext {
  /** The checked files (cdk.tf.json and its overrides, or one plan JSON); the first is where unlocated findings point. */
  readonly sources?: readonly ReportSource[];
  /** The stack (or input) judged: SARIF automationDetails.id `aoai-harden/<name>/` and the JUnit suite name. */
  readonly name?: string;
}

/** The documentation page of a rule (its row in docs/rules.md), from the one docs base URL. */
export function ruleHelpUri(ruleId: string): string {
  return `${DOCS_BASE_URL}/rules.md#${ruleId.toLowerCase()}`;
}

/**
 * How to fix a non-compliant finding of a rule: the control to restore, and the recorded way out when the weaker
 * setting is intended. The same text in the text, Markdown, SARIF and JUnit reports.
 */
export function fixAdvice(rule: Pick<RuleInfo, 'id' | 'title'>): string {
  return (
    `Required: ${rule.title.replace(/\.$/, '')}. Keep the hardened default of the construct that writes this ` +
    'resource, or change the configuration so the setting holds. If the weaker setting is intended, record an ' +
    'opt-out (the construct property and a written reason) or a suppression with a reason and an expiry date, so ' +
    `the exemption shows in the report. Rule: ${ruleHelpUri(rule.id)}`
  );
}

/**
 * The index of one source's text, built once per source object: SARIF and JUnit of one report share the context
 * (stack-checks.ts writeReports), and scanning an 800-resource document twice was measurable (npm run bench).
 */
const sourceIndexes = new WeakMap<ReportSource, SourceIndex | undefined>();
function sourceIndex(s: ReportSource): SourceIndex | undefined {
  if (sourceIndexes.has(s)) return sourceIndexes.get(s);
  const index =
    s.text === undefined ? undefined : s.hcl ? SourceIndex.ofHclText(s.text) : SourceIndex.ofJsonText(s.text);
  sourceIndexes.set(s, index);
  return index;
}

/** Where a finding sits: the first source that declares its address, else the first source's first line. */
function locator(
  sources: readonly ReportSource[],
): (f: Finding) => { uri: string; at: SourcePosition } | undefined {
  const indexes = sources.map(sourceIndex);
  return (f) => {
    if (sources.length === 0) return undefined;
    if (f.address) {
      for (let i = 0; i < sources.length; i++) {
        const at = indexes[i]?.locate(f.address);
        if (at) return { uri: sources[i].uri, at };
      }
    }
    return { uri: sources[0].uri, at: { line: 1, column: 1 } };
  };
}

/**
 * The report's exemptions, one row per suppression or opt-out: the record holds one entry per resource under the
 * construct it was given on (a suppression on the composition covers some 40 resources), and the text and Markdown
 * reports list each once, with the resources it covers. The JSON report keeps the entries, one per resource.
 */
function exemptionGroups(
  exemptions: readonly Exemption[],
): Array<{ exemption: Exemption; addresses: string[] }> {
  const groups = new Map<string, { exemption: Exemption; addresses: string[] }>();
  for (const e of exemptions) {
    const key = JSON.stringify([e.ruleId, e.kind, e.property, e.author, e.reason, e.expiresOn]);
    const group = groups.get(key) ?? { exemption: e, addresses: [] };
    group.addresses.push(e.address);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** One address as it is; several as "N resources: a, b, ...". */
const resourcesText = (addresses: readonly string[]) =>
  addresses.length === 1 ? addresses[0] : `${addresses.length} resources: ${addresses.join(', ')}`;

/** The counts line of the text report. */
const summaryLine = (s: ReportSummary) =>
  `${s.errors} error(s), ${s.warnings} warning(s), ${s.suppressed} suppressed, ${s.compliant} compliant, ${s.notApplicable} not applicable.`;

const valueText = (f: Finding) => (f.value !== undefined ? ` (value: ${JSON.stringify(f.value)})` : '');

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
        ...(report.checkSelection ? { checkSelection: report.checkSelection } : {}),
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
    ...(report.checkSelection
      ? ['## Rules skipped for this run (--check / --skip-check)', '', ...selectionLines(report), '']
      : []),
    '## Opt-outs and suppressions',
    '',
    ...(report.exemptions.length
      ? [
          '| Rule | Resource | Kind | Property | Author | Reason | Expires |',
          '|---|---|---|---|---|---|---|',
          ...exemptionGroups(report.exemptions).map(
            ({ exemption: e, addresses }) =>
              `| ${e.ruleId} | ${cell(resourcesText(addresses))} | ${e.kind} | ${cell(e.property ?? '')} | ${cell(e.author ?? '')} | ${cell(e.reason)} | ${e.expiresOn ?? 'never'} |`,
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
    ...fixSection(report),
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

/** The "How to fix" section of the Markdown report: each failing rule once, with its findings' count. */
function fixSection(report: Report): string[] {
  const failing = report.rules.filter((r) =>
    report.findings.some((f) => f.ruleId === r.id && f.status === 'non-compliant'),
  );
  if (failing.length === 0) return [];
  return [
    '## How to fix',
    '',
    ...failing.map((r) => {
      const n = report.findings.filter((f) => f.ruleId === r.id && f.status === 'non-compliant').length;
      return `- **${r.id}** (${n} finding${n === 1 ? '' : 's'}): ${cell(fixAdvice(r))}`;
    }),
    '',
  ];
}

/** A stable key of a finding across runs: the rule and the address, nothing that moves with the file. */
export function findingFingerprint(f: Pick<Finding, 'ruleId' | 'address'>): string {
  return createHash('sha256')
    .update(`${f.ruleId}\u0000${f.address ?? ''}`)
    .digest('hex');
}

/**
 * SARIF 2.1.0 that GitHub code scanning and Azure DevOps accept: per result the file and line of the resource
 * (`physicalLocation`, when the context names the checked files), its Terraform address (`logicalLocations`) and a
 * fingerprint; per rule a help URI and the fix; per run the tool version and `automationDetails.id` per stack.
 */
export function toSarif(report: Report, context: ReportContext = {}): string {
  return sarifDocument([checkRun(report, context)]);
}

/** One judged stack (or input) of a check over several: its report, its files and its run name. */
export interface StackReport extends ReportContext {
  readonly name: string;
  readonly report: Report;
}

/** SARIF of several stacks: one run per stack, each with its own automationDetails.id (one analysis per stack). */
export function toSarifStacks(stacks: readonly StackReport[]): string {
  return sarifDocument(stacks.map((s) => checkRun(s.report, s)));
}

/** The SARIF run of one check: its rules, its results located in the checked files, and its automation ID. */
function checkRun(report: Report, context: ReportContext): object {
  const locate = locator(context.sources ?? []);
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const results = report.findings
    .filter((f) => f.status === 'non-compliant' || f.status === 'suppressed')
    .map((f) => {
      const where = locate(f);
      return {
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId),
        level: f.severity === 'error' ? 'error' : 'warning',
        message: { text: `${f.address ?? 'configuration'}: ${f.message}${valueText(f)}` },
        locations: [
          {
            ...(where
              ? {
                  physicalLocation: {
                    artifactLocation: artifactLocation(where.uri),
                    region: { startLine: where.at.line, startColumn: where.at.column },
                  },
                }
              : {}),
            logicalLocations: [{ fullyQualifiedName: f.address ?? 'configuration', kind: 'resource' }],
          },
        ],
        partialFingerprints: { 'aoaiHardenFinding/v1': findingFingerprint(f) },
        ...(f.status === 'suppressed'
          ? {
              suppressions: [
                {
                  // A rule skipped on the command line is suppressed outside the source (SARIF 2.1.0 3.35.2).
                  kind: f.exemption?.kind === 'skipped check' ? 'external' : 'inSource',
                  status: 'accepted',
                  justification: `${f.exemption?.kind}: ${f.exemption?.reason}`,
                },
              ],
            }
          : {}),
      };
    });
  const rules = report.rules.map((r) => ({
    id: r.id,
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale },
    helpUri: ruleHelpUri(r.id),
    help: { text: fixAdvice(r) },
    defaultConfiguration: { level: r.severity === 'error' ? 'error' : 'warning' },
    properties: {
      phase: r.phase,
      tags: ['security', 'terraform', 'azure-openai'],
      // GitHub code scanning's severity scale for security results: 7.0-8.9 high, 4.0-6.9 medium.
      'security-severity': r.severity === 'error' ? '8.0' : '5.0',
      ...r.references,
    },
  }));
  return sarifRun('aoai-harden', rules, results, {
    automationId: `aoai-harden/${context.name ?? 'check'}/`,
    artifacts: (context.sources ?? []).map((s) => s.uri),
  });
}

/** A repository-relative URI resolves against %SRCROOT% (the checkout root); an absolute file URI stands alone. */
function artifactLocation(uri: string): { uri: string; uriBaseId?: string } {
  return /^[a-z][a-z0-9+.-]*:/i.test(uri) ? { uri } : { uri, uriBaseId: '%SRCROOT%' };
}

/** Per run: which analysis it is (one per stack) and the files it read. */
export interface SarifRunDetails {
  /** automationDetails.id; GitHub keeps one analysis per id's category (up to the last "/"). */
  readonly automationId?: string;
  /** URIs of the analysed files, relative to the repository root. */
  readonly artifacts?: readonly string[];
}

/** The SARIF 2.1.0 envelope shared by `check` and `verify`: one run of one tool, its rules and its results. */
export function sarifLog(
  toolName: string,
  rules: readonly object[],
  results: readonly object[],
  details: SarifRunDetails = {},
): string {
  return sarifDocument([sarifRun(toolName, rules, results, details)]);
}

/** One SARIF run: the tool (name, version, rules), the run's automation ID and files, and its results. */
function sarifRun(
  toolName: string,
  rules: readonly object[],
  results: readonly object[],
  details: SarifRunDetails,
): object {
  const artifacts = details.artifacts ?? [];
  return {
    tool: {
      driver: {
        name: toolName,
        version: PACKAGE_VERSION,
        semanticVersion: PACKAGE_VERSION,
        informationUri: REPOSITORY_URL,
        rules,
      },
    },
    ...(details.automationId ? { automationDetails: { id: details.automationId } } : {}),
    ...(artifacts.length ? { artifacts: artifacts.map((uri) => ({ location: artifactLocation(uri) })) } : {}),
    columnKind: 'utf16CodeUnits',
    results,
  };
}

/** The SARIF 2.1.0 log around its runs. */
function sarifDocument(runs: readonly object[]): string {
  return (
    JSON.stringify(
      { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs },
      null,
      2,
    ) + '\n'
  );
}

const xml = (s: string) =>
  s
    // XML 1.0 has no place for most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** How the JUnit report counts findings. */
export interface JunitOptions extends ReportContext {
  /** Warnings fail their test case too (the CLI's `--fail-on warning`). @default false - errors only */
  readonly failOnWarnings?: boolean;
}

/**
 * JUnit XML (the Surefire form Jenkins, GitLab and Azure DevOps read): one test suite per input, one test case per
 * rule and resource. An error-level finding is a failure; a warning too with failOnWarnings (otherwise its text
 * is in system-out); suppressed and not-applicable findings are skipped, with the reason. Deterministic: no
 * timestamps or durations.
 */
export function toJunit(report: Report, options: JunitOptions = {}): string {
  return junitDocument([junitSuite(report, options)]);
}

/** JUnit XML of several stacks: one test suite per stack, named by it. */
export function toJunitStacks(
  stacks: readonly StackReport[],
  options: { failOnWarnings?: boolean } = {},
): string {
  return junitDocument(stacks.map((s) => junitSuite(s.report, { ...s, ...options })));
}

/** One JUnit test suite: its XML lines and its counts. */
interface JunitSuite {
  readonly lines: string[];
  readonly tests: number;
  readonly failures: number;
}

function junitSuite(report: Report, options: JunitOptions): JunitSuite {
  const locate = locator(options.sources ?? []);
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  const suite = options.name ?? 'check';
  let failures = 0;
  let skipped = 0;
  const cases = report.findings.map((f) => {
    const rule = rules.get(f.ruleId);
    const name = xml(`${f.ruleId} ${f.address ?? '(configuration)'}`);
    const open = `    <testcase name="${name}" classname="${xml(`aoai-harden.${suite}.${f.ruleId}`)}">`;
    const where = locate(f);
    const body = () =>
      xml(
        [
          `${f.address ?? 'configuration'}: ${f.message}${valueText(f)}`,
          ...(where ? [`at ${where.uri}:${where.at.line}:${where.at.column}`] : []),
          ...(rule ? [`Fix: ${fixAdvice(rule)}`] : []),
        ].join('\n'),
      );
    if (f.status === 'non-compliant' && (f.severity === 'error' || options.failOnWarnings)) {
      failures++;
      const message = xml(`${rule?.title ?? f.ruleId}: ${f.message}`);
      return `${open}\n      <failure type="${f.severity}" message="${message}">${body()}</failure>\n    </testcase>`;
    }
    if (f.status === 'non-compliant') {
      return `${open}\n      <system-out>WARNING ${body()}</system-out>\n    </testcase>`;
    }
    if (f.status === 'suppressed' || f.status === 'not-applicable') {
      skipped++;
      const why =
        f.status === 'suppressed'
          ? `${f.exemption?.kind}: ${f.exemption?.reason}`
          : `not applicable: ${f.message}`;
      return `${open}\n      <skipped message="${xml(why)}"/>\n    </testcase>`;
    }
    return `${open}</testcase>`;
  });
  const counts = `tests="${cases.length}" failures="${failures}" errors="0"`;
  const lines = [
    `  <testsuite name="${xml(`aoai-harden ${suite}`)}" ${counts} skipped="${skipped}">`,
    '    <properties>',
    `      <property name="aoai-harden.version" value="${xml(PACKAGE_VERSION)}"/>`,
    `      <property name="input.format" value="${xml(report.format)}"/>`,
    ...(options.sources ?? []).map((s) => `      <property name="input.file" value="${xml(s.uri)}"/>`),
    '    </properties>',
    ...cases,
    '  </testsuite>',
  ];
  return { lines, tests: cases.length, failures };
}

/** The JUnit XML document around its suites, with their summed counts. */
function junitDocument(suites: readonly JunitSuite[]): string {
  const sum = (key: 'tests' | 'failures') => suites.reduce((n, s) => n + s[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="aoai-harden" tests="${sum('tests')}" failures="${sum('failures')}" errors="0">`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

/** What a check selection asked and skipped, one line each. */
function selectionLines(report: Report): string[] {
  const c = report.checkSelection!;
  return [
    ...(c.check ? [`- --check ${c.check.join(',')}`] : []),
    ...(c.skip ? [`- --skip-check ${c.skip.join(',')}`] : []),
    `- skipped: ${c.skipped.length ? c.skipped.join(', ') : 'none'}`,
    `- reason: ${cell(c.reason)}`,
  ];
}

/** A short human summary for terminals. */
export function toText(report: Report): string {
  const s = report.summary;
  const bad = report.findings.filter((f) => f.status === 'non-compliant');
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  return (
    [
      ...(report.checkSelection
        ? [`SKIPPED ${report.checkSelection.skipped.join(', ') || 'none'}: ${report.checkSelection.reason}`]
        : []),
      ...exemptionGroups(report.exemptions).map(
        ({ exemption: e, addresses }) =>
          `EXEMPT ${e.ruleId} ${resourcesText(addresses)} (${e.kind}${e.property ? ` ${e.property}` : ''}${e.author ? ` by ${e.author}` : ''}, expires ${e.expiresOn ?? 'never'}): ${e.reason}`,
      ),
      ...bad.map((f) => {
        const rule = rules.get(f.ruleId);
        return (
          `${f.severity === 'error' ? 'ERROR' : 'WARN '} ${f.ruleId} ${f.address ?? ''}: ${f.message}${valueText(f)}` +
          (rule ? `\n      fix: ${fixAdvice(rule)}` : '')
        );
      }),
      ...report.findings
        .filter((f) => f.status === 'suppressed')
        .map((f) => `SUPPR ${f.ruleId} ${f.address ?? ''}: ${f.exemption?.reason}`),
      summaryLine(s),
    ].join('\n') + '\n'
  );
}

/** The stacks' summaries added up. */
function totals(stacks: readonly StackReport[]): ReportSummary {
  const sum: Record<keyof ReportSummary, number> = { ...stacks[0].report.summary };
  for (const s of stacks.slice(1)) {
    for (const key of Object.keys(sum) as Array<keyof ReportSummary>) sum[key] += s.report.summary[key];
  }
  return sum;
}

/** The terminal summary of several stacks: each stack's text under its name, then the totals. */
export function toTextStacks(stacks: readonly StackReport[]): string {
  const failing = stacks.filter((s) => s.report.summary.errors > 0).map((s) => s.name);
  return (
    stacks
      .map((s) => `== ${s.name} (${(s.sources ?? []).map((src) => src.uri).join(', ')})\n${toText(s.report)}`)
      .join('\n') +
    `\n${stacks.length} stacks: ${summaryLine(totals(stacks))}${failing.length ? ` Errors in: ${failing.join(', ')}.` : ''}\n`
  );
}

/** The JSON report of several stacks: {summary (the totals), stacks: [{name, inputs, ...each report}]}. */
export function toJsonStacks(stacks: readonly StackReport[]): string {
  return (
    JSON.stringify(
      {
        summary: totals(stacks),
        stacks: stacks.map((s) => ({
          name: s.name,
          inputs: (s.sources ?? []).map((src) => src.uri),
          ...JSON.parse(toJson(s.report)),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

/** The Markdown report of several stacks: a table of their summaries, then each stack's report as a section. */
export function toMarkdownStacks(stacks: readonly StackReport[]): string {
  const t = totals(stacks);
  return [
    '# Azure OpenAI hardening report',
    '',
    `${stacks.length} stacks. Errors: ${t.errors}. Warnings: ${t.warnings}. Suppressed: ${t.suppressed}. Compliant: ${t.compliant}. Not applicable: ${t.notApplicable}.`,
    '',
    '| Stack | Input | Errors | Warnings | Suppressed | Compliant | Not applicable |',
    '|---|---|---|---|---|---|---|',
    ...stacks.map(
      (s) =>
        `| ${cell(s.name)} | ${cell((s.sources ?? []).map((src) => src.uri).join(', '))} | ${s.report.summary.errors} | ${s.report.summary.warnings} | ${s.report.summary.suppressed} | ${s.report.summary.compliant} | ${s.report.summary.notApplicable} |`,
    ),
    '',
    ...stacks.flatMap((s) =>
      toMarkdown(s.report)
        .split('\n')
        .map((line, i) => (i === 0 ? `## Stack ${s.name}` : line.startsWith('#') ? `#${line}` : line)),
    ),
  ].join('\n');
}
