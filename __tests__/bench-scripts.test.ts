// The benchmark's own tools: the plain-cdktf yardstick really is the same configuration, and the performance
// block of docs/development.md is generated from bench-results/latest.json, never typed.
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { referenceJson } from './reference';

const ROOT = join(__dirname, '..');
// Plain JavaScript tools of the repository (scripts/ is not part of the TypeScript build).
/* eslint-disable @typescript-eslint/no-require-imports */
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
    // Under Node 22 cdktf 0.21 itself warns once: its TerraformOutput calls util.isArray (lib/terraform-output.js),
    // deprecated as DEP0044 (docs/terraform-facts.md). cdktf is archived; nothing else may reach stderr.
    expect(
      r.stderr.replace(
        /^\(node:\d+\) \[DEP0044\] DeprecationWarning: [^\n]*\n(\(Use `node --trace-deprecation[^\n]*\n)?/,
        '',
      ),
    ).toBe('');
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

describe('the performance block of docs/development.md', () => {
  const report = {
    date: '2026-11-28T20:00:00.000Z',
    machine: { cpus: 2, memoryGb: 24, node: 'v20.20.2', loadAverage1mBefore: 3.1, loadAverage1mAfter: 4.2 },
    method: 'paired rounds',
    bundle: { checkMs: 2.5 },
    results: [
      { key: 'referenceApp', name: 'reference app', runs: 10, wallMs: 1234, cpuMs: 300, peakMb: 80 },
      { key: 'referenceTwin', name: 'its twin', runs: 10, wallMs: 1000, cpuMs: 250, peakMb: 82 },
    ],
    ratios: { referenceVsTwin: { wall: 1.23, cpu: 1.2 }, largeVsTwin: { wall: 1.61, cpu: 1.55 } },
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
      { budget: 'reference stack <= 1.5x its twin', value: 1.2, limit: 1.5, met: true },
      { budget: 'large-input stack <= 1.5x its twin', value: 1.55, limit: 1.5, met: false },
      { budget: 'large-input stack peak memory < 120 MB', value: 118, limit: 119.99, met: true },
      { budget: 'jest suite under 60 s', value: 61.5, limit: 59.99, met: false },
      { budget: 'Terraform-core task under 5 min', value: 92, limit: 299.99, met: true },
      // A budget added by another part of the bench (the command-line tool's) is rendered with the rest.
      { budget: 'aoai-harden check of the reference plan <= 2x node -e 0', value: 1.7, limit: 2, met: true },
    ],
  };

  test('every figure comes from the report, missed budgets are marked', () => {
    const block: string = render(report);
    expect(block).toContain('| reference app | 1,234 ms | 300 ms | 80 MB |');
    expect(block).toContain(
      '| large-input stack as cdktf.json runs it / its plain cdktf twin | 1.61x (CPU 1.55x) |',
    );
    expect(block).toContain('| large-input stack <= 1.5x its twin | 1.55 | **no** |');
    expect(block).toContain('| reference stack <= 1.5x its twin | 1.2 | yes |');
    expect(block).toContain('| aoai-harden check of the reference plan <= 2x node -e 0 | 1.7 | yes |');
    expect(block).toMatch(/load average 3.1 before and 4.2 after/);
    expect(block).toContain('`npm test`: 171.5 s in all');
    expect(block).toMatch(/jest suite 61.5 s \(budget 60 s: \*\*missed\*\*\)/);
    expect(block).toMatch(/Terraform-core task 92 s \(budget 5 min: met\)/);
    expect(block).toContain('| reference | 310 ms | 1,520 ms | 95 | yes |');
  });

  test('update replaces only the marked block, and docs/development.md has one', () => {
    const readme = readFileSync(join(ROOT, 'docs', 'development.md'), 'utf8');
    expect(readme).toContain(START);
    expect(readme).toContain(END);
    const updated: string = update(readme, report);
    expect(updated.slice(0, readme.indexOf(START))).toBe(readme.slice(0, readme.indexOf(START)));
    expect(updated.endsWith(readme.slice(readme.indexOf(END) + END.length))).toBe(true);
    expect(updated).toContain('1,234 ms');
    expect(() => update('# no block', report)).toThrow(/no bench block/);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).not.toContain(START);
  });
});
