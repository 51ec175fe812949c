/**
 * Where each Terraform address sits in the text of the file that was checked, so that SARIF and JUnit reports can
 * point at a file and a line (GitHub code scanning refuses results without a file location).
 *
 * - Terraform JSON (cdk.tf.json): the key of the resource's block, `resource.<type>.<name>`, `data.<type>.<name>`,
 *   `module.<name>` (array forms of blocks included: Terraform JSON accepts `"resource": [{...}]`).
 * - Plan and state JSON (`terraform show -json`): the `"address"` key of the resource's entry, the first one in the
 *   document (planned_values before resource_changes in a plan; values in a state). That output is one line, so
 *   the column is what points into the entry.
 * - HCL (a cdk.tf written with SYNTH_HCL_OUTPUT): the `resource "<type>" "<name>"` line.
 */

/** A 1-based line and column (UTF-16 code units, SARIF's default columnKind). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** The positions of the addresses one file declares. */
export class SourceIndex {
  /** Index a JSON document's text (Terraform JSON, plan JSON or state JSON). */
  public static ofJsonText(text: string): SourceIndex {
    return new SourceIndex(text, scanJson(text));
  }

  /** Index an HCL configuration's text (blocks at the start of a line). */
  public static ofHclText(text: string): SourceIndex {
    const found = new Map<string, number>();
    const block = /^[ \t]*(resource|data)[ \t]+"([^"]+)"[ \t]+"([^"]+)"|^[ \t]*module[ \t]+"([^"]+)"/gm;
    for (let m = block.exec(text); m; m = block.exec(text)) {
      const address = m[4] ? `module.${m[4]}` : `${m[1] === 'data' ? 'data.' : ''}${m[2]}.${m[3]}`;
      if (!found.has(address)) found.set(address, m.index + m[0].length - m[0].trimStart().length);
    }
    return new SourceIndex(text, found);
  }

  private readonly lineStarts: number[] = [0];

  private constructor(
    text: string,
    private readonly offsets: ReadonlyMap<string, number>,
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /**
   * The position of an address: exact; else without its instance key (`x.y[0]` -> `x.y`, how a configuration
   * names a counted resource); else the module call that holds it (`module.m.x.y` -> `module.m`).
   */
  public locate(address: string): SourcePosition | undefined {
    const candidates = [address, address.replace(/\[[^\]]*\]$/, '')];
    const moduleCall = /^(module\.[^.[]+)/.exec(address)?.[1];
    if (moduleCall) candidates.push(moduleCall);
    for (const candidate of candidates) {
      const offset = this.offsets.get(candidate);
      if (offset !== undefined) return this.position(offset);
    }
    return undefined;
  }

  private position(offset: number): SourcePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi + 1) / 2);
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }
}

/** Index just past the closing quote of the string that starts at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The address a key declares in Terraform JSON, from the object keys above it (array indices left out). */
function configAddress(path: readonly string[]): string | undefined {
  if (path.length === 3 && path[0] === 'resource') return `${path[1]}.${path[2]}`;
  if (path.length === 3 && path[0] === 'data') return `data.${path[1]}.${path[2]}`;
  if (path.length === 2 && path[0] === 'module') return `module.${path[1]}`;
  return undefined;
}

/** The sections of plan and state JSON whose entries carry an `address` (Terraform's JSON output format). */
const PLAN_SECTIONS = new Set([
  'planned_values',
  'resource_changes',
  'values',
  'prior_state',
  'configuration',
]);

/** JSON's insignificant whitespace (RFC 8259: space, tab, line feed, carriage return); the text is valid JSON. */
function isJsonSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t';
}

/** A JSON string literal's value: decoded only when it holds an escape. */
function stringValue(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/**
 * Key paths deeper than any address (configAddress reads three keys) stop growing here: they keep their first
 * three keys (PLAN_SECTIONS reads the first) and a fourth that no address rule matches, so nothing is allocated
 * per nested container of a large document.
 */
const DEEP = '\0deep';

/**
 * One pass over valid JSON text: the offset of each declared address (first occurrence). Keys are tracked as a
 * path of object keys; arrays add no segment, so Terraform JSON's array forms of blocks map like the object forms.
 */
function scanJson(text: string): Map<string, number> {
  const found = new Map<string, number>();
  const record = (address: string, offset: number) => {
    if (!found.has(address)) found.set(address, offset);
  };
  // One frame per open container: the key path up to it, and the key last read in it (objects).
  const frames: Array<{ path: string[]; key?: string }> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      let j = end;
      while (j < text.length && isJsonSpace(text[j])) j++;
      const top = frames[frames.length - 1];
      if (text[j] === ':' && top) {
        const key = stringValue(text, i, end);
        top.key = key;
        const address = top.path.length < 3 ? configAddress([...top.path, key]) : undefined;
        if (address) record(address, i);
        if (key === 'address' && PLAN_SECTIONS.has(top.path[0])) {
          let k = j + 1;
          while (k < text.length && isJsonSpace(text[k])) k++;
          if (text[k] === '"') record(stringValue(text, k, stringEnd(text, k)), i);
        }
      }
      i = end - 1;
    } else if (c === '{' || c === '[') {
      const parent = frames[frames.length - 1];
      const path = !parent
        ? []
        : parent.key === undefined
          ? parent.path
          : parent.path.length >= 3
            ? parent.path.length === 3
              ? [...parent.path, DEEP]
              : parent.path
            : [...parent.path, parent.key];
      frames.push({ path });
      if (c === '[') frames[frames.length - 1].key = undefined;
    } else if (c === '}' || c === ']') {
      frames.pop();
    }
  }
  return found;
}
