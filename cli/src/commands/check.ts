import { accessSync, constants, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';
import { parseArgs } from 'util';
import {
  CheckSelection,
  Exemption,
  InputError,
  ScopeExclusion,
  exemptionProblems,
  loadDocuments,
  parseTerraformJsonText,
  runChecks,
  toJson,
  toMarkdown,
  toSarif,
  toText,
} from '../core';

/** `aoai-harden check`: judge Terraform JSON, plan JSON or state JSON with the hardening checklist. */

export const CHECK_USAGE = `usage: aoai-harden check <file> [<file>...] [--report-dir DIR] [--format text|json] [--suppressions FILE] [--fail-on error|warning] [--today YYYY-MM-DD] [--check IDS | --skip-check IDS --skip-reason TEXT] [--managed-elsewhere "PHASE=REASON"]

Reads Terraform JSON (cdk.tf.json, or any *.tf.json; several files are merged as Terraform merges
*_override.tf.json), plan JSON or state JSON (\`terraform show -json\`, from cdktf or hand-written HCL alike).
Exits 0 when no finding at the --fail-on level (default error) remains, 1 when one does (an input with no Azure
OpenAI account fails AOAI-CHK-001), 2 on bad input.

  --report-dir DIR      write hardening-report.json, .md and .sarif there
  --format text|json    what to print on stdout (default text)
  --suppressions FILE   JSON array of {"ruleId", "address", "reason", "expiresOn"?}
  --fail-on LEVEL       error (default) or warning: the lowest severity that fails
  --today YYYY-MM-DD    the date suppressions and opt-outs expire against (default: today, UTC)
  --check IDS           judge only these rules (comma-separated IDs or prefixes ending in *, e.g. AOAI-CFP-*);
                        every other rule is skipped. As checkov's --check; repeatable
  --skip-check IDS      skip these rules. As checkov's --skip-check; repeatable
  --skip-reason TEXT    why (required with --check or --skip-check): a skipped rule's failures are reported as
                        suppressed with this reason, and the report lists every skipped rule. The checklist's
                        integrity rules (AOAI-CHK-*) always run
  --managed-elsewhere "PHASE=REASON"
                        a phase whose controls this configuration does not hold (Network Isolation, Identity and
                        Access, Content Safety, Monitoring), as HardeningChecks' scope declares it; repeatable`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const CHECK_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'report-dir': { type: 'string' },
  format: { type: 'string' },
  suppressions: { type: 'string' },
  'fail-on': { type: 'string' },
  today: { type: 'string' },
  check: { type: 'string', multiple: true },
  'skip-check': { type: 'string', multiple: true },
  'skip-reason': { type: 'string' },
  'managed-elsewhere': { type: 'string', multiple: true },
} as const;

const FORMATS = ['text', 'json'];

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
    const siblings = configurationSiblings(positional);
    for (const file of siblings) {
      // On stderr, so --format json stays one JSON document on stdout.
      io.err(`also checked ${file}: Terraform loads it with ${positional.join(', ')} (same directory)\n`);
    }
    const model = loadDocuments(
      [...positional, ...siblings].map((file) => ({ name: file, document: readInput(file) })),
    );
    const extra = flags.suppressions ? parseSuppressions(readJson(flags.suppressions, 'suppressions')) : [];
    const report = runChecks(model, {
      today: flags.today,
      extraExemptions: extra,
      selection: checkSelection(flags.check, flags['skip-check'], flags['skip-reason']),
      managedElsewhere: (flags['managed-elsewhere'] ?? []).map(parsePhaseDeclaration),
    });
    io.out(flags.format === 'json' ? toJson(report) : toText(report));
    if (flags['report-dir']) {
      mkdirSync(flags['report-dir'], { recursive: true });
      writeFileSync(join(flags['report-dir'], 'hardening-report.json'), toJson(report));
      writeFileSync(join(flags['report-dir'], 'hardening-report.md'), toMarkdown(report));
      writeFileSync(join(flags['report-dir'], 'hardening-report.sarif'), toSarif(report));
    }
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

/** An input file, parsed as Terraform reads JSON (a key written twice is two blocks, not the last one). */
function readInput(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      `input ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
    );
  }
  return parseTerraformJsonText(text, `input ${file}`);
}

/** Refuse a report directory that cannot be written before any work is done. */
function checkReportDir(dir: string): void {
  if (dir.trim() === '') throw new InputError('--report-dir needs a directory');
  let probe = dir;
  for (;;) {
    try {
      const st = statSync(probe);
      if (!st.isDirectory()) throw new InputError(`--report-dir ${dir}: ${probe} is not a directory`);
      accessSync(probe, constants.W_OK);
      return;
    } catch (e) {
      if (e instanceof InputError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && dirname(probe) !== probe) {
        probe = dirname(probe);
        continue;
      }
      throw new InputError(`--report-dir ${dir}: cannot write there (${code ?? (e as Error).message})`);
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
