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
  Lazy,
  StringConcat,
  TerraformElement,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
} from 'cdktf';
import { resolvePlainFast } from '../stacks/plain-resolve';
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
    const spy = jest.spyOn(Tokenization, 'resolve');
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
    } finally {
      spy.mockRestore();
    }
  });

  test('with a cache, a string of references is resolved once per scope; others at every occurrence', () => {
    const reference = text.stringValue;
    const call = Fn.join('/', ['a', text.stringValue]);
    const value = { a: reference, b: [reference, `x-${reference}`], c: { d: reference }, e: call, f: call };
    const spy = jest.spyOn(Tokenization, 'resolve');
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
