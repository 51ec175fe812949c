import { readFileSync, readdirSync, statSync } from 'fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'path';
import { pathToFileURL } from 'url';
import { InputError, ReportSource, parseTerraformJsonText } from '../core';

/**
 * What `aoai-harden check` judges, from its file and folder arguments: a list of units, each one Terraform
 * configuration (the *.tf.json files of one directory, as Terraform loads a root module) or one plan or state JSON
 * document. Each unit is judged and reported on its own (one SARIF run, one JUnit test suite per unit), so a
 * synthesized app's stacks never merge into one configuration.
 *
 * - a file ending in .tf.json joins the other *.tf.json files of its directory (cdk.tf.json and the overrides
 *   Terraform loads with it); files of two directories are two configurations (two stacks);
 * - any other file (plan JSON, state JSON, a configuration under another name) is one document;
 * - a folder holding *.tf.json files (a stack folder, cdktf.out/stacks/<stack>) is one configuration;
 * - a synthesized app (cdktf.out, read through its manifest.json) or a folder of stack folders (cdktf.out/stacks)
 *   is one configuration per stack.
 */
export interface CheckUnit {
  /** The run's name: the stack, or the input file's name (SARIF automationDetails.id, JUnit suite). */
  readonly name: string;
  /** The files judged together, in the order given (a configuration's siblings after the named files). */
  readonly files: readonly string[];
}

/** A checked file: its parsed document, and its text and URI for the file locations of SARIF and JUnit results. */
export interface Input {
  readonly file: string;
  readonly document: unknown;
  readonly source: ReportSource;
}

/** Expands the command's arguments into units; `note` hears each file added that was not named (on stderr). */
export function checkUnits(args: readonly string[], note: (line: string) => void): CheckUnit[] {
  const byKey = new Map<string, { name: string; files: string[] }>();
  const add = (key: string, name: string, file: string) => {
    const unit = byKey.get(key) ?? { name, files: [] };
    if (!unit.files.includes(file)) unit.files.push(file);
    byKey.set(key, unit);
  };
  for (const arg of args) {
    if (isDirectory(arg)) {
      for (const unit of folderUnits(arg)) {
        for (const file of unit.files) add(`dir:${resolve(dirname(file))}`, unit.name, file);
      }
    } else if (arg.endsWith('.tf.json')) {
      add(`dir:${resolve(dirname(arg))}`, runName(arg), arg);
    } else {
      add(`file:${resolve(arg)}`, runName(arg), arg);
    }
  }
  const units = [...byKey.values()];
  for (const unit of units) {
    const named = new Set(unit.files.map((f) => resolve(f)));
    const tfJson = unit.files.filter((f) => f.endsWith('.tf.json'));
    if (tfJson.length === 0) continue;
    for (const sibling of configurationSiblings(tfJson)) {
      if (named.has(sibling)) continue;
      note(`also checked ${sibling}: Terraform loads it with ${tfJson.join(', ')} (same directory)`);
      unit.files.push(sibling);
    }
  }
  refuseDuplicateNames(units);
  return units;
}

/** Two units named alike would be one analysis in code scanning and one suite name in JUnit. */
function refuseDuplicateNames(units: ReadonlyArray<CheckUnit>): void {
  const seen = new Map<string, CheckUnit>();
  for (const unit of units) {
    const other = seen.get(unit.name);
    if (other) {
      throw new InputError(
        `${other.files[0]} and ${unit.files[0]} are both named "${unit.name}" (their stack folder or file name); check them in two runs, each with its own --name`,
      );
    }
    seen.set(unit.name, unit);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // reading the file reports the problem
  }
}

const NOTHING_HERE =
  'give a plan or state JSON file (terraform show -json), a *.tf.json file, a folder holding *.tf.json files (a cdktf stack folder), or a synthesized app (cdktf.out)';

/** A folder argument: one configuration, or a synthesized app's stacks (through its manifest), or stack folders. */
function folderUnits(dir: string): CheckUnit[] {
  const names = readdirSync(dir).sort();
  const tfJson = names.filter((n) => n.endsWith('.tf.json') && statSync(join(dir, n)).isFile());
  if (tfJson.length) return [{ name: folderName(dir), files: tfJson.map((n) => join(dir, n)) }];
  if (names.includes('cdk.tf')) throw hclStack(join(dir, 'cdk.tf'));
  if (names.includes('manifest.json') && !isDirectory(join(dir, 'manifest.json'))) {
    const fromManifest = manifestUnits(dir);
    if (fromManifest) return fromManifest;
  }
  const stacksDir = names.includes('stacks') && isDirectory(join(dir, 'stacks')) ? join(dir, 'stacks') : dir;
  const stacks = readdirSync(stacksDir)
    .sort()
    .filter((n) => isDirectory(join(stacksDir, n)))
    .map((n) => join(stacksDir, n))
    .filter((d) => readdirSync(d).some((f) => f === 'cdk.tf.json' || f === 'cdk.tf'));
  if (stacks.length === 0) {
    if (names.some((n) => n.endsWith('.tf'))) {
      throw new InputError(
        `${dir}: holds HCL (*.tf) only, and the checklist reads JSON: check the plan JSON (terraform plan -out plan.out && terraform show -json plan.out > plan.json)`,
      );
    }
    throw new InputError(`${dir}: no Terraform JSON here; ${NOTHING_HERE}`);
  }
  return stacks.map((d) => folderUnits(d)[0]);
}

/**
 * cdktf.out/manifest.json (cdktf's Manifest: stacks.<id>.synthesizedStackPath, relative to the output folder):
 * the app's stacks as synthesized, without stale folders of stacks the app no longer has. Undefined when the file
 * is no cdktf manifest.
 */
function manifestUnits(dir: string): CheckUnit[] | undefined {
  let manifest: any;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (!manifest || typeof manifest.stacks !== 'object' || manifest.stacks === null) return undefined;
  const units: CheckUnit[] = [];
  for (const [id, stack] of Object.entries<any>(manifest.stacks)) {
    const path = typeof stack?.synthesizedStackPath === 'string' ? join(dir, stack.synthesizedStackPath) : '';
    if (path.endsWith('.tf')) throw hclStack(path);
    if (!path || !statSafe(path)) {
      throw new InputError(
        `${join(dir, 'manifest.json')}: stack ${id}'s synthesized file ${path || '(none)'} is missing; run cdktf synth again`,
      );
    }
    units.push({ name: cleanName(id), files: [path] });
  }
  if (units.length === 0) throw new InputError(`${join(dir, 'manifest.json')}: the app has no stacks`);
  return units;
}

function statSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function hclStack(file: string): InputError {
  return new InputError(
    `${file}: cdktf wrote HCL (hclOutput), and the checklist reads JSON: synthesize JSON (cdktf.json without "hclOutput") or check the plan JSON (terraform show -json)`,
  );
}

/**
 * The other configuration files Terraform loads with the given *.tf.json files: every *.tf and *.tf.json file
 * of the same directory, overrides included, except names starting with "." or ending with "~" and "#...#"
 * editor files (terraform internal/configs/parser_config_dir.go, dirFiles and IsIgnoredFile). A .tf.json one is
 * checked with them, or an override dropped next to cdk.tf.json would apply unjudged; a .tf one (HCL) cannot be
 * read here, so the input is refused.
 */
function configurationSiblings(files: readonly string[]): string[] {
  const given = new Set(files.map((f) => resolve(f)));
  const extra: string[] = [];
  const dirs = new Set(files.map((f) => dirname(resolve(f))));
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
export function readInput(file: string): Input {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `input ${file}: cannot read it (${code ?? (e as Error).message})${code === 'ENOENT' ? `; ${NOTHING_HERE}` : ''}`,
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
  return cleanName(
    base === 'cdk.tf.json' ? basename(dirname(resolve(file))) : base.replace(/(\.tf)?\.json$/, ''),
  );
}

/** A folder's run name: its own name (a stack folder's is the stack's). */
function folderName(dir: string): string {
  return cleanName(basename(resolve(dir)));
}

function cleanName(raw: string): string {
  return raw.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'check';
}
