#!/usr/bin/env node
// npm run bench: whole-process measurements, every figure a ratio of two runs made side by side.
//
// Each round runs every variant once (in an order rotated per round), so the two sides of each ratio ran
// seconds apart under the same machine load; a figure is the median over BENCH_RUNS rounds (default 10) of
// the per-round ratios ("paired"). Wall time, CPU time (user + system of the measured process, far less
// sensitive to other load on a shared machine) and peak RSS are recorded for every run, and the load average
// before and after. Writes bench-results/latest.json, prints tables, exits 1 if a budget is missed.
// Regenerate the README table with `npm run bench:readme` (scripts/bench-readme.js).
//
// Yardsticks:
// - floor: a one-resource deep-import cdktf app (scripts/bench-floor.js), cdktf's fixed cost.
// - package overhead: the same bundled app against a plain cdktf app generated from its own synthesized JSON
//   (scripts/bench-plain-app.js: exactly the same resources, arguments and references, no code of ours), both
//   run with plain `node`, so the ratio is what the package adds (validation, composition, Aspect, reports).
//
// BENCH_RUNS=n rounds; BENCH_SKIP_TESTS=1 skips timing `npm test`.
const { spawnSync } = require('child_process');
const {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
} = require('fs');
const { cpus, loadavg, tmpdir, totalmem } = require('os');
const { join, relative } = require('path');
const { ensureBundle } = require('./build-app');
const { generatePlainMultiStackApp, verifySame } = require('./bench-plain-app');
const { perStack, profileRun } = require('./bench-breakdown');
const { testTimes } = require('./bench-test-times');

const ROOT = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WORK = mkdtempSync(join(tmpdir(), 'aoai-bench-'));
// Generated plain apps live under .build/ so they resolve cdktf from the project's node_modules.
const GENERATED = join(ROOT, '.build', 'bench');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round2 = (x) => Math.round(x * 100) / 100;

/** The app command exactly as cdktf.json has it, as argv. */
const APP_ARGV = JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')).app.split(/\s+/);
if (APP_ARGV[0] !== 'node') throw new Error(`cdktf.json app does not start with node: ${APP_ARGV.join(' ')}`);

/** One whole-process run: wall ms, CPU ms and peak RSS MB (reported by scripts/bench-rss.js at exit). */
function runOnce(argv, env = {}) {
  const outdir = mkdtempSync(join(WORK, 'out-'));
  const start = process.hrtime.bigint();
  // Node's own flags (before the script) stay in front of the preload.
  const script = argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
  const flags = argv.slice(1, script);
  const rest = argv.slice(script);
  const r = spawnSync('node', [...flags, '-r', join(__dirname, 'bench-rss.js'), ...rest], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} failed (${r.status}):\n${(r.stderr || r.stdout).slice(-3000)}`);
  const stats = /BENCH_MAXRSS_KB=(\d+) BENCH_CPU_US=(\d+)/.exec(r.stderr);
  rmSync(outdir, { recursive: true, force: true });
  return { wallMs, cpuMs: Number(stats[2]) / 1000, peakMb: Number(stats[1]) / 1024 };
}

/** Every file a synth wrote, by path under its outdir, and its stdout with the outdir replaced. */
function synthFiles(argv, env) {
  const outdir = mkdtempSync(join(WORK, 'json-'));
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`synth failed:\n${r.stderr.slice(-3000)}`);
  const files = {};
  for (const e of readdirSync(outdir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = join(e.parentPath ?? e.path, e.name);
    files[relative(outdir, file)] = readFileSync(file, 'utf8');
  }
  return { files, stdout: r.stdout.split(outdir).join('<outdir>') };
}

/**
 * Synthesize with the bundle under plain node and return the stacks' JSON (for generating their plain twin),
 * after checking that the app command (the runner: compile cache, no token creation stacks) writes exactly the
 * same files: manifest, every cdk.tf.json and every report.
 */
function synthJson(env, stackNames) {
  const plain = synthFiles(['node', join(ROOT, '.build', 'main.js')], env);
  const runner = synthFiles(APP_ARGV, env);
  const names = Object.keys(plain.files).sort();
  if (JSON.stringify(names) !== JSON.stringify(Object.keys(runner.files).sort())) {
    throw new Error(`the app command wrote other files than the bundle: ${Object.keys(runner.files)}`);
  }
  // The manifest's annotations carry the stack trace of the process that added them (constructs' metadata), which
  // names the runner's own frames: compared without them.
  const comparable = (f, text) =>
    f === 'manifest.json'
      ? JSON.stringify(JSON.parse(text, (k, v) => (k === 'stacktrace' ? undefined : v)))
      : text;
  for (const f of names) {
    if (comparable(f, plain.files[f]) !== comparable(f, runner.files[f])) {
      throw new Error(`the app command wrote a different ${f}`);
    }
  }
  if (plain.stdout !== runner.stdout)
    throw new Error('the app command printed something else than the bundle');
  return Object.fromEntries(
    stackNames.map((s) => [s, JSON.parse(plain.files[join('stacks', s, 'cdk.tf.json')])]),
  );
}

/** A config file for the reference app. */
function configFile(name, stacks) {
  const file = join(WORK, `${name}.json`);
  writeFileSync(file, JSON.stringify(stacks));
  return file;
}
// Scale stacks share one subscription whose Activity Log export and Defender plan are covered outside them (one
// owner per subscription, stacks/config.ts), so the 1-stack and 50-stack apps hold the same stacks.
const scaleStack = (i) => ({
  environment: 'scale',
  stackName: `aoai-scale-${i}`,
  accountName: `aoai-scale-${i}`,
  resourceGroupName: `rg-aoai-scale-${i}`,
  subscriptionCoverage: {
    managedElsewhere: 'bench: the subscription baseline is not part of the measured stacks',
  },
  deployments: Array.from({ length: 5 }, (_, d) => ({
    name: `d${d}`,
    modelName: 'gpt-4o',
    modelVersion: '2024-08-06',
  })),
  workloadIdentities: Array.from({ length: 10 }, (_, w) => `id-${i}-${w}`),
});
const LARGE = {
  environment: 'large',
  stackName: 'aoai-large',
  accountName: 'aoai-large',
  deployments: Array.from({ length: 50 }, (_, d) => ({
    name: `d${d}`,
    modelName: 'gpt-4o',
    modelVersion: '2024-08-06',
    capacity: 1,
  })),
  workloadIdentities: Array.from({ length: 100 }, (_, w) => `id-${w}`),
  blocklist: { name: 'large', items: Array.from({ length: 500 }, (_, t) => `term-${t}`) },
  network: {
    vnetName: 'vnet',
    addressSpace: '10.20.0.0/16',
    endpointSubnetCidr: '10.20.1.0/24',
    appSubnetCidrs: ['10.20.2.0/24'],
    dnsLinkedVirtualNetworkIds: Array.from(
      { length: 20 },
      (_, v) =>
        `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-${v}`,
    ),
  },
};

function main() {
  const loadBefore = loadavg();
  const bundle = ensureBundle(ROOT);
  const checkMs = median(Array.from({ length: 5 }, () => ensureBundle(ROOT).checkMs));
  mkdirSync(GENERATED, { recursive: true });

  const env = {
    reference: {},
    large: { AOAI_CONFIG: configFile('large', [LARGE]) },
    one: { AOAI_CONFIG: configFile('one', [scaleStack(0)]) },
    fifty: {
      AOAI_CONFIG: configFile(
        'fifty',
        Array.from({ length: 50 }, (_, i) => scaleStack(i)),
      ),
    },
  };
  // The app command checked against the bundle (byte for byte), and the plain twins checked to synthesize exactly
  // the same resources, before anything is timed.
  const twins = {};
  for (const [name, stackNames] of [
    ['reference', ['aoai-hardened-dev']],
    ['large', ['aoai-large']],
    ['one', ['aoai-scale-0']],
    ['fifty', Array.from({ length: 50 }, (_, i) => `aoai-scale-${i}`)],
  ]) {
    const originals = synthJson(env[name], stackNames);
    const file = join(GENERATED, `plain-${name}.js`);
    writeFileSync(file, generatePlainMultiStackApp(stackNames.map((s) => [s, originals[s]])));
    const outdir = mkdtempSync(join(WORK, 'plain-'));
    const r = spawnSync('node', [file], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`plain ${name} app failed:\n${r.stderr.slice(-3000)}`);
    let resources = 0;
    for (const s of stackNames) {
      resources += verifySame(
        originals[s],
        JSON.parse(readFileSync(join(outdir, 'stacks', s, 'cdk.tf.json'), 'utf8')),
      );
    }
    twins[name] = { file, resources };
  }

  const variants = {
    floor: { argv: ['node', 'scripts/bench-floor.js'], label: 'floor: one deep-imported azurerm resource' },
    app: { argv: APP_ARGV, label: `reference app as cdktf.json runs it (${APP_ARGV.join(' ')})` },
    bundle: { argv: ['node', '.build/main.js'], label: 'reference app bundle, plain node' },
    plainReference: {
      argv: ['node', twins.reference.file],
      label: `plain cdktf twin of the reference stack (${twins.reference.resources} resources)`,
    },
    largeApp: { argv: APP_ARGV, env: env.large, label: 'large-input stack as cdktf.json runs it' },
    largeBundle: {
      argv: ['node', '.build/main.js'],
      env: env.large,
      label: 'large-input stack bundle, plain node',
    },
    plainLarge: {
      argv: ['node', twins.large.file],
      label: `plain cdktf twin of the large-input stack (${twins.large.resources} resources)`,
    },
    oneStack: {
      argv: APP_ARGV,
      env: env.one,
      label: '1 stack (5 deployments, 10 role assignments) as cdktf.json runs it',
    },
    fiftyStacks: { argv: APP_ARGV, env: env.fifty, label: '50 such stacks as cdktf.json runs it' },
    plainOne: {
      argv: ['node', twins.one.file],
      label: `plain cdktf twin of the 1 stack (${twins.one.resources} resources)`,
    },
    plainFifty: {
      argv: ['node', twins.fifty.file],
      label: `plain cdktf twin of the 50 stacks (${twins.fifty.resources} resources)`,
    },
  };
  const names = Object.keys(variants);
  // One unmeasured run each: the bundle, the runner's compile cache and the page cache are warm for everyone.
  for (const n of names) runOnce(variants[n].argv, variants[n].env);

  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < RUNS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const n of order) samples[n].push(runOnce(variants[n].argv, variants[n].env));
    process.stderr.write(`round ${round + 1}/${RUNS} done\n`);
  }
  // Where the time of each additional stack goes (cdktf or this package), from one profiled run of each app.
  const fiftyBreakdown = perStack(
    profileRun(APP_ARGV, env.one, ROOT),
    profileRun(APP_ARGV, env.fifty, ROOT),
    50,
  );
  const loadAfter = loadavg();

  const results = names.map((n) => ({
    key: n,
    name: variants[n].label,
    runs: RUNS,
    wallMs: Math.round(median(samples[n].map((s) => s.wallMs))),
    cpuMs: Math.round(median(samples[n].map((s) => s.cpuMs))),
    peakMb: Math.round(median(samples[n].map((s) => s.peakMb))),
  }));
  /** Median over rounds of a / b, for wall and CPU time. */
  const paired = (a, b) => ({
    wall: round2(median(samples[a].map((s, i) => s.wallMs / samples[b][i].wallMs))),
    cpu: round2(median(samples[a].map((s, i) => s.cpuMs / samples[b][i].cpuMs))),
  });
  const ratios = {
    appVsFloor: paired('app', 'floor'),
    bundleVsFloor: paired('bundle', 'floor'),
    plainReferenceVsFloor: paired('plainReference', 'floor'),
    overheadReference: paired('bundle', 'plainReference'),
    overheadLarge: paired('largeBundle', 'plainLarge'),
    largeAppVsFloor: paired('largeApp', 'floor'),
    fiftyStacksVsOne: paired('fiftyStacks', 'oneStack'),
    // cdktf alone, for comparison: how the same 50 stacks scale without this package.
    plainFiftyVsOne: paired('plainFifty', 'plainOne'),
  };
  const largeMb = results.find((r) => r.key === 'largeApp').peakMb;

  let suiteSeconds;
  let parts;
  if (!process.env.BENCH_SKIP_TESTS) {
    const start = Date.now();
    const r = spawnSync('npm', ['test'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`npm test failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
    suiteSeconds = Math.round((Date.now() - start) / 100) / 10;
    parts = testTimes(r.stdout + r.stderr);
  }
  const runTask = runTaskFigures();

  // The budgets. Time ratios are judged on wall time, as measured; CPU ratios are recorded beside them.
  const budgets = [
    { budget: 'app as cdktf.json runs it <= 1.5x the floor', value: ratios.appVsFloor.wall, limit: 1.5 },
    { budget: 'package overhead, reference stack <= 1.2x', value: ratios.overheadReference.wall, limit: 1.2 },
    { budget: 'package overhead, large-input stack <= 1.3x', value: ratios.overheadLarge.wall, limit: 1.3 },
    { budget: 'large-input stack peak memory < 120 MB', value: largeMb, limit: 119.99 },
    { budget: '50 stacks <= 5x one stack', value: ratios.fiftyStacksVsOne.wall, limit: 5 },
    // npm test holds two budgets: the jest suite, and the Terraform-core task it also runs.
    ...(parts === undefined
      ? []
      : [
          { budget: 'jest suite under 60 s', value: parts.jestSeconds, limit: 59.99 },
          { budget: 'Terraform-core task under 5 min', value: parts.terraformSeconds, limit: 299.99 },
        ]),
  ].map((b) => ({ ...b, met: b.value <= b.limit }));

  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: process.platform,
      loadAverage1mBefore: round2(loadBefore[0]),
      loadAverage1mAfter: round2(loadAfter[0]),
    },
    method: `paired rounds: each round runs every variant once in rotated order; figures are medians over ${RUNS} rounds (ratios: median of per-round ratios)`,
    bundle: { checkMs: round2(checkMs), rebuiltAtStart: bundle.rebuilt },
    results,
    ratios,
    largeInputPeakMb: largeMb,
    testSuiteSeconds: suiteSeconds,
    jestSeconds: parts?.jestSeconds,
    terraformSeconds: parts?.terraformSeconds,
    runTask,
    perStack: fiftyBreakdown,
    budgets,
  };
  console.table(results.map(({ key, ...r }) => r));
  console.table(Object.entries(ratios).map(([k, v]) => ({ ratio: k, wall: v.wall, cpu: v.cpu })));
  console.table(budgets);
  if (runTask) console.table(runTask.results.map(({ problems, ...r }) => r));
  console.table(fiftyBreakdown.rows.map(({ key, ...r }) => r));
  console.log(
    `load average (1 min) ${report.machine.loadAverage1mBefore} before, ${report.machine.loadAverage1mAfter} after`,
  );
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench-results', 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  rmSync(WORK, { recursive: true, force: true });
  process.exitCode = budgets.every((b) => b.met) ? 0 : 1;
}

/** The run-task latency figures of scripts/bench-run-task.js (issue 16), when that script exists. */
function runTaskFigures() {
  const script = join(__dirname, 'bench-run-task.js');
  if (!existsSync(script)) return undefined;
  const r = spawnSync('node', [script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench-run-task.js failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
  // It writes its own report; keep the figures next to ours so one file holds the whole run.
  const { maxConcurrentTasks, latency, results } = JSON.parse(
    readFileSync(join(ROOT, 'bench-results', 'run-task.json'), 'utf8'),
  );
  return { maxConcurrentTasks, latency, results };
}

main();
