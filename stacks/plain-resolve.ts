/**
 * cdktf's resolve with a fast path for the plain parts of a value.
 *
 * cdktf 0.21 resolves a value by walking all of it and creating a resolution context (an object and three
 * closures) for every key and every value, tokens or not (lib/tokens/private/resolve.js, `makeContext`). Most of a
 * synthesized resource is plain JSON: names, locations, tags, the `//` metadata. For those, cdktf's walk returns a
 * copy with the undefined values left out, nothing else. This function makes that copy itself and hands cdktf only
 * the values that hold a token, each resolved on its own exactly as cdktf would resolve it in place: with the same
 * key path (`prefix`: cdktf's depth guard, 200 path elements, counts it and its errors name it) and no context from
 * above (a container without a token passes none down: `previousContext` only carries what a token sets). So the
 * result, the error and the order in which tokens are resolved (their side effects) are cdktf's own.
 *
 * What counts as plain is decided conservatively, from resolve.js and encoding.js: a string without a token marker
 * (`TfToken[`), without a number that could be an encoded token (those are about 1e289 and up in magnitude: a
 * three-digit exponent or a hundred digits in a row) and not one of the two map-token placeholders; a finite
 * number far from the token range and not NUMBER_MAP_TOKEN_VALUE; an array or a plain object (Object or null
 * prototype, no `resolve` method, not what cdktf takes for a construct, no own `__proto__` key) of plain keys and
 * values. Anything else goes to cdktf whole.
 *
 * `resolveSettled` also tells whether a second resolve would return the result unchanged (TerraformStack
 * .toTerraform resolves the merged stack again; stacks/configured-stack.ts skips that only for settled values).
 *
 * __tests__/plain-resolve.test.ts compares the result with cdktf's for every element of the fleet and for values
 * built to sit on each boundary; __tests__/reference-app-synth.test.ts compares every written file.
 */
import {
  DefaultTokenResolver,
  IPostProcessor,
  IResolvable,
  IResolveContext,
  StringConcat,
  TerraformStack,
  Token,
  Tokenization,
} from 'cdktf';
// cdktf's own resolve, for its `prefix` option (Tokenization.resolve always starts at an empty path). cdktf is pinned
// (0.21.0); __tests__/plain-resolve.test.ts compares every result with the public Tokenization.resolve.
import { ref } from 'cdktf/lib/tfExpression';
import { resolve as cdktfResolve } from 'cdktf/lib/tokens/private/resolve';
// cdktf's resource-reference token: its class is not exported, `ref` makes one (see REFERENCE below).
import { IConstruct } from 'constructs';

/** Every token marker in a string (string, list and map tokens) contains this (lib/tokens/private/encoding.js). */
const TOKEN_MARKER = 'TfToken[';
/**
 * A number in a string that could be an encoded number token (about -1.9e289 and up in magnitude), which cdktf's
 * number pass would look up: a three-digit exponent, or a mantissa of a hundred digits or more. Only strings with
 * one are checked number by number (NUMBER_TOKEN_REGEX).
 */
const NUMBER_TOKEN_LIKE = /e\+?\d{3}|\d{100}/;
/** cdktf's NUMBER_TOKEN_REGEX (lib/tokens/private/encoding.js): each match is parsed and looked up as a token. */
const NUMBER_TOKEN_REGEX = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/g;
/** Encoded number tokens are about 1e289 and up in magnitude; anything this far below is a plain number. */
const PLAIN_NUMBER_LIMIT = 1e280;
/** Deeper than this, cdktf walks the rest (with the path so far: its depth guard still counts from the root). */
const MAX_PLAIN_DEPTH = 150;

/** cdktf 0.21's Reference class (lib/tfExpression.js), to tell its tokens from any other (a class's name is not). */
const REFERENCE = (ref('reference') as object).constructor;

/**
 * cdktf's resolver (lib/_tokens.js resolves with a DefaultTokenResolver over StringConcat), refusing a reference to
 * a resource of another stack. cdktf turns such a reference into a cross-stack output and a terraform_remote_state
 * during its preparing resolve (lib/tfExpression.js Reference.resolve, `context.preparing`), which the reference
 * app's stacks skip (ConfiguredStack.prepareStack); resolved without it, the reference would silently name a
 * resource the stack does not hold. Every token passes here, however deep (context.resolve keeps the resolver).
 */
class SameStackResolver extends DefaultTokenResolver {
  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    const origin =
      Object.getPrototypeOf(t)?.constructor === REFERENCE
        ? (t as unknown as { originStack?: TerraformStack }).originStack
        : undefined;
    const here = TerraformStack.of(context.scope);
    if (origin && origin !== here) {
      throw new Error(
        `stack "${here.node.id}" references ${(t as unknown as { identifier: string }).identifier} of stack ` +
          `"${origin.node.id}": the reference app's stacks ` +
          'are each built from their own config entry and skip the preparing resolve that turns such a reference ' +
          'into a cross-stack output. Pass the value through the config file, or build that stack on a plain ' +
          'TerraformStack.',
      );
    }
    return super.resolveToken(t, context, postProcessor);
  }
}

/** The resolver of every resolve of a reference-app stack (stacks/configured-stack.ts uses it too). */
export const SAME_STACK_RESOLVER = new SameStackResolver(new StringConcat());

/**
 * Resolved strings of one scope, shared by the resolves of one stack's elements: a reference such as a resource
 * group's name appears in dozens of resources, and resolving it again gives the same string.
 */
export type ResolvedStrings = Map<string, string>;

/**
 * Resolve `obj` in `scope`, as cdktf's `resolve(scope, obj)` would (lib/_tokens.js). With `cache` (one per scope,
 * a stack's), a string whose tokens are all resource references is resolved once:
 * cdktf 0.21's Reference.resolve (lib/tfExpression.js) returns its identifier, or the cross-stack identifier only a
 * preparing resolve sets, so its result depends on the scope alone. Strings with any other token (a Lazy's
 * producer, a function call, a user's own IResolvable) are resolved at every occurrence, as cdktf resolves them.
 */
export function resolvePlainFast(scope: IConstruct, obj: unknown, cache?: ResolvedStrings): any {
  return new PlainWalk(scope, cache).copy(obj);
}

/** A resolved value, and whether resolving it again would return it unchanged (no token, nothing to drop). */
export interface SettledResolve {
  readonly value: any;
  readonly settled: boolean;
}

/** As resolvePlainFast, and whether a second resolve of the result would change nothing. */
export function resolveSettled(scope: IConstruct, obj: unknown, cache?: ResolvedStrings): SettledResolve {
  const walk = new PlainWalk(scope, cache);
  const value = walk.copy(obj);
  return { value, settled: walk.settled };
}

class PlainWalk {
  /** False once a part cdktf resolved is not plain: a second resolve might change or reject it. */
  public settled = true;
  /** The key path of the value being copied: cdktf's `prefix` at that point. */
  private readonly path: string[] = [];

  constructor(
    private readonly scope: IConstruct,
    private readonly cache?: ResolvedStrings,
  ) {}

  public copy(value: unknown): any {
    if (value === undefined || value === null || typeof value === 'boolean') return value;
    if (typeof value === 'string') return isPlainString(value) ? value : this.tokenString(value);
    if (typeof value === 'number') return isPlainNumber(value) ? value : this.cdktf(value);
    if (typeof value !== 'object' || this.path.length >= MAX_PLAIN_DEPTH) return this.cdktf(value);
    if (Array.isArray(value)) {
      // A list token among the elements makes cdktf resolve the array as a whole (resolveList).
      if (!value.every(isPlainElement)) return this.cdktf(value);
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) continue; // a hole: cdktf's map skips it
        const resolved = this.at(String(i), value[i]);
        if (resolved !== undefined) out.push(resolved);
      }
      return out;
    }
    // Resolvables, constructs (and what cdktf takes for one), dates and other class instances, map-token keys:
    // cdktf's own branches. An own `__proto__` key sets the copy's prototype: cdktf's result, but not plain.
    if (!isPlainObject(value)) return this.cdktf(value);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (!keys.every(isPlainKey)) return this.cdktf(value);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const resolved = this.at(key, record[key]);
      if (resolved !== undefined) out[key] = resolved;
    }
    return out;
  }

  private at(key: string, value: unknown): any {
    this.path.push(key);
    try {
      return this.copy(value);
    } finally {
      this.path.pop();
    }
  }

  /** A string holding a token: from the cache when all its tokens are references and it was resolved before. */
  private tokenString(value: string): any {
    const hit = this.cache?.get(value);
    if (hit !== undefined) return hit;
    const resolved = this.cdktf(value);
    // Only settled strings: a hit must not skip what `settled` records.
    if (this.cache && typeof resolved === 'string' && isPlainString(resolved) && onlyReferences(value)) {
      this.cache.set(value, resolved);
    }
    return resolved;
  }

  /** cdktf's resolve of `value` where it sits: the same path, so the same depth guard and the same errors. */
  private cdktf(value: unknown): any {
    const resolved = cdktfResolve(value, {
      scope: this.scope,
      preparing: false,
      resolver: SAME_STACK_RESOLVER,
      prefix: [...this.path],
    });
    // Undefined is left out where it sits, as cdktf leaves it out.
    if (this.settled && resolved !== undefined && !isSettled(resolved)) this.settled = false;
    return resolved;
  }
}

/** True when every token in `s` is a cdktf resource reference and it holds no list, map or number token. */
function onlyReferences(s: string): boolean {
  if (s.includes(`#{${TOKEN_MARKER}`) || s.includes(`&{${TOKEN_MARKER}`) || NUMBER_TOKEN_LIKE.test(s)) {
    return false;
  }
  const tokens = Tokenization.reverseString(s).tokens;
  return tokens.length > 0 && tokens.every((t) => Object.getPrototypeOf(t)?.constructor === REFERENCE);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  // cdktf's isConstruct (resolve.js): both fields defined makes it refuse the object.
  return (
    typeof record.resolve !== 'function' && (record._children === undefined || record._metadata === undefined)
  );
}

function isPlainKey(key: string): boolean {
  return key !== '__proto__' && isPlainString(key);
}

function isPlainString(s: string): boolean {
  return (
    !s.includes(TOKEN_MARKER) &&
    !(NUMBER_TOKEN_LIKE.test(s) && holdsTokenSizedNumber(s)) &&
    s !== Token.STRING_MAP_TOKEN_VALUE &&
    s !== Token.ANY_MAP_TOKEN_VALUE
  );
}

/** Whether a number cdktf's number pass finds in `s` is in the token range (Infinity and NaN never are tokens). */
function holdsTokenSizedNumber(s: string): boolean {
  for (const match of s.matchAll(NUMBER_TOKEN_REGEX)) {
    const n = parseFloat(match[0]);
    if (Number.isFinite(n) && !isPlainNumber(n)) return true;
  }
  return false;
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

/**
 * Whether cdktf's resolve would return `value` unchanged: plain strings and numbers, arrays without holes or
 * undefined elements, objects with the Object prototype, plain keys and no undefined value. Conservative: anything
 * else counts as unsettled.
 */
function isSettled(value: unknown): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'string') return isPlainString(value);
  if (typeof value === 'number') return isPlainNumber(value);
  if (typeof value !== 'object' || value === undefined) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isSettled(value[i])) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || !isPlainObject(value)) return false;
  const record = value as Record<string, unknown>;
  return Object.keys(record).every((key) => isPlainKey(key) && isSettled(record[key]));
}
