// The benchmark's own tools: the plain-cdktf yardstick really is the same configuration, and the README's
// performance block is generated from bench-results/latest.json, never typed.
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { referenceJson } from './reference';

const ROOT = join(__dirname, '..');
// Plain JavaScript tools of the repository (scripts/ is not part of the TypeScript build).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generatePlainApp, verifySame } = require('../scripts/bench-plain-app');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { render, update, START, END } = require('../scripts/bench-readme');

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
    testSuiteSeconds: 71.5,
    budgets: [
      { budget: 'app as cdktf.json runs it <= 1.5x the floor', value: 1, limit: 1.5, met: true },
      { budget: 'package overhead, reference stack <= 1.2x', value: 1.3, limit: 1.2, met: false },
      { budget: 'package overhead, large-input stack <= 1.3x', value: 1.4, limit: 1.3, met: false },
      { budget: 'large-input stack peak memory < 120 MB', value: 118, limit: 119.99, met: true },
      { budget: '50 stacks <= 5x one stack', value: 1.6, limit: 5, met: true },
      { budget: 'npm test under 60 s', value: 71.5, limit: 59.99, met: false },
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
    expect(block).toMatch(/`npm test`: 71.5 s \(budget 60 s: \*\*missed\*\*\)/);
    expect(block).toContain('| reference | 310 ms | 1,520 ms | 95 | yes |');
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
