import { InputError } from './model';

/**
 * Parse JSON text as Terraform reads it. JSON.parse keeps only the last of two equal keys in one object, but
 * Terraform's JSON syntax (hashicorp/hcl json/structure.go: PartialContent, unpackBlock, collectDeepAttrs) keeps
 * every property: a block type or block label written twice is two blocks, so a second "resource" key, or a
 * second "security_rule" key in an NSG, is a resource or rule Terraform creates. Such keys are kept here in the
 * array form Terraform JSON also accepts for blocks ([first, second], arrays flattened), so the checklist judges
 * both. (A repeated argument is an error in Terraform, "Duplicate argument"; it is kept the same way, and the
 * configuration never applies.) Text without a repeated key gives exactly JSON.parse's result.
 */
export function parseTerraformJsonText(text: string, source: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${source}: not valid JSON (${(e as Error).message}).`);
  }
  return hasRepeatedKey(text) ? new KeepingParser(text).parse() : value;
}

/** True when some object in the (valid) JSON text names a key twice. */
function hasRepeatedKey(text: string): boolean {
  const stack: Array<Set<string> | undefined> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      let j = end;
      while (j < text.length && /\s/.test(text[j])) j++;
      const top = stack[stack.length - 1];
      if (text[j] === ':' && top) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.has(key)) return true;
        top.add(key);
      }
      i = end - 1;
    } else if (c === '{') {
      stack.push(new Set());
    } else if (c === '[') {
      stack.push(undefined);
    } else if (c === '}' || c === ']') {
      stack.pop();
    }
  }
  return false;
}

/** Index just past the closing quote of the string that starts at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** A recursive-descent JSON parser that keeps repeated keys (the text is already known to be valid JSON). */
class KeepingParser {
  private i = 0;
  constructor(private readonly text: string) {}

  public parse(): unknown {
    return this.value();
  }

  private skip(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i++;
  }

  private value(): unknown {
    this.skip();
    const c = this.text[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
      this.text.slice(this.i, this.i + 64),
    );
    this.i += m![0].length;
    return JSON.parse(m![0]);
  }

  private string(): string {
    const end = stringEnd(this.text, this.i);
    const s = JSON.parse(this.text.slice(this.i, end)) as string;
    this.i = end;
    return s;
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.skip();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skip();
      if (this.text[this.i++] === ']') return out;
    }
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const repeated = new Set<string>();
    this.i++;
    this.skip();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.skip();
      const key = this.string();
      this.skip();
      this.i++; // ':'
      const v = this.value();
      // defineProperty: a "__proto__" key is data, as JSON.parse makes it, never the object's prototype.
      const set = (x: unknown) =>
        Object.defineProperty(out, key, { value: x, enumerable: true, writable: true, configurable: true });
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        const before = out[key];
        const list = repeated.has(key)
          ? (before as unknown[])
          : Array.isArray(before)
            ? [...before]
            : [before];
        set([...list, ...(Array.isArray(v) ? v : [v])]);
        repeated.add(key);
      } else {
        set(v);
      }
      this.skip();
      if (this.text[this.i++] === '}') return out;
    }
  }
}
