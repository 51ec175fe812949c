// The benchmark's own tools: the plain-cdktf yardstick really is the same configuration, and the README's
// performance block is generated from bench-results/latest.json, never typed.
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { referenceJson } from './reference';

const ROOT = join(__dirname, '..');
// Plain JavaScript tools of the repository (scripts/ is not part of the TypeScript build).
/* eslint-disable @typescript-eslint/no-require-imports */
const { classify, perStack } = require('../scripts/bench-breakdown');
const { generatePlainApp, verifySame } = require('../scripts/bench-plain-app');
const { render, update, START, END } = require('../scripts/bench-readme');
const { testTimes } = require('../scripts/bench-test-times');
/* eslint-enable @typescript-eslint/no-require-imports */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('plain cdktf twin (package-overhead yardstick)', () => {
  test('synthesizes exactly the reference stack’s resources, arguments and outputs, with no code of this package', () => {
    const original = referenceJson();
    const source: string = generatePlainApp(original, 'plain');
    const required = [...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required.filter((m) => m !== 'cdktf' && !m.startsWith('@cdktf/provider-azurerm/lib/'))).toEqual(
      [],
    );
    // References are attribute tokens, as in a hand-written app, not copied strings.
    expect(source).toMatch(/getStringAttribute\("id"\)/);
    // Under the repository so the twin resolves cdktf from its node_modules; .build may not exist on a fresh clone.
    mkdirSync(join(ROOT, '.build'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.build', 'plain-test-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'app.js'), source);
    const r = spawnSync('node', [join(dir, 'app.js')], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: join(dir, 'out') },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    const plain = JSON.parse(readFileSync(join(dir, 'out', 'stacks', 'plain', 'cdk.tf.json'), 'utf8'));
    expect(verifySame(original, plain)).toBeGreaterThan(30);
  });

  test('verifySame refuses a twin that differs in one argument', () => {
    const original = referenceJson();
    const changed = JSON.parse(JSON.stringify(original));
    const [id] = Object.keys(changed.resource.azurerm_cognitive_account);
    changed.resource.azurerm_cognitive_account[id].public_network_access_enabled = true;
    expect(() => verifySame(original, changed)).toThrow(/plain app differs/);
  });
});

describe('per-stack breakdown (scripts/bench-breakdown.js)', () => {
  // A .cpuprofile shaped as V8 writes it: call-tree nodes (id, callFrame, children), samples (leaf node ids) and
  // timeDeltas (microseconds before each sample).
  const BUNDLE = 'file:///p/.build/main.js';
  const CDKTF = (f: string) => `file:///p/node_modules/cdktf/lib/${f}`;
  function profile(tree: any, samples: Array<[string, number]>) {
    const nodes: any[] = [];
    const ids = new Map<string, number>();
    const add = (name: string, [functionName, url, lineNumber = 5]: any, kids: any = {}): number => {
      const id = nodes.length + 1;
      const node = { id, callFrame: { functionName, url, lineNumber }, children: [] as number[] };
      nodes.push(node);
      ids.set(name, id);
      for (const [k, v] of Object.entries<any>(kids)) node.children.push(add(k, v.frame, v.kids));
      return id;
    };
    add('root', ['(root)', ''], tree);
    return {
      nodes,
      samples: samples.map(([n]) => ids.get(n)),
      timeDeltas: samples.map(([, ms]) => ms * 1000),
    };
  }
  const tree = {
    gc: { frame: ['(garbage collector)', ''] },
    body: {
      frame: ['', BUNDLE, 0],
      kids: {
        req: {
          frame: ['require', 'node:internal/modules/helpers'],
          kids: {
            load: {
              frame: ['Module._load', 'node:internal/modules/cjs/loader'],
              kids: { cdktfIndex: { frame: ['', CDKTF('index.js'), 0] } },
            },
          },
        },
        stackCtor: {
          frame: ['HardenedOpenAIStack', BUNDLE],
          kids: { resourceCtor: { frame: ['TerraformResource', CDKTF('terraform-resource.js')] } },
        },
        synth: {
          frame: ['synth', CDKTF('app.js')],
          kids: {
            prepare: {
              frame: ['prepareStack', CDKTF('terraform-stack.js')],
              kids: { prepResolve: { frame: ['resolve', CDKTF('tokens/private/resolve.js')] } },
            },
            synthesize: {
              frame: ['synthesize', CDKTF('synthesize/synthesizer.js')],
              kids: {
                run: {
                  frame: ['run', BUNDLE],
                  kids: {
                    once: {
                      frame: ['resolveOnceForSynth', BUNDLE],
                      kids: {
                        toTf: {
                          frame: ['toTerraform', CDKTF('terraform-stack.js')],
                          kids: { finalResolve: { frame: ['resolve', CDKTF('tokens/private/resolve.js')] } },
                        },
                      },
                    },
                    onePass: {
                      frame: ['toTerraform', BUNDLE],
                      kids: {
                        copy: { frame: ['copyResolved', BUNDLE] },
                        tokenResolve: { frame: ['resolve', CDKTF('tokens/private/resolve.js')] },
                      },
                    },
                    judge: { frame: ['judge', BUNDLE], kids: { write: { frame: ['writeFileUtf8', ''] } } },
                  },
                },
                stringify: { frame: ['stringify', 'file:///p/node_modules/json-stable-stringify/index.js'] },
              },
            },
          },
        },
      },
    },
  };

  test('every sample is charged to whose code ran, in the synth phase it ran in', () => {
    const ms = classify(
      profile(tree, [
        ['gc', 1],
        ['cdktfIndex', 2],
        ['resourceCtor', 4],
        ['stackCtor', 8],
        ['prepResolve', 16],
        ['finalResolve', 32],
        ['write', 64],
        ['stringify', 128],
      ]),
    );
    expect(ms).toEqual({
      gc: 1,
      startup: 2,
      cdktfConstruct: 4,
      packageConstruct: 8,
      cdktfPrepare: 16,
      cdktfResolve: 32,
      packageChecklist: 64,
      cdktfWrite: 128,
    });
  });

  test("the reference app's one-pass toTerraform is the stack's resolve, its own copying of plain values included", () => {
    const ms = classify(
      profile(tree, [
        ['copy', 3],
        ['tokenResolve', 5],
        ['write', 7],
      ]),
    );
    expect(ms).toMatchObject({ cdktfResolve: 8, packageChecklist: 7 });
  });

  test('per stack is the difference over N - 1; the package-free ratio leaves out only the package rows', () => {
    const one = {
      cdktfConstruct: 10,
      cdktfPrepare: 10,
      cdktfResolve: 10,
      cdktfWrite: 10,
      packageConstruct: 10,
      packageChecklist: 10,
      gc: 10,
      startup: 330,
    };
    const many = Object.fromEntries(
      Object.entries(one).map(([k, v]) => [
        k,
        k === 'startup' ? v : v + 49 * (k.startsWith('package') ? 2 : 4),
      ]),
    );
    const p = perStack(one, many, 50);
    expect(p.rows.find((r: any) => r.key === 'cdktfPrepare').perStackMs).toBe(4);
    expect(p.perStackMs).toBe(24);
    expect(p.packagePerStackMs).toBe(4);
    expect(p.oneStackMs).toBe(400);
    expect(p.ratioProfiled).toBe(Math.round(((400 + 49 * 24) / 400) * 100) / 100);
    expect(p.ratioWithoutPackage).toBe(Math.round(((400 + 49 * 20) / 400) * 100) / 100);
  });
});

describe("npm test's two budgets (scripts/bench-test-times.js)", () => {
  // Jest's summary as it prints it (jest 29: "Time:" then the seconds, an estimate after a comma when it has one).
  const summary = (seconds: string) =>
    `Test Suites: 41 passed, 41 total\nTests:       973 passed, 973 total\nTime:        ${seconds}\nRan all test suites.\n`;

  test('the unit suite is the first jest summary and the Terraform task the last', () => {
    const output = `> typecheck\n${summary('41.164 s')}> eslint\n${summary('85.2 s, estimated 90 s')}`;
    expect(testTimes(output)).toEqual({ jestSeconds: 41.164, terraformSeconds: 85.2 });
  });

  test('refuses output that does not hold exactly the two summaries', () => {
    expect(() => testTimes(summary('41.1 s'))).toThrow(/found 1/);
  });
});

describe('README performance block', () => {
  const report = {
    date: '2026-11-28T20:00:00.000Z',
    machine: { cpus: 2, memoryGb: 24, node: 'v20.20.2', loadAverage1mBefore: 3.1, loadAverage1mAfter: 4.2 },
    method: 'paired rounds',
    bundle: { checkMs: 2.5 },
    results: [{ key: 'floor', name: 'floor: one resource', runs: 10, wallMs: 1234, cpuMs: 200, peakMb: 64 }],
    ratios: Object.fromEntries(
      [
        'appVsFloor',
        'bundleVsFloor',
        'plainReferenceVsFloor',
        'overheadReference',
        'overheadLarge',
        'largeAppVsFloor',
        'fiftyStacksVsOne',
      ].map((k, i) => [k, { wall: 1 + i / 10, cpu: 1 + i / 20 }]),
    ),
    largeInputPeakMb: 118,
    runTask: {
      maxConcurrentTasks: 8,
      latency: 'POST sent -> final callback received',
      results: [
        { name: 'reference', tasks: 200, p50Ms: 310, p99Ms: 1520, tasksPerSecond: 95, exactlyOnce: true },
      ],
    },
    testSuiteSeconds: 171.5,
    jestSeconds: 61.54,
    terraformSeconds: 92,
    budgets: [
      { budget: 'app as cdktf.json runs it <= 1.5x the floor', value: 1, limit: 1.5, met: true },
      { budget: 'package overhead, reference stack <= 1.2x', value: 1.3, limit: 1.2, met: false },
      { budget: 'package overhead, large-input stack <= 1.3x', value: 1.4, limit: 1.3, met: false },
      { budget: 'large-input stack peak memory < 120 MB', value: 118, limit: 119.99, met: true },
      { budget: '50 stacks <= 5x one stack', value: 1.6, limit: 5, met: true },
      { budget: 'jest suite under 60 s', value: 61.5, limit: 59.99, met: false },
      { budget: 'Terraform-core task under 5 min', value: 92, limit: 299.99, met: true },
    ],
  };

  test('every figure comes from the report, missed budgets are marked', () => {
    const block: string = render(report);
    expect(block).toContain('| floor: one resource | 1,234 ms | 200 ms | 64 MB |');
    expect(block).toContain(
      '| package overhead: reference stack / its plain twin | 1.3x (CPU 1.15x) | <= 1.2x | **no** |',
    );
    expect(block).toContain('| app as cdktf.json runs it / floor | 1x (CPU 1x) | <= 1.5x | yes |');
    expect(block).toMatch(/load average 3.1 before and 4.2 after/);
    expect(block).toContain('`npm test`: 171.5 s in all');
    expect(block).toMatch(/jest suite 61.5 s \(budget 60 s: \*\*missed\*\*\)/);
    expect(block).toMatch(/Terraform-core task 92 s \(budget 5 min: met\)/);
    expect(block).toContain('| reference | 310 ms | 1,520 ms | 95 | yes |');
  });

  test('the per-stack breakdown is rendered from the report', () => {
    const one = { cdktfPrepare: 10, packageChecklist: 10, gc: 10, startup: 370 };
    const many = { cdktfPrepare: 10 + 49 * 6, packageChecklist: 10 + 49 * 2, gc: 10 + 49 * 2, startup: 370 };
    const block: string = render({ ...report, perStack: perStack(one, many, 50) });
    expect(block).toContain(
      "| cdktf: App.synth's preparing resolve of every resource (prepareStack) | 6 | 60% | 10 | 304 |",
    );
    expect(block).toContain(
      '| this package: checklist judgement and the three reports | 2 | 20% | 10 | 108 |',
    );
    expect(block).toMatch(/10 ms per stack, 6 ms of it in cdktf's own code and 2 ms in this package's/);
    expect(block).toMatch(/with this package's per-stack cost at zero they would still be 1\.98x/);
  });

  test('update replaces only the marked block, and the README has one', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(START);
    expect(readme).toContain(END);
    const updated: string = update(readme, report);
    expect(updated.slice(0, readme.indexOf(START))).toBe(readme.slice(0, readme.indexOf(START)));
    expect(updated.endsWith(readme.slice(readme.indexOf(END) + END.length))).toBe(true);
    expect(updated).toContain('1,234 ms');
    expect(() => update('# no block', report)).toThrow(/no bench block/);
  });
});
