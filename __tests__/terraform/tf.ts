// Test helpers for Terraform core in the loop: write a synthesized configuration to a stack folder and run the
// offline runner (scripts/tf.js) on it, in temp folders the tests remove.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export interface TfResult {
  readonly code: number;
  readonly output: string;
  readonly workDir: string;
  readonly applyLog: string;
  readonly planJson?: string;
}

export interface TfOptions {
  readonly workDir?: string;
  readonly fresh?: boolean;
  readonly applyDelayMs?: number;
  readonly extraArgs?: string[];
  /** Apply into this estate folder (the shared fake ARM of tools/tf-stub/estate; created if missing). */
  readonly estate?: string;
  /** Policy sets to assign in the estate (at its subscription), e.g. ['landing-zone']. */
  readonly policies?: string[];
  /** The subscription of providers without subscription_id (as ARM_SUBSCRIPTION_ID). */
  readonly subscription?: string;
  /** The estate's clock (ISO time). */
  readonly clock?: string;
}

export interface ApplyEvent {
  readonly event: 'start' | 'end';
  readonly type: string;
  readonly action: 'create' | 'update' | 'delete';
  readonly name: string | null;
  readonly id: string | null;
  readonly refs: string[];
  /** Wall-clock time in milliseconds (fractional). */
  readonly at: number;
  /** Pairs the start and end of one ApplyResourceChange call. */
  readonly call: string;
}

// scripts/tf.js is plain JavaScript (the runner needs no build); these are its types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runner = require('../../scripts/tf') as {
  run(command: string, stackDir: string, options?: TfOptions): Promise<TfResult>;
  readApplyLog(file: string): ApplyEvent[];
  findTerraform(): { bin: string; version: string };
};

export const runTf = runner.run;
export const readApplyLog = runner.readApplyLog;

/** Fails (with install instructions) when Terraform is missing, instead of skipping. */
export const terraform = runner.findTerraform();

/** A scratch area for one test file: stack folders and work folders, removed by `cleanup()`. */
export class Scratch {
  public readonly root = mkdtempSync(join(tmpdir(), 'aoai-tf-test-'));

  /** Write a configuration as <root>/<name>/cdk.tf.json and return the folder. */
  public stack(name: string, config: unknown): string {
    const dir = join(this.root, 'stacks', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(config, null, 2));
    return dir;
  }

  public workDir(name: string): string {
    return join(this.root, 'work', name);
  }

  public cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The managed resources in a work folder's local state: address -> "<type> <ARM ID>" (IDs alone can repeat). */
export function stateResources(workDir: string): Map<string, string> {
  const state = JSON.parse(readFileSync(join(workDir, 'terraform.tfstate'), 'utf8'));
  const out = new Map<string, string>();
  for (const r of state.resources ?? []) {
    if (r.mode !== 'managed') continue;
    for (const i of r.instances) out.set(`${r.type}.${r.name}`, `${r.type} ${i.attributes.id}`);
  }
  return out;
}

/** A deep copy of a configuration, for deliberately broken variants. */
export function copyOf<T>(config: T): T {
  return JSON.parse(JSON.stringify(config));
}

/**
 * Dependency edges of a Terraform JSON configuration, [dependent, dependency] by resource address: every
 * `${type.name...}` reference and every depends_on entry (how Terraform builds its graph from JSON syntax).
 */
export function dependencyEdges(config: any): Array<[string, string]> {
  const resources = new Set<string>();
  for (const [type, instances] of Object.entries<any>(config.resource ?? {})) {
    for (const name of Object.keys(instances)) resources.add(`${type}.${name}`);
  }
  const edges: Array<[string, string]> = [];
  for (const [type, instances] of Object.entries<any>(config.resource ?? {})) {
    for (const [name, body] of Object.entries<any>(instances)) {
      const from = `${type}.${name}`;
      const targets = new Set<string>(body.depends_on ?? []);
      for (const m of JSON.stringify(body).matchAll(/\$\{[^}]*?\b([a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g)) {
        targets.add(m[1]);
      }
      for (const t of targets) if (resources.has(t) && t !== from) edges.push([from, t]);
    }
  }
  return edges;
}

export interface Write {
  /** "<type> <ARM ID>", as stateResources keys them. */
  readonly key: string;
  readonly type: string;
  readonly action: string;
  readonly id: string;
  readonly refs: string[];
  readonly start: number;
  readonly end: number;
}

/** Pair the stub's start/end lines into writes (id from the end line: creates learn theirs there). */
export function writesFrom(events: ApplyEvent[]): Write[] {
  const starts = new Map(events.filter((e) => e.event === 'start').map((e) => [e.call, e]));
  return events
    .filter((e) => e.event === 'end')
    .map((e) => ({
      key: `${e.type} ${e.id}`,
      type: e.type,
      action: e.action,
      id: e.id!,
      refs: e.refs,
      start: starts.get(e.call)!.at,
      end: e.at,
    }));
}

/**
 * Check a schedule against dependency edges: on apply a resource starts only after what it references has
 * finished; on destroy it is deleted only after everything that references it. `checked` counts the edges
 * whose two ends both appear in the schedule, so a mapping mistake cannot pass silently.
 */
export function orderViolations(
  edges: Array<[string, string]>,
  state: Map<string, string>,
  writes: Write[],
  order: 'apply' | 'destroy',
): { checked: number; violations: string[] } {
  const byKey = new Map(writes.map((w) => [w.key, w]));
  let checked = 0;
  const violations: string[] = [];
  for (const [from, to] of edges) {
    const dependent = byKey.get(state.get(from)!);
    const dependency = byKey.get(state.get(to)!);
    if (!dependent || !dependency) continue;
    checked++;
    if (order === 'apply' && dependent.start < dependency.end) {
      violations.push(`${from} started before ${to} finished`);
    }
    if (order === 'destroy' && dependency.start < dependent.end) {
      violations.push(`${to} deleted before ${from}`);
    }
  }
  return { checked, violations };
}
