/**
 * How the HardeningChecks Aspect runs at synth (internal; the public surface is HardeningChecks in aspect.ts).
 * Only cdktf's public hooks: a stack validation (`node.addValidation`), the stack's public `toTerraform()`, an App
 * validation and the written cdk.tf.json.
 *
 * - One judgement per stack, however many HardeningChecks reach it (the default one HardenedAzureOpenAI adds, one
 *   the app adds, one on the App): a StackCheck per stack, reports written once.
 * - The stack validation judges the stack's own `toTerraform()`: cdktf 0.21 runs validations just before it writes
 *   the stack (StackSynthesizer.synthesize: invokeAspects, runAllValidations, annotations, toTerraform, write), so
 *   an error finding stops the synth before anything is written, warnings reach the manifest as annotations, and
 *   `Testing.synth(stack, true)` judges exactly as `cdktf synth` does. cdktf resolves the stack again to write it;
 *   synth output is deterministic, so what is judged is what is written.
 * - App-level Aspects: cdktf 0.21 only invokes the Aspects of a stack and its children (invokeAspects(stack)),
 *   never the App's. A HardeningChecks added to the App is honoured by every StackCheck, and an App validation
 *   (App.synth runs it after every stack is written) judges the written cdk.tf.json of each stack that has no
 *   StackCheck of its own. An App holding none of this package's constructs has nothing that registers that
 *   validation: such an app adds the Aspect to its stacks (docs/architecture.md).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { isAbsolute, join, relative, resolve, sep } from 'path';
import { pathToFileURL } from 'url';
import { AnnotationMetadataEntryType, App, Aspects, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { HardeningConfigError } from '../validation';
import { Report, ScopeExclusion, runChecks } from './engine';
import { loadModel } from './model';
import { ReportSource, toJson, toJunit, toMarkdown, toSarif } from './reporters';
import { cdktfJsonText } from './written-json';

/** The settings one HardeningChecks instance carries (see HardeningChecksProps). */
export interface ChecksSettings {
  readonly writeReports?: boolean;
  readonly today?: string;
  readonly printSummary?: boolean;
  /** Phases managed elsewhere (HardeningChecksProps.scope), passed to the engine. */
  readonly managedElsewhere?: ScopeExclusion[];
}

interface Registration {
  readonly settings: ChecksSettings;
  /** Added by a construct of this package, not by the user. */
  readonly isDefault: boolean;
}

const registrations = new WeakMap<object, Registration>();

/** Register a HardeningChecks instance (called from its constructor). */
export function registerChecks(instance: object, settings: ChecksSettings, isDefault: boolean): void {
  registrations.set(instance, { settings, isDefault });
}

export function isHardeningChecks(x: unknown): boolean {
  return typeof x === 'object' && x !== null && registrations.has(x);
}

function appOf(scope: IConstruct): App | undefined {
  try {
    return App.of(scope);
  } catch {
    return undefined;
  }
}

/** HardeningChecks instances added to the App (cdktf itself never invokes them). */
function appLevelChecks(app: App | undefined): object[] {
  return app ? Aspects.of(app).all.filter(isHardeningChecks) : [];
}

const stackChecks = new WeakMap<TerraformStack, StackCheck>();

/** The one judgement of a stack: collects every HardeningChecks that reaches it and runs as a stack validation. */
export class StackCheck {
  public static of(stack: TerraformStack): StackCheck {
    let check = stackChecks.get(stack);
    if (!check) {
      check = new StackCheck(stack);
      stackChecks.set(stack, check);
    }
    return check;
  }

  private readonly instances: object[] = [];

  private constructor(private readonly stack: TerraformStack) {
    // The checks run as a stack validation, and an App created with skipValidation never runs validations
    // (cdktf 0.21 StackSynthesizer.synthesize and App.synth: `if (!session.skipValidation)`): the stack would be
    // written unjudged. Leaving the checks out is an opt-out with a reason (hardeningChecksOptOut), not a flag.
    const app = appOf(stack) as (App & { skipValidation?: boolean }) | undefined;
    if (app?.skipValidation === true) {
      throw new HardeningConfigError(
        'App.skipValidation',
        true,
        'the hardening checklist runs as a stack validation, which skipValidation turns off without a trace. Create the App without skipValidation, or leave the checks out with hardeningChecksOptOut and a written reason (recorded in the hardening record).',
      );
    }
    stack.node.addValidation({ validate: () => this.run() });
    ensureAppCoverage(stack);
  }

  public add(instance: object): void {
    if (!this.instances.includes(instance)) this.instances.push(instance);
  }

  private run(): string[] {
    const appLevel = appLevelChecks(appOf(this.stack));
    const all = [...this.instances, ...appLevel];
    // A stack that opted out of the default and has no Aspect of its own or on the App: nothing was asked for.
    if (all.length === 0) return [];
    // Each setting comes from the first instance that sets it: explicit ones on the stack, then the App's,
    // then the package default.
    const explicit = this.instances.filter((i) => !registrations.get(i)!.isDefault);
    const settings = mergeSettings([...explicit, ...appLevel]);
    // cdktf's public resolve of the stack, the same call its synthesizer makes right after to write it.
    return judge(this.stack, this.stack.toTerraform(), settings, 'before-write');
  }
}

function mergeSettings(instances: object[]): ChecksSettings {
  const merged: Record<string, unknown> = {};
  for (const instance of instances) {
    for (const [key, value] of Object.entries(registrations.get(instance)!.settings)) {
      if (value !== undefined && !(key in merged)) merged[key] = value;
    }
  }
  return merged as ChecksSettings;
}

const coveredApps = new WeakSet<App>();

/**
 * Make an App-level HardeningChecks cover every stack of the app that scope belongs to. Cheap and idempotent;
 * called when a StackCheck is created and by HardenedAzureOpenAI's constructor.
 */
export function ensureAppCoverage(scope: IConstruct): void {
  const app = appOf(scope);
  if (!app || coveredApps.has(app)) return;
  coveredApps.add(app);
  // App.synth validates the App node after every stack has been written (cdktf 0.21 app.js synth()).
  app.node.addValidation({ validate: () => judgeUncheckedStacks(app) });
}

function judgeUncheckedStacks(app: App): string[] {
  const appLevel = appLevelChecks(app);
  if (appLevel.length === 0) return [];
  const settings = mergeSettings(appLevel);
  const errors: string[] = [];
  for (const stack of app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c))) {
    if (stackChecks.has(stack)) continue; // judged before it was written
    const file = join(app.outdir, app.manifest.forStack(stack).synthesizedStackPath);
    // The written JSON, parsed once; HCL output (SYNTH_HCL_OUTPUT) is judged from a resolve instead.
    const written = file.endsWith('.json') && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const json = written !== undefined ? JSON.parse(written) : stack.toTerraform();
    const stackErrors = judge(stack, json, settings, 'after-write', written).map(
      (e) => `[${stack.node.id}] ${e}`,
    );
    if (stackErrors.length > 0) {
      // A stack that fails the checklist leaves no configuration behind to apply by mistake.
      rmSync(file, { force: true });
      errors.push(...stackErrors);
    }
  }
  return errors;
}

type Moment = 'before-write' | 'after-write';

/**
 * Judge one stack's JSON: annotations, reports, the summary line; returns the error-level findings. `written` is
 * the text of the written file (after write); before the write it is the text cdktf is about to write.
 */
function judge(
  stack: TerraformStack,
  json: unknown,
  settings: ChecksSettings,
  moment: Moment,
  written?: string,
): string[] {
  const report = runChecks(loadModel(json, stack.node.id), {
    today: settings.today,
    managedElsewhere: settings.managedElsewhere,
  });
  // The construct behind a finding's address, for its annotation: by the construct path cdktf writes into each
  // resource's "//" metadata, else from a map of the stack's resources built on the first miss (a passing stack,
  // the usual case, never walks its construct tree here).
  let byAddress: Map<string, IConstruct> | undefined;
  const constructAt = (address: string): IConstruct | undefined => {
    const atPath = constructAtMetadataPath(stack, json, address);
    if (atPath) return atPath;
    if (!byAddress) {
      byAddress = new Map();
      for (const c of stack.node.findAll()) {
        if (c instanceof TerraformResource) {
          byAddress.set(`${c.terraformResourceType}.${c.friendlyUniqueId}`, c);
        }
      }
    }
    return byAddress.get(address);
  };
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const f of report.findings.filter((x) => x.status === 'non-compliant')) {
    const target = (f.address && constructAt(f.address)) || stack;
    const message = `[${f.ruleId}] ${f.message}${f.value !== undefined ? ` (value: ${JSON.stringify(f.value)})` : ''}`;
    if (f.severity === 'error') {
      annotate(target, AnnotationMetadataEntryType.ERROR, message);
      errors.push(`${f.address ?? stack.node.id}: ${message}`);
    } else {
      annotate(target, AnnotationMetadataEntryType.WARN, message);
      warnings.push(`WARN [${target.node.path}]: ${message}`);
    }
  }
  const dir = join(appOf(stack)?.outdir ?? '.', 'stacks', stack.node.id);
  if (settings.writeReports ?? true) {
    writeReports(dir, report, stack, stackSource(stack, json, moment, written));
  }
  if (settings.printSummary ?? process.env.CDKTF_OUTDIR !== undefined) {
    const lines = [summaryLine(stack, report, (settings.writeReports ?? true) ? dir : undefined)];
    // Warnings travel as annotations, which the cdktf CLI prints after a successful synth. When errors abort
    // the synth (no manifest is written) or the stack was judged after cdktf collected annotations, print them.
    if (errors.length > 0 || moment === 'after-write') lines.push(...warnings);
    process.stdout.write(lines.join('\n') + '\n');
  }
  return errors;
}

/**
 * What cdktf's Annotations.addError / addWarning write (cdktf 0.21 lib/annotations.js: node.addMetadata with the
 * level as type), without the stack trace: it would show this module's judging code, not the user's, and it costs
 * a full stack capture per finding.
 */
function annotate(target: IConstruct, level: AnnotationMetadataEntryType, message: string): void {
  target.node.addMetadata(level, message, { stackTrace: false });
}

/** The resource construct at the path the JSON's `//` metadata gives for `type.name`, if it is that resource. */
function constructAtMetadataPath(
  stack: TerraformStack,
  json: unknown,
  address: string,
): IConstruct | undefined {
  const dot = address.indexOf('.');
  const resources = (json as { resource?: Record<string, Record<string, any>> } | undefined)?.resource;
  const path: unknown = resources?.[address.slice(0, dot)]?.[address.slice(dot + 1)]?.['//']?.metadata?.path;
  if (typeof path !== 'string') return undefined;
  const [first, ...rest] = path.split('/');
  if (first !== stack.node.id) return undefined;
  let found: IConstruct | undefined = stack;
  for (const id of rest) found = found?.node.tryFindChild(id);
  return found instanceof TerraformResource &&
    `${found.terraformResourceType}.${found.friendlyUniqueId}` === address
    ? found
    : undefined;
}

/**
 * The stack's synthesized file as the SARIF and JUnit reports name it (relative to the working directory, where
 * `cdktf synth` runs: the repository root) and its text, for the line of each resource. Before the write, the text
 * is what cdktf is about to write (HCL output, SYNTH_HCL_OUTPUT, is not known then: its findings point at line 1).
 */
function stackSource(stack: TerraformStack, json: unknown, moment: Moment, written?: string): ReportSource {
  const app = appOf(stack);
  const file = app
    ? join(app.outdir, app.manifest.forStack(stack).synthesizedStackPath)
    : join('.', 'stacks', stack.node.id, 'cdk.tf.json');
  const isJson = file.endsWith('.json');
  const text = moment === 'after-write' ? written : isJson ? cdktfJsonText(json) : undefined;
  const shown = displayPath(file);
  // Outside the working directory (a temporary outdir) there is no repository-relative path: an absolute file URI.
  const uri = isAbsolute(shown) ? pathToFileURL(shown).href : shown.split(sep).join('/');
  return { uri, text, hcl: !isJson };
}

function writeReports(dir: string, report: Report, stack: TerraformStack, source: ReportSource): void {
  mkdirSync(dir, { recursive: true });
  const context = { sources: [source], name: stack.node.id };
  writeFileSync(join(dir, 'hardening-report.json'), toJson(report));
  writeFileSync(join(dir, 'hardening-report.md'), toMarkdown(report));
  writeFileSync(join(dir, 'hardening-report.sarif'), toSarif(report, context));
  writeFileSync(join(dir, 'hardening-report.junit.xml'), toJunit(report, context));
}

/** One line per stack, e.g. `hardening checklist [aoai-dev]: PASS, 0 errors, 1 warning, ... report: <path>`. */
export function summaryLine(stack: TerraformStack, report: Report, reportDir?: string): string {
  const s = report.summary;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    `hardening checklist [${stack.node.id}]: ${s.errors > 0 ? 'FAIL' : 'PASS'}, ${plural(s.errors, 'error')}, ` +
    `${plural(s.warnings, 'warning')}, ${s.suppressed} exempted, ${s.compliant} compliant, ` +
    `${s.notApplicable} not applicable` +
    (reportDir ? `; report: ${displayPath(join(reportDir, 'hardening-report.md'))}` : '')
  );
}

/** Relative to the working directory when inside it (cdktf.out/...), absolute otherwise. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
}
