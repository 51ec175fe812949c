import { accessSync, constants, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'path';
import { pathToFileURL } from 'url';
import { parseArgs } from 'util';
import {
  CheckSelection,
  Exemption,
  InputError,
  ScopeExclusion,
  exemptionProblems,
  loadDocuments,
  parseTerraformJsonText,
  ReportContext,
  ReportSource,
  runChecks,
  toJson,
  toJunit,
  toMarkdown,
  toSarif,
  toText,
} from '../core';

/** `aoai-harden check`: judge Terraform JSON, plan JSON or state JSON with the hardening checklist. */

export const CHECK_USAGE = `usage: aoai-harden check <file> [<file>...] [--report-dir DIR] [--format text|json|sarif|junit] [--sarif FILE] [--junit FILE] [--name NAME] [--suppressions FILE] [--fail-on error|warning] [--today YYYY-MM-DD] [--check IDS | --skip-check IDS --skip-reason TEXT] [--managed-elsewhere "PHASE=REASON"]

Reads Terraform JSON (cdk.tf.json, or any *.tf.json; several files are merged as Terraform merges
*_override.tf.json), plan JSON or state JSON (\`terraform show -json\`, from cdktf or hand-written HCL alike).
Exits 0 when no finding at the --fail-on level (default error) remains, 1 when one does (an input with no Azure
OpenAI account fails AOAI-CHK-001), 2 on bad input.

  --report-dir DIR      write hardening-report.json, .md, .sarif and .junit.xml there
  --format FORMAT       what to print on stdout: text (default), json, sarif or junit
  --sarif FILE          write the SARIF 2.1.0 report to FILE (GitHub code scanning, Azure DevOps)
  --junit FILE          write the JUnit XML report to FILE (GitLab, Azure DevOps, Jenkins test reports)
  --name NAME           the run's name: SARIF automationDetails.id aoai-harden/NAME/ and the JUnit suite
                        (default: the stack folder of a cdk.tf.json, else the input file's name)
  --suppressions FILE   JSON array of {"ruleId", "address", "reason", "expiresOn"?}
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

export async function checkCommand(args: string[], io: CliIo): Promise<number> {
  try {
    const { values: flags, positionals: positional } = parseCheckArgs(args);
    if (flags.help) {
      io.out(`${CHECK_USAGE}\n`);
      return 0;
    }
    if (positional.length === 0) throw new InputError('check needs at least one input file');
    if (flags.format !== undefined && !FORMATS.includes(flags.format)) {
      throw new InputError(`--format must be one of ${FORMATS.join(', ')}, not ${flags.format}`);
    }
    const failOn = flags['fail-on'] ?? 'error';
    if (!['error', 'warning'].includes(failOn)) {
      throw new InputError(`--fail-on must be error or warning, not ${failOn}`);
    }
    if (flags.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.today)) {
      throw new InputError('--today must be YYYY-MM-DD');
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
    const siblings = configurationSiblings(positional);
    for (const file of siblings) {
      // On stderr, so --format json stays one JSON document on stdout.
      io.err(`also checked ${file}: Terraform loads it with ${positional.join(', ')} (same directory)\n`);
    }
    const inputs = [...positional, ...siblings].map(readInput);
    const model = loadDocuments(inputs.map((i) => ({ name: i.file, document: i.document })));
    const extra = flags.suppressions ? parseSuppressions(readJson(flags.suppressions, 'suppressions')) : [];
    const report = runChecks(model, {
      today: flags.today,
      extraExemptions: extra,
      selection: checkSelection(flags.check, flags['skip-check'], flags['skip-reason']),
      managedElsewhere: (flags['managed-elsewhere'] ?? []).map(parsePhaseDeclaration),
    });
    const context: ReportContext = {
      sources: inputs.map((i) => i.source),
      name: flags.name ?? runName(positional[0]),
    };
    const junit = () => toJunit(report, { ...context, failOnWarnings: failOn === 'warning' });
    const stdout: Record<string, () => string> = {
      text: () => toText(report),
      json: () => toJson(report),
      sarif: () => toSarif(report, context),
      junit,
    };
    io.out(stdout[flags.format ?? 'text']());
    if (flags['report-dir']) {
      mkdirSync(flags['report-dir'], { recursive: true });
      writeFileSync(join(flags['report-dir'], 'hardening-report.json'), toJson(report));
      writeFileSync(join(flags['report-dir'], 'hardening-report.md'), toMarkdown(report));
      writeFileSync(join(flags['report-dir'], 'hardening-report.sarif'), toSarif(report, context));
      writeFileSync(join(flags['report-dir'], 'hardening-report.junit.xml'), junit());
    }
    if (flags.sarif !== undefined) writeReportFile(flags.sarif, toSarif(report, context));
    if (flags.junit !== undefined) writeReportFile(flags.junit, junit());
    const failing = report.summary.errors + (failOn === 'warning' ? report.summary.warnings : 0);
    return failing > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`aoai-harden check: ${e.message}\n${CHECK_USAGE}\n`);
      return 2;
    }
    io.err(`aoai-harden check: ${(e as Error).message}\n`);
    return 2;
  }
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

/**
 * The other configuration files Terraform loads with the given *.tf.json files: every *.tf and *.tf.json file
 * of the same directory, overrides included, except names starting with "." or ending with "~" and "#...#"
 * editor files (terraform internal/configs/parser_config_dir.go, dirFiles and IsIgnoredFile). A .tf.json one is
 * checked with them, or an override dropped next to cdk.tf.json would apply unjudged; a .tf one (HCL) cannot be
 * read here, so the input is refused.
 */
function configurationSiblings(files: string[]): string[] {
  const given = new Set(files.map((f) => resolve(f)));
  const extra: string[] = [];
  const dirs = new Set(files.filter((f) => f.endsWith('.tf.json')).map((f) => dirname(resolve(f))));
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue; // reading the given file reports the problem
    }
    for (const name of names) {
      const ignored =
        name.startsWith('.') || name.endsWith('~') || (name.startsWith('#') && name.endsWith('#'));
      const path = join(dir, name);
      if (ignored || given.has(path) || !(name.endsWith('.tf') || name.endsWith('.tf.json'))) continue;
      if (!statSync(path).isFile()) continue;
      if (name.endsWith('.tf')) {
        throw new InputError(
          `${path}: Terraform loads this HCL file with ${basename([...given][0])} (same directory), and the checklist reads JSON only; check the plan JSON (terraform show -json) instead, or move the file.`,
        );
      }
      extra.push(path);
    }
  }
  return extra;
}

/** A checked file: its parsed document, and its text and URI for the file locations of SARIF and JUnit results. */
interface Input {
  readonly file: string;
  readonly document: unknown;
  readonly source: ReportSource;
}

/** An input file, parsed as Terraform reads JSON (a key written twice is two blocks, not the last one). */
function readInput(file: string): Input {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      `input ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
    );
  }
  return {
    file,
    document: parseTerraformJsonText(text, `input ${file}`),
    source: { uri: sourceUri(file), text },
  };
}

/**
 * How SARIF and JUnit name a checked file: relative to the working directory with forward slashes (SARIF resolves
 * it against %SRCROOT%, the checkout root, where CI runs check), or a file URI when the file is outside it.
 */
export function sourceUri(file: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, resolve(cwd, file));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(resolve(cwd, file)).href;
  return rel.split(sep).join('/');
}

/**
 * The run's default name: the stack folder of a synthesized stack (cdktf.out/stacks/<stack>/cdk.tf.json), else the
 * input file's name without its extension, reduced to the characters an automation ID keeps.
 */
export function runName(file: string): string {
  const base = basename(file);
  const raw = base === 'cdk.tf.json' ? basename(dirname(resolve(file))) : base.replace(/(\.tf)?\.json$/, '');
  return raw.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'check';
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

export function parseSuppressions(json: unknown): Exemption[] {
  if (!Array.isArray(json)) {
    throw new InputError(
      'suppressions file: expected an array of {"ruleId", "address", "reason", "expiresOn"?}',
    );
  }
  return json.map((s, i) => {
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
