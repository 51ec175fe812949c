/**
 * The reference app's resolve fast path (stacks/plain-resolve.ts) against cdktf's own resolve: the same result for
 * every element of every reference stack, and for values built to sit on each boundary of "plain" that cdktf 0.21's
 * resolve (lib/tokens/private/resolve.js) and token encoding (lib/tokens/private/encoding.js) draw.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  App,
  DefaultTokenResolver,
  Fn,
  IResolvable,
  Lazy,
  StringConcat,
  TerraformElement,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
} from 'cdktf';
import { resolvePlainFast, resolveSettled } from '../stacks/plain-resolve';
import { addReferenceStacks } from '../stacks/reference-app';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function newApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'aoai-plain-resolve-'));
  dirs.push(outdir);
  return new App({ outdir });
}

/** cdktf's resolve exactly as TerraformStack.toTerraform calls it (lib/_tokens.js). */
const cdktfResolve = (scope: TerraformStack, obj: unknown): any =>
  Tokenization.resolve(obj, {
    scope,
    preparing: false,
    resolver: new DefaultTokenResolver(new StringConcat()),
  });

/** Either the value or the message it throws with, to compare both outcomes. */
function outcome(f: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function referenceStacks(configFile: string | undefined): TerraformStack[] {
  return addReferenceStacks(newApp(), configFile);
}

describe.each([
  ['the fleet fixture', join(__dirname, 'fixtures', 'fleet.json')],
  ['the built-in stack', undefined],
])('%s: every element resolves as cdktf resolves it', (_name, configFile) => {
  test.each(referenceStacks(configFile).map((s) => [s.node.id, s] as const))('%s', (_id, stack) => {
    const elements = stack.node.findAll().filter(TerraformElement.isTerraformElement);
    expect(elements.length).toBeGreaterThan(5);
    // One cache for the stack, as ConfiguredStack.toTerraform shares it across the elements.
    const references = new Map<string, string>();
    for (const e of elements) {
      const fast = resolvePlainFast(stack, e.toTerraform(), references);
      expect([e.node.path, fast]).toStrictEqual([e.node.path, cdktfResolve(stack, e.toTerraform())]);
      const meta = resolvePlainFast(stack, e.toMetadata());
      expect([e.node.path, meta]).toStrictEqual([e.node.path, cdktfResolve(stack, e.toMetadata())]);
    }
  });
});

describe('values on the boundary of plain', () => {
  const app = newApp();
  const stack = new TerraformStack(app, 'boundary');
  const text = new TerraformVariable(stack, 'text', { type: 'string', default: 'x' });
  const count = new TerraformVariable(stack, 'count', { type: 'number', default: 1 });
  const names = new TerraformVariable(stack, 'names', { type: 'list(string)', default: ['a'] });
  const tags = new TerraformVariable(stack, 'tags', { type: 'map(string)', default: {} });
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  let deep: unknown = 'bottom';
  for (let i = 0; i < 180; i++) deep = { [`level${i}`]: deep, undefinedValue: undefined };
  /** `leaf` under `levels` nested objects: cdktf's depth guard refuses a path of more than 200 keys. */
  const nested = (levels: number, leaf: unknown): unknown => {
    let value = leaf;
    for (let i = 0; i < levels; i++) value = { a: value };
    return value;
  };
  const withNullPrototype = Object.assign(Object.create(null), { a: 'x', b: text.stringValue });
  const sparse: unknown[] = ['a'];
  sparse[3] = text.stringValue;
  const withGetter = Object.defineProperty({ a: 1 }, 'b', { enumerable: true, get: () => text.stringValue });

  const cases: Array<[string, unknown]> = [
    ['a string token', { name: text.stringValue }],
    ['a token inside a literal', { id: `prefix-${text.stringValue}-suffix` }],
    ['a number token', { size: count.numberValue, list: [1, count.numberValue] }],
    ['a number token inside a string', { label: `n=${count.numberValue}` }],
    ['a list token', { names: names.listValue, first: Fn.element(names.listValue, 0) }],
    ['a list token among plain elements', { names: ['plain', ...names.listValue] }],
    ['a map token', { tags: tags.value, merged: Fn.merge([tags.value, { a: 'b' }]) }],
    ['a map token as a key', { ...Token.asStringMap(tags.value) }],
    ['a lazy value', { lazy: Lazy.anyValue({ produce: () => ({ nested: [text.stringValue, undefined] }) }) }],
    ['a function call', { joined: Fn.join('/', ['a', text.stringValue]) }],
    ['undefined values and elements', { a: undefined, b: [undefined, 'x', undefined], c: { d: undefined } }],
    ['null, booleans, numbers', { a: null, b: true, c: false, d: 0, e: -1.5, f: 1e20, g: [null] }],
    [
      'literal interpolation syntax',
      { hcl: '${var.not_a_token}', escaped: '$${self.id}', kql: 'a | where b' },
    ],
    ['numbers printed with an exponent', { a: '5e123', b: '1e+300', c: 1e300, d: '0x5e0bd9bd' }],
    ['a number far out of range', { a: Number.MAX_VALUE, b: -Number.MAX_VALUE, c: Infinity, d: NaN }],
    ['a date', { when: new Date(Date.UTC(2026, 10, 28)) }],
    [
      'a class instance',
      {
        value: new (class Holder {
          public readonly held = 'x';
        })(),
      },
    ],
    ['the map-token placeholders', { a: Token.STRING_MAP_TOKEN_VALUE }],
    ['the number map-token placeholder', { a: Token.NUMBER_MAP_TOKEN_VALUE }],
    ['a function value', { f: () => 'x' }],
    ['a cyclic value', cyclic],
    ['a value nested deeper than the fast path walks', deep],
    ['a construct', { construct: stack }],
    // The depth guard counts the whole path: 201 plain levels, and tokens whose own resolution goes deep where
    // they sit (a function argument, a lazy value), fail in cdktf however little of the path is the token's.
    ['plain values nested past the depth guard', nested(201, 'x')],
    ['plain values nested to the depth guard', nested(200, 'x')],
    [
      'a token whose arguments nest past the depth guard from where it sits',
      nested(60, Fn.jsonencode(nested(150, 'x'))),
    ],
    [
      'a lazy value that nests past the depth guard from where it sits',
      nested(100, Lazy.anyValue({ produce: () => nested(120, 'y') })),
    ],
    // cdktf's isConstruct (resolve.js) is a duck type: any object with both fields.
    ['a plain object with the two fields cdktf takes for a construct', { x: { _children: 1, _metadata: 2 } }],
    ['a plain object with one of them', { x: { _children: 1 }, y: { _metadata: 2 } }],
    // cdktf's number pass parses every number in a string (NUMBER_TOKEN_REGEX) and looks it up as a token.
    ['a number token written out in full digits inside a string', { s: `v ${BigInt(count.numberValue)}e0` }],
    [
      'hashes with exponent-like runs',
      { id: 'item-18e23666e0366118', key: 'Id_0F3E9014', n: '1e308', m: '9e999' },
    ],
    ['an own __proto__ key', JSON.parse('{"__proto__": {"x": 1}, "a": 2, "b": [{"__proto__": "s"}]}')],
    ['an object without a prototype, holding a token', { o: withNullPrototype }],
    ['a sparse array with a token', { s: sparse }],
    ['a getter returning a token', withGetter],
    ['negative zero', { z: -0, list: [-0], text: '-0' }],
    ['symbol keys and values, a bigint', { [Symbol('k')]: 'x', s: Symbol.for('v'), b: BigInt(10) }],
    ['a toJSON method', { o: { toJSON: () => 'j', a: 1 } }],
    ['frozen values', Object.freeze({ a: Object.freeze([text.stringValue, 'x']) })],
    ['an array with extra properties', { a: Object.assign(['x'], { extra: 'y' }) }],
    ['a very long string', { s: `${'x'.repeat(200_000)}${'9'.repeat(120)}` }],
  ];

  test.each(cases)('%s', (_name, value) => {
    const fast = outcome(() => resolvePlainFast(stack, value));
    const cdktf = outcome(() => cdktfResolve(stack, value));
    expect(fast).toStrictEqual(cdktf);
  });

  test('the comparison can fail: a token left unresolved differs from what cdktf makes of it', () => {
    const value = { name: text.stringValue };
    expect(resolvePlainFast(stack, value)).toStrictEqual({ name: '${var.text}' });
    expect(resolvePlainFast(stack, value)).not.toStrictEqual(value);
  });

  test('plain parts never reach cdktf; a token reaches it alone', () => {
    // The fast path calls cdktf's resolve module directly (for its key path); the spy sits on that module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const spy = jest.spyOn(require('cdktf/lib/tokens/private/resolve'), 'resolve');
    try {
      resolvePlainFast(stack, {
        a: 'plain',
        b: [1, true, null, { c: 'd' }],
        '//': { metadata: { path: 'x' } },
      });
      expect(spy).not.toHaveBeenCalled();
      const token = text.stringValue;
      resolvePlainFast(stack, { a: 'plain', b: { c: token } });
      expect(spy.mock.calls.map(([value]) => value)).toEqual([token]);
      // Where it sits: cdktf's depth guard and error messages count the key path.
      expect(spy.mock.calls.map(([, options]) => (options as { prefix: string[] }).prefix)).toEqual([
        ['b', 'c'],
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  test('settled: a token whose value a second resolve would change or refuse is reported', () => {
    const settled = (v: unknown): boolean => resolveSettled(stack, v).settled;
    expect(settled({ a: 'plain', b: text.stringValue, c: Lazy.anyValue({ produce: () => undefined }) })).toBe(
      true,
    );
    expect(settled({ a: Lazy.anyValue({ produce: () => new Date(0) }) })).toBe(false);
    expect(settled({ a: Lazy.anyValue({ produce: () => ({ [text.stringValue]: 1 }) }) })).toBe(true);
    // A key that only becomes `_children` when resolved: cdktf's second resolve takes the object for a construct.
    const key = Lazy.stringValue({ produce: () => '_children' });
    expect(settled({ x: { _metadata: 1, [key]: 2 } })).toBe(false);
    expect(settled(JSON.parse('{"a": [{"__proto__": {"x": 1}}]}'))).toBe(false);
    // The value itself is cdktf's either way.
    const value = { x: { _metadata: 1, [key]: 2 } };
    expect(resolveSettled(stack, value).value).toStrictEqual(cdktfResolve(stack, value));
  });

  test('with a cache, a string of references is resolved once per scope; others at every occurrence', () => {
    const reference = text.stringValue;
    const call = Fn.join('/', ['a', text.stringValue]);
    const value = { a: reference, b: [reference, `x-${reference}`], c: { d: reference }, e: call, f: call };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const spy = jest.spyOn(require('cdktf/lib/tokens/private/resolve'), 'resolve');
    let fast: unknown;
    try {
      fast = resolvePlainFast(stack, value, new Map());
      // The reference once, the literal-with-reference once, the function call at both occurrences.
      expect(spy.mock.calls.map(([v]) => v)).toEqual([reference, `x-${reference}`, call, call]);
    } finally {
      spy.mockRestore();
    }
    expect(fast).toStrictEqual(cdktfResolve(stack, value));
  });

  test('a lazy string is produced at every occurrence, as cdktf produces it, cache or not', () => {
    const make = () => {
      let n = 0;
      const lazy = Lazy.stringValue({ produce: () => `v${n++}` });
      return { a: lazy, b: [lazy, lazy] };
    };
    expect(resolvePlainFast(stack, make(), new Map())).toStrictEqual(cdktfResolve(stack, make()));
    expect(cdktfResolve(stack, make())).toStrictEqual({ a: 'v0', b: ['v1', 'v2'] });
  });

  test("a user's own token class named Reference is resolved at every occurrence, as cdktf resolves it", () => {
    // The cache keys on cdktf's Reference class itself: a class's name says nothing about its resolve.
    const make = () => {
      let n = 0;
      class Reference implements IResolvable {
        public readonly creationStack: string[] = [];
        public resolve(): string {
          return `r${n++}`;
        }
        public toString(): string {
          return Token.asString(this);
        }
      }
      const token = Token.asString(new Reference());
      return { a: token, b: [token, token] };
    };
    expect(resolvePlainFast(stack, make(), new Map())).toStrictEqual(cdktfResolve(stack, make()));
    expect(cdktfResolve(stack, make())).toStrictEqual({ a: 'r0', b: ['r1', 'r2'] });
  });

  test('the fast path copies: mutating the result leaves the input as it was', () => {
    const input = { a: { b: ['c'] } };
    const out = resolvePlainFast(stack, input);
    out.a.b.push('d');
    expect(input).toStrictEqual({ a: { b: ['c'] } });
  });
});

test('stacks with remote state backends resolve as cdktf resolves them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-plain-resolve-cfg-'));
  dirs.push(dir);
  const file = join(dir, 'backends.json');
  writeFileSync(
    file,
    JSON.stringify([
      {
        environment: 'cloud',
        subscriptionCoverage: { managedElsewhere: 'test: the subscription baseline is elsewhere' },
        backend: { type: 'cloud', organization: 'contoso', workspace: 'aoai-cloud' },
      },
    ]),
  );
  const [stack] = referenceStacks(file);
  for (const e of stack.node.findAll().filter(TerraformElement.isTerraformElement)) {
    expect(resolvePlainFast(stack, e.toMetadata())).toStrictEqual(cdktfResolve(stack, e.toMetadata()));
    expect(resolvePlainFast(stack, e.toTerraform())).toStrictEqual(cdktfResolve(stack, e.toTerraform()));
  }
});
