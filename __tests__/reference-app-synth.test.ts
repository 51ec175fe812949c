/**
 * The reference app's stacks walk only the tokens in cdktf's preparing resolve, copy plain values in its resolve of
 * each element, and skip its second resolve of the merged stack where that cannot change anything
 * (ConfiguredStack.prepareStack and toTerraform). Here the whole fleet app (a subscription baseline and three
 * account stacks), stacks with the cloud and azurerm state backends, and the built-in stack are synthesized with
 * the overrides and with cdktf's own TerraformStack.prototype.prepareStack and toTerraform, and every file App.synth
 * writes (manifest, each cdk.tf.json, each report) must be byte-identical; then stacks built to sit on each edge of
 * the shortcut (cross-stack references, lazy values with side effects, overrides, merges cdktf treats specially,
 * its depth guard) must give the same JSON or the same error as cdktf's steps.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import {
  App,
  DataTerraformRemoteStateLocal,
  DefaultTokenResolver,
  Fn,
  Lazy,
  TerraformElement,
  TerraformIterator,
  TerraformLocal,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
  StringConcat,
  Token,
  Tokenization,
} from 'cdktf';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { ConfiguredStack } from '../stacks/configured-stack';
import { resolvePlainFast } from '../stacks/plain-resolve';
import { addReferenceStacks } from '../stacks/reference-app';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** ConfiguredStack's own synth steps, which the comparison swaps for cdktf's. */
const OVERRIDDEN = ['prepareStack', 'toTerraform'] as const;

/** Synthesize the reference app for `configFile` into a fresh folder; returns every file written. */
function synth(configFile: string | undefined, withCdktfSteps: boolean): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'aoai-prepare-'));
  dirs.push(outdir);
  const own = OVERRIDDEN.map((name) => Object.getOwnPropertyDescriptor(ConfiguredStack.prototype, name)!);
  if (withCdktfSteps) {
    for (const name of OVERRIDDEN) {
      Object.defineProperty(ConfiguredStack.prototype, name, {
        // eslint-disable-next-line @typescript-eslint/unbound-method
        value: TerraformStack.prototype[name],
        configurable: true,
      });
    }
  }
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const app = new App({ outdir, skipValidation: false });
    addReferenceStacks(app, configFile);
    app.synth();
  } finally {
    OVERRIDDEN.forEach((name, i) => Object.defineProperty(ConfiguredStack.prototype, name, own[i]));
    log.mockRestore();
  }
  // The temp folder's name is in the reports' paths only through outdir; compare relative contents. The manifest's
  // annotations (the checklist's warnings) carry the stack trace of this test's call site, which differs per call.
  return Object.fromEntries(
    Object.entries(files(outdir)).map(([k, v]) => [
      k,
      v
        .split(outdir)
        .join('<outdir>')
        .replace(/"stacktrace": \[[^\]]*\]/gi, '"stacktrace": []'),
    ]),
  );
}

/** Two account stacks whose state lives in HCP Terraform and in Azure Storage: backends add stack metadata. */
function remoteBackendsConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-backends-'));
  dirs.push(dir);
  const file = join(dir, 'backends.json');
  const coverage = { managedElsewhere: 'test: the subscription baseline is not part of this app' };
  writeFileSync(
    file,
    JSON.stringify([
      {
        environment: 'cloud',
        subscriptionCoverage: coverage,
        backend: { type: 'cloud', organization: 'contoso', workspace: 'aoai-cloud' },
      },
      {
        environment: 'blob',
        subscriptionCoverage: coverage,
        backend: {
          type: 'azurerm',
          storageAccountName: 'sttfstate',
          containerName: 'tfstate',
          resourceGroupName: 'rg-tfstate',
        },
      },
    ]),
  );
  return file;
}

describe.each([
  ['the fleet fixture', join(__dirname, 'fixtures', 'fleet.json')],
  ['stacks with remote state backends', remoteBackendsConfig()],
  ['the built-in stack', undefined],
])("%s: ConfiguredStack's prepareStack and toTerraform change no byte", (_name, configFile) => {
  const skipped = synth(configFile, false);
  const prepared = synth(configFile, true);

  test('the same files, each byte-identical', () => {
    expect(Object.keys(skipped).sort()).toEqual(Object.keys(prepared).sort());
    for (const [file, content] of Object.entries(prepared)) {
      expect([file, skipped[file]]).toEqual([file, content]);
    }
    expect(Object.keys(skipped).filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(0);
    if (configFile?.endsWith('backends.json')) {
      // The backends' own stack metadata (cdktf's header) took part in the comparison.
      const json = Object.entries(skipped).filter(([f]) => f.endsWith('cdk.tf.json'));
      expect(json.map(([, c]) => JSON.parse(c)['//'].metadata.backend).sort()).toEqual(['azurerm', 'cloud']);
    }
  });
});

/** A bare reference-app stack (state backend and provider only), to build edge cases on. */
class Bare extends ConfiguredStack {
  constructor(scope: Construct, id: string) {
    super(scope, { stackName: id, backend: { type: 'local' } });
  }
}

/** A Terraform element that synthesizes whatever it is given: fragments no provider binding would write. */
class RawElement extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly fragment: unknown,
    private readonly metadata: unknown = {},
  ) {
    super(scope, id);
  }
  public toTerraform(): any {
    return this.fragment;
  }
  public toMetadata(): any {
    return this.metadata;
  }
}

/**
 * App.synth's own steps (every stack prepared, then each resolved) with ConfiguredStack's prepareStack and
 * toTerraform or with cdktf's, on two fresh apps built alike: every stack's JSON (or the error) and its stack
 * dependencies, which a cross-stack reference adds.
 */
function stepsOutcome(build: (app: App) => void, withCdktfSteps: boolean): string {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'aoai-edges-')),
    context: { cdktfVersion: '0.21.0' },
  });
  dirs.push(app.outdir);
  build(app);
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  try {
    for (const stack of stacks) {
      if (withCdktfSteps) TerraformStack.prototype.prepareStack.call(stack);
      else stack.prepareStack();
    }
    return stacks
      .map((stack) =>
        JSON.stringify(
          {
            json: withCdktfSteps ? TerraformStack.prototype.toTerraform.call(stack) : stack.toTerraform(),
            dependencies: stack.dependencies.map((d) => d.node.id),
          },
          null,
          1,
        ),
      )
      .join('\n');
  } catch (e) {
    // A path in the message can hold a raw token key, numbered by creation order: the two apps number apart.
    return `error: ${(e as Error).message.replace(/TOKEN\.\d+/g, 'TOKEN.n')}`;
  }
}

/** Nested objects, `levels` deep. */
const nested = (levels: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe("ConfiguredStack's steps on the edges of the one-pass synth: the same JSON or the same error as cdktf's", () => {
  const cases: Array<[string, (app: App) => void]> = [
    [
      'a reference into a plain TerraformStack',
      (app) => {
        const origin = new Bare(app, 'origin');
        const user = new TerraformStack(app, 'user');
        new AzurermProvider(user, 'azurerm', { features: [{}] });
        new TerraformOutput(user, 'o', {
          value: new ResourceGroup(origin, 'rg', { name: 'rg', location: 'swedencentral' }).id,
        });
      },
    ],
    [
      'two providers of one type (arrays concatenated), an alias',
      (app) => {
        new AzurermProvider(new Bare(app, 's'), 'second', { features: [{}], alias: 'second' });
      },
    ],
    [
      'resource overrides: a deletion, a list, a lazy object holding a token',
      (app) => {
        const rg = new ResourceGroup(new Bare(app, 's'), 'rg', {
          name: 'a',
          location: 'x',
          tags: { a: 'b', c: 'd' },
        });
        rg.addOverride('tags.a', undefined);
        rg.addOverride('lifecycle.ignore_changes', ['tags']);
        rg.addOverride('x.y', Lazy.anyValue({ produce: () => ({ id: rg.id }) }));
      },
    ],
    [
      'a stack override, and one added after a first toTerraform',
      (app) => {
        const s = new Bare(app, 's');
        s.addOverride(
          'terraform.required_version',
          new TerraformVariable(s, 'v', { type: 'string' }).stringValue,
        );
        s.toTerraform();
        s.addOverride('locals.late', 'x');
      },
    ],
    [
      // What cdktf's addOverride writes to; the one-pass path reads the same field.
      'stack overrides written without addOverride',
      (app) => {
        (new Bare(app, 's') as unknown as { rawOverrides: Record<string, unknown> }).rawOverrides.locals = {
          x: 1,
        };
      },
    ],
    [
      'outputs nested in constructs and in another output',
      (app) => {
        const s = new Bare(app, 's');
        const o = new TerraformOutput(new Construct(s, 'c'), 'o', { value: 'x' });
        new TerraformOutput(o, 'p', { value: Fn.upper('y'), sensitive: true });
      },
    ],
    [
      'locals, an iterator, a dynamic block',
      (app) => {
        const s = new Bare(app, 's');
        const names = new TerraformVariable(s, 'names', { type: 'list(string)' });
        new TerraformLocal(s, 'l', { a: names.listValue, b: [1, 2] });
        const each = TerraformIterator.fromList(names.listValue);
        new ResourceGroup(s, 'rg', { forEach: each, name: each.value, location: 'x' });
        const rules = TerraformIterator.fromList(names.listValue);
        new NetworkSecurityGroup(s, 'nsg', {
          name: 'n',
          location: 'x',
          resourceGroupName: 'r',
          securityRule: rules.dynamic({
            name: rules.value,
            priority: 100,
            direction: 'Inbound',
            access: 'Deny',
          }),
        });
      },
    ],
    [
      'moved and import blocks, a remote state data source',
      (app) => {
        const s = new Bare(app, 's');
        new ResourceGroup(s, 'a', { name: 'a', location: 'x' }).moveFromId('azurerm_resource_group.old');
        new ResourceGroup(s, 'b', { name: 'b', location: 'x' }).importFrom(
          '/subscriptions/x/resourceGroups/b',
        );
        const state = new DataTerraformRemoteStateLocal(s, 'state', { path: 'x.tfstate' });
        new TerraformOutput(s, 'o', { value: state.getString('id') });
      },
    ],
    [
      'escapes around tokens and in function arguments',
      (app) => {
        const s = new Bare(app, 's');
        const v = new TerraformVariable(s, 'v', { type: 'string' });
        new TerraformOutput(s, 'o', {
          value: `$\${self} \${x} ${v.stringValue} ${Fn.join(',', ['${a}', v.stringValue])}`,
        });
        new TerraformOutput(s, 'p', { value: Fn.rawString('${x}') });
      },
    ],
    [
      // Two resources given one logical ID merge; merging an object into null throws in cdktf's deepMerge.
      'one logical ID twice: an object merged into null',
      (app) => {
        const s = new Bare(app, 's');
        const a = new ResourceGroup(s, 'a', { name: 'a', location: 'x' });
        a.overrideLogicalId('same');
        a.addOverride('tags', null);
        new ResourceGroup(s, 'b', { name: 'b', location: 'x', tags: { k: 'v' } }).overrideLogicalId('same');
      },
    ],
    [
      // deepMerge writes the object's keys onto the array; the second resolve keeps the elements only.
      'one logical ID twice: an object merged into a list',
      (app) => {
        const s = new Bare(app, 's');
        const a = new ResourceGroup(s, 'a', { name: 'a', location: 'x' });
        a.overrideLogicalId('same');
        a.addOverride('tags', ['x', 'y']);
        new ResourceGroup(s, 'b', { name: 'b', location: 'x', tags: { 3: 'v', k: 'w' } }).overrideLogicalId(
          'same',
        );
      },
    ],
    [
      'a fragment that is a string (cdktf refuses to merge it)',
      (app) => void new RawElement(new Bare(app, 's'), 'r', 'abc'),
    ],
    ['a fragment that is null', (app) => void new RawElement(new Bare(app, 's'), 'r', null)],
    [
      // Neither fragment is a construct to cdktf; the merged object is, and the second resolve refuses it.
      'two fragments that merge into an object with both construct fields',
      (app) => {
        const s = new Bare(app, 's');
        new RawElement(s, 'c', { locals: { x: { _children: 1 } } });
        new RawElement(s, 'd', { locals: { x: { _metadata: 1 } } });
      },
    ],
    [
      'a key that resolves to a construct field',
      (app) =>
        void new RawElement(new Bare(app, 's'), 'r', {
          locals: { x: { _metadata: 1, [Lazy.stringValue({ produce: () => '_children' })]: 2 } },
        }),
    ],
    [
      'an own __proto__ key inside a list',
      (app) =>
        void new RawElement(new Bare(app, 's'), 'r', {
          locals: { x: [JSON.parse('{"__proto__": {"_children": 1, "_metadata": 2}, "a": 1}')] },
        }),
    ],
    [
      'a fragment that writes the header',
      (app) =>
        void new RawElement(new Bare(app, 's'), 'r', {
          '//': { metadata: { backend: 'x' } },
          locals: { a: 1 },
        }),
    ],
    [
      // The header is resolved under "//": two levels deeper than an element's own resolve of its metadata.
      'element metadata nested up to the depth guard once under the header',
      (app) => void new RawElement(new Bare(app, 's'), 'r', {}, { deep: nested(198, 'x') }),
    ],
    [
      'element metadata merged into null',
      (app) => {
        const s = new Bare(app, 's');
        new RawElement(s, 'c', {}, { overrides: null });
        new RawElement(s, 'd', {}, { overrides: { q: ['b'] } });
      },
    ],
    [
      'values a second resolve keeps as they are: dates, negative zero, exponent-like strings',
      (app) =>
        void new RawElement(new Bare(app, 's'), 'r', {
          locals: { a: -0, b: 1e300, c: '1e5', d: [new Date(0)], e: new Date(0), f: 'id-18e23666e0366118' },
        }),
    ],
  ];

  test.each(cases)('%s', (_name, build) => {
    const ours = stepsOutcome(build, false);
    expect(ours).toBe(stepsOutcome(build, true));
  });

  /** Two reference-app stacks, the second referring to a resource group of the first. */
  const crossStack = (app: App): void => {
    const origin = new Bare(app, 'origin');
    const user = new Bare(app, 'user');
    const rg = new ResourceGroup(origin, 'rg', { name: 'rg', location: 'swedencentral' });
    new TerraformOutput(user, 'o', { value: rg.id });
  };

  test('a reference to another reference-app stack is refused, naming both stacks and the fix', () => {
    // cdktf's own steps turn it into a cross-stack output and a terraform_remote_state (its preparing resolve).
    expect(stepsOutcome(crossStack, true)).toMatch(/terraform_remote_state/);
    expect(stepsOutcome(crossStack, false)).toMatch(
      /^error: .*stack "user" references azurerm_resource_group\.rg\.id of stack "origin": .*Pass the value through the config file/s,
    );
  });

  test('negative control: resolved without the preparing resolve and without the refusal, the reference names nothing', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'aoai-edges-')) });
    dirs.push(app.outdir);
    crossStack(app);
    const [, user] = app.node.findAll().filter(TerraformStack.isStack);
    const silent = JSON.stringify(TerraformStack.prototype.toTerraform.call(user));
    expect(silent).toContain('${azurerm_resource_group.rg.id}');
    expect(silent).not.toMatch(/terraform_remote_state/);
  });

  test('a lazy value is produced once per synth (cdktf: twice, preparing and writing): a call-counting producer differs', () => {
    const counting = (app: App): void => {
      let produced = 0;
      new TerraformOutput(new Bare(app, 's'), 'o', {
        value: Lazy.stringValue({ produce: () => `produced-${++produced}` }),
      });
    };
    expect(stepsOutcome(counting, false)).toContain('"value": "produced-1"');
    expect(stepsOutcome(counting, true)).toContain('"value": "produced-2"');
  });
});

test("a stack-level override is merged and resolved as cdktf's toTerraform does", () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'aoai-override-')) });
  dirs.push(app.outdir);
  const stack = new Bare(app, 's');
  new TerraformOutput(stack, 'o', { value: 'x' });
  const withoutOverride = JSON.stringify(stack.toTerraform());
  expect(withoutOverride).toBe(JSON.stringify(TerraformStack.prototype.toTerraform.call(stack)));
  const version = new TerraformVariable(stack, 'v', { type: 'string', default: '>= 1.9' });
  stack.addOverride('terraform.required_version', version.stringValue);
  const withOverride = stack.toTerraform();
  expect(withOverride.terraform.required_version).toBe('${var.v}');
  expect(withOverride['//'].metadata.overrides).toEqual({ stack: ['terraform'] });
  expect(JSON.stringify(withOverride)).toBe(JSON.stringify(TerraformStack.prototype.toTerraform.call(stack)));
  expect(JSON.stringify(withOverride)).not.toBe(withoutOverride);
});

describe('random stacks: the same JSON or the same error as cdktf', () => {
  /** A value's shape as data (fast-check shrinks it); `materialize` turns it into values and tokens of a stack. */
  type Shape = number | Shape[] | { readonly [key: string]: Shape };
  const LEAVES = 24;
  const KEYS = ['a', 'b', '_children', '_metadata', '0', '7', 'tags', 'x-1e300', 'p18e236', 'resolve', '//'];
  const shape: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => ({
    shape: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.nat(LEAVES - 1),
      fc.array(tie('shape'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...KEYS), tie('shape'), { maxKeys: 3 }),
    ),
  })).shape;

  function materialize(s: TerraformStack, sh: Shape): unknown {
    const v =
      (s.node.tryFindChild('v') as TerraformVariable | undefined) ?? new TerraformVariable(s, 'v', {});
    if (Array.isArray(sh)) return sh.map((x) => materialize(s, x));
    if (typeof sh === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(sh)) out[k === 'p18e236' ? v.stringValue : k] = materialize(s, x);
      return out;
    }
    const leaves: Array<() => unknown> = [
      () => 'plain',
      () => '${var.literal}',
      () => '$${escaped}',
      () => v.stringValue,
      () => `a-${v.stringValue}-b`,
      () => v.numberValue,
      () => -0,
      () => null,
      () => undefined,
      () => true,
      () => 1e300,
      () => 'id-18e23666e0366118',
      () => Fn.upper(v.stringValue),
      () => v.listValue,
      () => [Fn.element(v.listValue, 0)],
      () => Lazy.anyValue({ produce: () => ({ k: v.stringValue }) }),
      () => Lazy.anyValue({ produce: () => undefined }),
      () => Lazy.anyValue({ produce: () => [1, undefined, v.stringValue] }),
      () => NaN,
      () => new Date(0),
      () => Fn.lookup(v.stringValue, 'k', 'd'),
      () => Token.asString(Lazy.anyValue({ produce: () => ({ _children: 1 }) })),
      () => ({ _children: 1 }),
      () => Object.assign(Object.create(null), { n: v.stringValue }),
    ];
    return leaves[sh % LEAVES]();
  }

  test('fragments, metadata and a stack override built from random shapes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(shape, shape, fc.constantFrom('locals', 'resource', 'data')), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.boolean(),
        (fragments, override) => {
          const build = (app: App): void => {
            const s = new Bare(app, 's');
            fragments.forEach(([fragment, meta, block], i) => {
              new RawElement(
                s,
                `r${i}`,
                { locals: materialize(s, fragment), [block]: { t: materialize(s, meta) } },
                {
                  m: materialize(s, meta),
                },
              );
            });
            if (override) s.addOverride('locals.zz', materialize(s, 3));
          };
          const ours = stepsOutcome(build, false);
          const cdktf = stepsOutcome(build, true);
          // Both refuse an invalid stack, but not always on the same part first: cdktf's preparing resolve walks
          // the fragments before the header's metadata, and these stacks have no preparing resolve.
          if (!(ours.startsWith('error: ') && cdktf.startsWith('error: '))) expect(ours).toBe(cdktf);
          const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'aoai-edges-')) });
          dirs.push(app.outdir);
          const stack = new Bare(app, 's');
          const value = materialize(stack, fragments[0][0]);
          expect(outcomeOf(() => resolvePlainFast(stack, value))).toEqual(
            outcomeOf(() =>
              Tokenization.resolve(value, {
                scope: stack,
                preparing: false,
                resolver: new DefaultTokenResolver(new StringConcat()),
              }),
            ),
          );
        },
      ),
      { seed: 20261129, numRuns: 100 },
    );
  });
});

/** The JSON of a value, or the message it throws with. */
function outcomeOf(f: () => unknown): string {
  try {
    return JSON.stringify(f());
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}
