/**
 * cdktf's resolve with a fast path for the plain parts of a value.
 *
 * cdktf 0.21 resolves a value by walking all of it and creating a resolution context (an object and three
 * closures) for every key and every value, tokens or not (lib/tokens/private/resolve.js, `makeContext`). Most of a
 * synthesized resource is plain JSON: names, locations, tags, the `//` metadata. For those, cdktf's walk returns a
 * copy with the undefined values left out, nothing else. This function makes that copy itself and hands cdktf only
 * the values that hold a token, each resolved on its own exactly as cdktf would resolve it in place (a container
 * without a token passes no context down: `previousContext` only carries what a token sets).
 *
 * What counts as plain is decided conservatively, from resolve.js and encoding.js: a string without a token marker
 * (`TfToken[`), without a number that could be an encoded token (those print as about 1e289) and not one of the two
 * map-token placeholders; a finite number far from the token range and not NUMBER_MAP_TOKEN_VALUE; an array or a
 * plain object (Object prototype, no `resolve` method) of plain keys and values. Anything else goes to cdktf whole.
 * If anything throws, the whole value is resolved again by cdktf, so an error carries cdktf's own message and path.
 *
 * __tests__/plain-resolve.test.ts compares the result with cdktf's for every element of the fleet and for values
 * built to sit on each boundary; __tests__/reference-app-synth.test.ts compares every written file.
 */
import { DefaultTokenResolver, StringConcat, Token, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';

/** The resolver cdktf's own resolve uses (lib/_tokens.js). */
const TOKEN_RESOLVER = new DefaultTokenResolver(new StringConcat());
/** Every token marker in a string (string, list and map tokens) contains this (lib/tokens/private/encoding.js). */
const TOKEN_MARKER = 'TfToken[';
/** A number printed with a three-digit exponent: an encoded number token (about -1.9e289) prints this way. */
const BIG_EXPONENT = /e\+?\d{3}/i;
/** Encoded number tokens are about 1e289 and up in magnitude; anything this far below is a plain number. */
const PLAIN_NUMBER_LIMIT = 1e280;
/** Deeper than this, cdktf's own depth guard (200 path elements) must see the value. */
const MAX_PLAIN_DEPTH = 150;

/**
 * Resolved strings of one scope, shared by the resolves of one stack's elements: a reference such as a resource
 * group's name appears in dozens of resources, and resolving it again gives the same string.
 */
export type ResolvedStrings = Map<string, string>;

/**
 * Resolve `obj` in `scope` (not preparing), as cdktf's `resolve(scope, obj)` would. With `cache` (one per scope),
 * a string whose tokens are all resource references is resolved once: cdktf 0.21's Reference.resolve
 * (lib/tfExpression.js) returns its identifier, or the cross-stack identifier only a preparing resolve sets, so its
 * result depends on the scope alone. Strings with any other token (a Lazy's producer, a function call, a user's own
 * IResolvable) are resolved at every occurrence, as cdktf resolves them.
 */
export function resolvePlainFast(scope: IConstruct, obj: unknown, cache?: ResolvedStrings): any {
  const cdktf = (value: unknown): any =>
    Tokenization.resolve(value, { scope, preparing: false, resolver: TOKEN_RESOLVER });
  const resolveString = (value: string): any => {
    const hit = cache?.get(value);
    if (hit !== undefined) return hit;
    const resolved = cdktf(value);
    if (cache && typeof resolved === 'string' && onlyReferences(value)) cache.set(value, resolved);
    return resolved;
  };
  try {
    return copyResolved(obj, 0, cdktf, resolveString);
  } catch {
    return cdktf(obj);
  }
}

/** True when every token in `s` is a resource reference and it holds no list, map or number token. */
function onlyReferences(s: string): boolean {
  if (s.includes(`#{${TOKEN_MARKER}`) || s.includes(`&{${TOKEN_MARKER}`) || BIG_EXPONENT.test(s)) {
    return false;
  }
  const tokens = Tokenization.reverseString(s).tokens;
  return tokens.length > 0 && tokens.every((t) => t.constructor?.name === 'Reference');
}

function copyResolved(
  value: unknown,
  depth: number,
  cdktf: (v: unknown) => any,
  resolveString: (s: string) => any,
): any {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return isPlainString(value) ? value : resolveString(value);
  if (typeof value === 'number') return isPlainNumber(value) ? value : cdktf(value);
  if (depth > MAX_PLAIN_DEPTH || typeof value !== 'object') return cdktf(value);
  if (Array.isArray(value)) {
    // A list token among the elements makes cdktf resolve the array as a whole (resolveList).
    if (!value.every(isPlainElement)) return cdktf(value);
    const out: unknown[] = [];
    for (const element of value) {
      const resolved = copyResolved(element, depth + 1, cdktf, resolveString);
      if (resolved !== undefined) out.push(resolved);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  const record = value as Record<string, unknown>;
  // Resolvables, constructs, dates and other class instances, and map-token keys: cdktf's own branches.
  if ((proto !== Object.prototype && proto !== null) || typeof record.resolve === 'function') {
    return cdktf(value);
  }
  const keys = Object.keys(record);
  if (!keys.every(isPlainString)) return cdktf(value);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = copyResolved(record[key], depth + 1, cdktf, resolveString);
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}

function isPlainString(s: string): boolean {
  return (
    !s.includes(TOKEN_MARKER) &&
    !BIG_EXPONENT.test(s) &&
    s !== Token.STRING_MAP_TOKEN_VALUE &&
    s !== Token.ANY_MAP_TOKEN_VALUE
  );
}

function isPlainNumber(n: number): boolean {
  return Number.isFinite(n) && Math.abs(n) < PLAIN_NUMBER_LIMIT && n !== Token.NUMBER_MAP_TOKEN_VALUE;
}

/** What decides whether cdktf treats an array as a list token. */
function isPlainElement(x: unknown): boolean {
  if (typeof x === 'string') return !x.includes(`#{${TOKEN_MARKER}`);
  if (typeof x === 'number') return isPlainNumber(x);
  return true;
}
