#!/usr/bin/env node
import { accessSync, constants, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';
import { Exemption, runChecks } from './engine';
import { parseTerraformJsonText } from './json-text';
import { InputError, loadDocuments } from './model';
import { exemptionProblems } from './records';
import { toJson, toMarkdown, toSarif, toText } from './reporters';
import { runTaskCommand } from '../cli/run-task';
import { runVerifyCli } from '../cli/verify';
import { checkTokenEndpoint } from '../validation';
import { defaultTokenProvider, verifyContentFilter } from '../verify/content-filter-check';

const USAGE = `usage:
  aoai-harden check <file> [<file>...] [--report-dir DIR] [--format text|json] [--suppressions FILE] [--fail-on error|warning] [--today YYYY-MM-DD]
  aoai-harden verify --from vnet|outside --config verify.json   (post-deploy checks; --help lists them)
  aoai-harden verify-content-filter --endpoint https://<sub>.openai.azure.com/ --deployment <name> [--allow-endpoint-host HOST]
  aoai-harden run-task --port <p>   (HCP Terraform run task; key in AOAI_RUN_TASK_HMAC_KEY; run-task --help)
  aoai-harden --help

check reads Terraform JSON (cdk.tf.json; several files are merged as Terraform merges *_override.tf.json),
plan JSON or state JSON (\`terraform show -json\`). It exits 0 when no finding at the --fail-on level (default
error) remains, 1 when one does (an input with no Azure OpenAI account fails AOAI-CHK-001), 2 on bad input.`;

const FORMATS = ['text', 'json'];

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Parse `--flag value` pairs after the positional arguments. */
function parseFlags(
  args: string[],
  allowed: string[],
): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const name = a.slice(2);
      if (!allowed.includes(name)) throw new InputError(`unknown option --${name}`);
      const value = args[++i];
      if (value === undefined) throw new InputError(`--${name} needs a value`);
      flags[name] = value;
    } else {
      positional.push(a);
    }
  }
  return { positional, flags };
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

export async function main(
  argv: string[],
  io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (
      command === '--help' ||
      command === '-h' ||
      command === 'help' ||
      (command === 'check' && rest.includes('--help'))
    ) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    if (command === 'check') {
      const { positional, flags } = parseFlags(rest, [
        'report-dir',
        'format',
        'suppressions',
        'fail-on',
        'today',
      ]);
      if (positional.length === 0) throw new InputError('check needs at least one input file');
      if (flags.format !== undefined && !FORMATS.includes(flags.format)) {
        throw new InputError(`--format must be one of ${FORMATS.join(', ')}, not ${flags.format}`);
      }
      const failOn = flags['fail-on'] ?? 'error';
      if (!['error', 'warning'].includes(failOn)) {
        throw new InputError(`--fail-on must be error or warning, not ${failOn}`);
      }
      if (flags.today && !/^\d{4}-\d{2}-\d{2}$/.test(flags.today)) {
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
      const report = runChecks(model, { today: flags.today, extraExemptions: extra });
      io.out(flags.format === 'json' ? toJson(report) : toText(report));
      if (flags['report-dir']) {
        mkdirSync(flags['report-dir'], { recursive: true });
        writeFileSync(join(flags['report-dir'], 'hardening-report.json'), toJson(report));
        writeFileSync(join(flags['report-dir'], 'hardening-report.md'), toMarkdown(report));
        writeFileSync(join(flags['report-dir'], 'hardening-report.sarif'), toSarif(report));
      }
      const failing = report.summary.errors + (failOn === 'warning' ? report.summary.warnings : 0);
      return failing > 0 ? 1 : 0;
    }
    if (command === 'run-task') return await runTaskCommand(rest, { ...io, parseSuppressions });
    if (command === 'verify') return await runVerifyCli(rest, io);
    if (command === 'verify-content-filter') {
      const { flags } = parseFlags(rest, ['endpoint', 'deployment', 'api-version', 'allow-endpoint-host']);
      if (!flags.endpoint) throw new InputError('--endpoint must be the https:// endpoint of the account');
      try {
        // The Entra ID token goes only to an Azure OpenAI / AI Services host, or the one host named explicitly.
        checkTokenEndpoint('--endpoint', flags.endpoint, flags['allow-endpoint-host']);
      } catch (e) {
        throw new InputError((e as Error).message);
      }
      if (!flags.deployment) throw new InputError('--deployment is required');
      const results = await verifyContentFilter({
        endpoint: flags.endpoint,
        deployment: flags.deployment,
        apiVersion: flags['api-version'],
        getToken: defaultTokenProvider(),
      });
      for (const r of results) {
        io.out(
          `${r.pass ? 'PASS' : 'FAIL'} ${r.name}: expected ${r.expected}, ${r.wasFiltered ? 'filtered' : 'allowed'} (${r.detail})\n`,
        );
      }
      return results.every((r) => r.pass) ? 0 : 1;
    }
    io.err(`${command ? `unknown command ${command}\n` : ''}${USAGE}\n`);
    return 2;
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`aoai-harden: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    io.err(`aoai-harden: ${(e as Error).message}\n`);
    return 2;
  }
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

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
