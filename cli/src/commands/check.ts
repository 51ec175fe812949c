import { accessSync, constants, mkdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { parseArgs } from 'util';
import {
  CheckSelection,
  Exemption,
  InputError,
  ScopeExclusion,
  StackReport,
  dateProblem,
  exemptionProblems,
  loadDocuments,
  runChecks,
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
} from '../core';
import { CheckUnit, checkUnits, readInput } from './inputs';

export { runName, sourceUri } from './inputs';

/** `aoai-harden check`: judge Terraform JSON, plan JSON or state JSON with the hardening checklist. */

export const CHECK_USAGE = `usage: aoai-harden check <input> [<input>...] [--report-dir DIR] [--format text|json|sarif|junit] [--sarif FILE] [--junit FILE] [--name NAME] [--suppressions FILE] [--fail-on error|warning] [--today YYYY-MM-DD] [--check IDS | --skip-check IDS --skip-reason TEXT] [--managed-elsewhere "PHASE=REASON"]

Judges Terraform JSON (cdk.tf.json, or any *.tf.json), plan JSON or state JSON (\`terraform show -json\`, from
cdktf or hand-written HCL alike). An input is a file or a folder:
  cdktf.out             a synthesized app: each stack judged on its own (the stacks of cdktf.out/manifest.json)
  cdktf.out/stacks      each stack folder in it, judged on its own
  a folder              its *.tf.json files, as Terraform loads them (a stack folder: cdk.tf.json)
  a *.tf.json file      with the other *.tf.json files of its folder (*_override.tf.json merge as in Terraform);
                        files in two folders are two configurations, judged and reported apart
  any other file        one plan, state or configuration document
Several stacks are reported per stack: a section each in the text and Markdown reports, one SARIF run (its own
automationDetails.id) and one JUnit test suite each. Exits 0 when no finding at the --fail-on level (default error)
remains in any stack, 1 when one does (an input with no Azure OpenAI account fails AOAI-CHK-001), 2 on bad input.

  --report-dir DIR      write hardening-report.json, .md, .sarif and .junit.xml there
  --format FORMAT       what to print on stdout: text (default), json, sarif or junit
  --sarif FILE          write the SARIF 2.1.0 report to FILE (GitHub code scanning, Azure DevOps)
  --junit FILE          write the JUnit XML report to FILE (GitLab, Azure DevOps, Jenkins test reports)
  --name NAME           the run's name: SARIF automationDetails.id aoai-harden/NAME/ and the JUnit suite
                        (default: the stack folder of a cdk.tf.json, else the input file's name); one stack only
  --suppressions FILE   JSON array of {"ruleId", "address", "reason", "expiresOn"?}; its JSON schema is
                        suppressions.schema.json in the aoai-harden package
  --fail-on LEVEL       error (default) or warning: the lowest severity that fails (also in the JUnit report)
  --today YYYY-MM-DD    the date suppressions and opt-outs expire against (default: today, UTC)
  --check IDS           judge only these rules (comma-separated IDs or prefixes ending in *, e.g. AOAI-CFP-*);
                        every other rule is skipped. As checkov's --check; repeatable
  --skip-check IDS      skip these rules. As checkov's --skip-check; repeatable
  --skip-reason TEXT    why (required with --check or --skip-check): a skipped rule's failures are reported as
                        suppressed with this reason, and the report lists every skipped rule. The checklist's
                        integrity rules (AOAI-CHK-*) always run
  --managed-elsewhere "PHASE=REASON"
                        a phase whose controls this configuration does not hold (Network Isolation, Identity and
                        Access, Content Safety, Monitoring), as HardeningChecks' scope declares it; repeatable

SARIF and JUnit results point at the file and line of each resource in the input (its block in Terraform JSON,
its "address" entry in plan or state JSON), relative to the working directory: run check from the repository
root so that code scanning finds the file.`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const CHECK_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'report-dir': { type: 'string' },
  format: { type: 'string' },
  sarif: { type: 'string' },
  junit: { type: 'string' },
  name: { type: 'string' },
  suppressions: { type: 'string' },
  'fail-on': { type: 'string' },
  today: { type: 'string' },
  check: { type: 'string', multiple: true },
  'skip-check': { type: 'string', multiple: true },
  'skip-reason': { type: 'string' },
  'managed-elsewhere': { type: 'string', multiple: true },
} as const;

const FORMATS = ['text', 'json', 'sarif', 'junit'];

/** util.parseArgs with its errors as InputError (exit 2 with the usage). */
function parseCheckArgs(args: string[]) {
  try {
    return parseArgs({ args, options: CHECK_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

/** The flags of one check run, validated. */
interface CheckFlags {
  readonly format: string;
  readonly failOnWarnings: boolean;
  readonly name?: string;
  readonly reportDir?: string;
  readonly sarif?: string;
  readonly junit?: string;
  readonly today?: string;
  readonly suppressions?: string;
  readonly selection?: CheckSelection;
  readonly managedElsewhere: ScopeExclusion[];
}

export async function checkCommand(args: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseCheckArgs(args);
    if (values.help) {
      io.out(`${CHECK_USAGE}\n`);
      return 0;
    }
    if (positionals.length === 0) {
      throw new InputError(
        'no input: name a plan or state JSON file, a *.tf.json file, a stack folder or cdktf.out',
      );
    }
    const flags = checkFlags(values);
    // Notes go to stderr, so --format json stays one JSON document on stdout.
    const units = checkUnits(positionals, (line) => io.err(`${line}\n`));
    if (flags.name !== undefined && units.length > 1) {
      throw new InputError(
        `--name ${flags.name}: names one run, and the input holds ${units.length} stacks (${units.map((u) => u.name).join(', ')}), each named by its stack folder; drop --name or check one stack`,
      );
    }
    const extra = flags.suppressions ? parseSuppressions(readJson(flags.suppressions, 'suppressions')) : [];
    const stacks = units.map((unit) => judge(unit, flags, extra));
    writeReports(stacks, flags, io);
    const failing = stacks.some(
      (s) => s.report.summary.errors + (flags.failOnWarnings ? s.report.summary.warnings : 0) > 0,
    );
    return failing ? 1 : 0;
  } catch (e) {
    const message = (e as Error).message;
    // One line (or the message's own lines) and where to look; the usage is for --help.
    io.err(
      `aoai-harden check: ${message}\n${e instanceof InputError ? 'see aoai-harden check --help\n' : ''}`,
    );
    return 2;
  }
}

/** Validates the flags before any input is read. */
function checkFlags(flags: ReturnType<typeof parseCheckArgs>['values']): CheckFlags {
  if (flags.format !== undefined && !FORMATS.includes(flags.format)) {
    throw new InputError(`--format must be one of ${FORMATS.join(', ')}, not ${flags.format}`);
  }
  const failOn = flags['fail-on'] ?? 'error';
  if (!['error', 'warning'].includes(failOn)) {
    throw new InputError(`--fail-on must be error or warning, not ${failOn}`);
  }
  if (flags.today !== undefined && dateProblem(flags.today)) {
    throw new InputError(`--today ${flags.today}: not a calendar date; write YYYY-MM-DD, e.g. 2026-01-31`);
  }
  if (flags['report-dir'] !== undefined) checkReportDir(flags['report-dir']);
  for (const flag of ['sarif', 'junit'] as const) {
    const file = flags[flag];
    if (file !== undefined) checkReportFile(`--${flag}`, file);
  }
  if (flags.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(flags.name)) {
    throw new InputError(
      `--name must be letters, digits, ".", "_" or "-", not ${JSON.stringify(flags.name)}`,
    );
  }
  return {
    format: flags.format ?? 'text',
    failOnWarnings: failOn === 'warning',
    name: flags.name,
    reportDir: flags['report-dir'],
    sarif: flags.sarif,
    junit: flags.junit,
    today: flags.today,
    suppressions: flags.suppressions,
    selection: checkSelection(flags.check, flags['skip-check'], flags['skip-reason']),
    managedElsewhere: (flags['managed-elsewhere'] ?? []).map(parsePhaseDeclaration),
  };
}

/** One unit judged: its files read and merged as Terraform loads them, the checklist run on them. */
function judge(unit: CheckUnit, flags: CheckFlags, extra: Exemption[]): StackReport {
  const inputs = unit.files.map(readInput);
  const model = loadDocuments(inputs.map((i) => ({ name: i.file, document: i.document })));
  const report = runChecks(model, {
    today: flags.today,
    extraExemptions: extra,
    selection: flags.selection,
    managedElsewhere: flags.managedElsewhere,
  });
  return { name: flags.name ?? unit.name, report, sources: inputs.map((i) => i.source) };
}

/**
 * Prints the --format report and writes the report files. One unit reports as before; several report per stack:
 * text and Markdown sections, a JSON {summary, stacks}, one SARIF run and one JUnit test suite per stack.
 */
function writeReports(stacks: StackReport[], flags: CheckFlags, io: CliIo): void {
  const [one] = stacks;
  const single = stacks.length === 1;
  const junitOptions = { failOnWarnings: flags.failOnWarnings };
  const render: Record<string, () => string> = {
    text: () => (single ? toText(one.report) : toTextStacks(stacks)),
    json: () => (single ? toJson(one.report) : toJsonStacks(stacks)),
    markdown: () => (single ? toMarkdown(one.report) : toMarkdownStacks(stacks)),
    sarif: () => (single ? toSarif(one.report, one) : toSarifStacks(stacks)),
    junit: () =>
      single ? toJunit(one.report, { ...one, ...junitOptions }) : toJunitStacks(stacks, junitOptions),
  };
  io.out(render[flags.format]());
  if (flags.reportDir) {
    mkdirSync(flags.reportDir, { recursive: true });
    writeFileSync(join(flags.reportDir, 'hardening-report.json'), render.json());
    writeFileSync(join(flags.reportDir, 'hardening-report.md'), render.markdown());
    writeFileSync(join(flags.reportDir, 'hardening-report.sarif'), render.sarif());
    writeFileSync(join(flags.reportDir, 'hardening-report.junit.xml'), render.junit());
  }
  if (flags.sarif !== undefined) writeReportFile(flags.sarif, render.sarif());
  if (flags.junit !== undefined) writeReportFile(flags.junit, render.junit());
}

/** --check / --skip-check (each repeatable, each comma-separated) and their reason; undefined when neither is given. */
function checkSelection(
  check: string[] | undefined,
  skip: string[] | undefined,
  reason: string | undefined,
): CheckSelection | undefined {
  const split = (values: string[] | undefined) =>
    values
      ?.flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
  if (!check && !skip) {
    if (reason !== undefined) throw new InputError('--skip-reason is given without --check or --skip-check');
    return undefined;
  }
  return { check: split(check), skip: split(skip), reason: reason ?? '' };
}

/** "Content Safety=reason": the phase, then its reason after the first "=". */
function parsePhaseDeclaration(value: string): ScopeExclusion {
  const at = value.indexOf('=');
  if (at < 0) {
    throw new InputError(
      `--managed-elsewhere ${JSON.stringify(value)}: write "<phase>=<reason>", e.g. "Network Isolation=the platform team's landing zone owns the endpoint"`,
    );
  }
  return { phase: value.slice(0, at).trim(), reason: value.slice(at + 1).trim() };
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      `${what} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} ${file}: not valid JSON (${(e as Error).message}).`);
  }
}

/** Refuse a report file whose folder cannot be written, before any work is done. */
function checkReportFile(flag: string, file: string): void {
  if (file.trim() === '') throw new InputError(`${flag} needs a file name`);
  let st;
  try {
    st = statSync(file);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw new InputError(`${flag} ${file}: is a directory; name the report file`);
  checkReportDir(dirname(file), flag);
}

function writeReportFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Refuse a report directory that cannot be written before any work is done. */
function checkReportDir(dir: string, flag: string = '--report-dir'): void {
  if (dir.trim() === '') throw new InputError(`${flag} needs a directory`);
  let probe = dir;
  for (;;) {
    try {
      const st = statSync(probe);
      if (!st.isDirectory()) throw new InputError(`${flag} ${dir}: ${probe} is not a directory`);
      accessSync(probe, constants.W_OK);
      return;
    } catch (e) {
      if (e instanceof InputError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && dirname(probe) !== probe) {
        probe = dirname(probe);
        continue;
      }
      throw new InputError(`${flag} ${dir}: cannot write there (${code ?? (e as Error).message})`);
    }
  }
}

/** The keys of a suppressions file entry (cli/suppressions.schema.json). */
const SUPPRESSION_KEYS = ['ruleId', 'address', 'reason', 'expiresOn'];

/** A suppressions file (cli/suppressions.schema.json describes it), validated as recorded exemptions are. */
export function parseSuppressions(json: unknown): Exemption[] {
  if (!Array.isArray(json)) {
    throw new InputError(
      'suppressions file: expected an array of {"ruleId", "address", "reason", "expiresOn"?}',
    );
  }
  return json.map((s, i) => {
    // A misspelt key ("expiresOne") would leave a suppression that never expires: refused, as the schema does.
    const unknown = Object.keys(s && typeof s === 'object' ? s : {}).filter(
      (k) => !SUPPRESSION_KEYS.includes(k),
    );
    if (unknown.length) {
      throw new InputError(
        `suppressions[${i}]: unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')} (the keys are ${SUPPRESSION_KEYS.join(', ')}; see suppressions.schema.json in the aoai-harden package)`,
      );
    }
    const exemption: Exemption = {
      ruleId: s?.ruleId,
      address: s?.address,
      reason: s?.reason,
      kind: 'suppression',
      author: 'suppressions file',
      ...(s?.expiresOn !== undefined ? { expiresOn: s.expiresOn } : {}),
    };
    const problems = exemptionProblems(exemption);
    if (problems.length) throw new InputError(`suppressions[${i}]: ${problems.join('; ')}`);
    return exemption;
  });
}
