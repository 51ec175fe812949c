#!/usr/bin/env node
// npm run bench: whole-process measurements of what users run, every time figure a ratio of two runs made side by
// side, and the budgets of issue 23 and the developers' guide.
//
// Each round runs every variant once (in an order rotated per round), so the two sides of each ratio ran
// seconds apart under the same machine load; a figure is the median over BENCH_RUNS rounds (default 10) of
// the per-round ratios ("paired"). Wall time, CPU time (user + system of the measured process, far less
// sensitive to other load on a shared machine) and peak RSS are recorded for every run, and the load average
// before and after. Writes bench-results/latest.json, prints tables, exits 1 if a budget is missed.
// Regenerate the table in docs/development.md with `npm run bench:readme` (scripts/bench-readme.js).
//
// The yardstick is a plain-cdktf twin of each stack: a cdktf app generated from the stack's own synthesized JSON
// (scripts/bench-plain-app.js: exactly the same providers, data sources, resources, arguments and references,
// written through cdktf's public API with no code of this package), run with plain `node`. The app is run exactly
// as cdktf.json runs it. Budgets:
// - synth: the app within 1.5x the CPU time of its twin, for the reference stack and the large-input stack, and
//   under 120 MB peak memory;
// - npm test: the jest suite under 60 s and the Terraform-core task under 5 minutes;
// - the command-line tool (aoai-harden check, the CLI package's install size): cliFigures() (scripts/bench-cli.js).
//
// BENCH_RUNS=n rounds; BENCH_SKIP_TESTS=1 skips timing `npm test`.
const { spawnSync } = require('child_process');
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } = require('fs');
const { cpus, loadavg, tmpdir, totalmem } = require('os');
const { join, relative } = require('path');
const { ensureBundle } = require('./build-app');
const { generatePlainMultiStackApp, verifySame } = require('./bench-plain-app');
const { testTimes } = require('./bench-test-times');
const { cliFigures } = require('./bench-cli');

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

/** The stacks' cdk.tf.json as the app command writes them, parsed, for generating their plain twin. */
function synthJson(env, stackNames) {
  const outdir = mkdtempSync(join(WORK, 'json-'));
  const r = spawnSync(APP_ARGV[0], APP_ARGV.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`synth failed:\n${r.stderr.slice(-3000)}`);
  return Object.fromEntries(
    stackNames.map((s) => [s, JSON.parse(readFileSync(join(outdir, 'stacks', s, 'cdk.tf.json'), 'utf8'))]),
  );
}

/** A config file for the reference app. */
function configFile(name, stacks) {
  const file = join(WORK, `${name}.json`);
  writeFileSync(file, JSON.stringify(stacks));
  return file;
}
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

/** The synth budgets: the app as cdktf.json runs it against its plain twin. */
const CPU_LIMIT = 1.5;
const MEMORY_LIMIT_MB = 120;

async function main() {
  const loadBefore = loadavg();
  const bundle = ensureBundle(ROOT);
  const checkMs = median(Array.from({ length: 5 }, () => ensureBundle(ROOT).checkMs));
  mkdirSync(GENERATED, { recursive: true });

  const stacks = {
    reference: { label: 'reference stack', env: {}, stackNames: ['aoai-hardened-dev'] },
    large: {
      label: 'large-input stack',
      env: { AOAI_CONFIG: configFile('large', [LARGE]) },
      stackNames: ['aoai-large'],
    },
  };
  // The plain twins checked to synthesize exactly the same resources before anything is timed.
  const variants = {};
  let largeStackJson;
  for (const [name, { label, env, stackNames }] of Object.entries(stacks)) {
    const originals = synthJson(env, stackNames);
    if (name === 'large') largeStackJson = originals['aoai-large'];
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
    variants[`${name}App`] = {
      argv: APP_ARGV,
      env,
      label: `${label} as cdktf.json runs it (${APP_ARGV.join(' ')})`,
    };
    variants[`${name}Twin`] = {
      argv: ['node', relative(ROOT, file)],
      label: `plain cdktf twin of the ${label} (${resources} resources), plain node`,
    };
  }
  const names = Object.keys(variants);
  // One unmeasured run each: the bundle and the page cache are warm for everyone.
  for (const n of names) runOnce(variants[n].argv, variants[n].env);

  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < RUNS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const n of order) samples[n].push(runOnce(variants[n].argv, variants[n].env));
    process.stderr.write(`round ${round + 1}/${RUNS} done\n`);
  }
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
    referenceVsTwin: paired('referenceApp', 'referenceTwin'),
    largeVsTwin: paired('largeApp', 'largeTwin'),
  };
  const peakMb = (key) => results.find((r) => r.key === key).peakMb;

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
  // The aoai-harden package (cli/): check against a bare node, and its install size.
  const cli = await cliFigures({ largeStackJson, runs: RUNS });

  // Time ratios are judged on CPU time (the budget's own measure); wall time is recorded beside them.
  const budgets = [
    {
      budget: `reference stack as cdktf.json runs it <= ${CPU_LIMIT}x the CPU time of its plain cdktf twin`,
      value: ratios.referenceVsTwin.cpu,
      limit: CPU_LIMIT,
    },
    {
      budget: `large-input stack as cdktf.json runs it <= ${CPU_LIMIT}x the CPU time of its plain cdktf twin`,
      value: ratios.largeVsTwin.cpu,
      limit: CPU_LIMIT,
    },
    {
      budget: `reference stack peak memory < ${MEMORY_LIMIT_MB} MB`,
      value: peakMb('referenceApp'),
      limit: MEMORY_LIMIT_MB - 0.01,
    },
    {
      budget: `large-input stack peak memory < ${MEMORY_LIMIT_MB} MB`,
      value: peakMb('largeApp'),
      limit: MEMORY_LIMIT_MB - 0.01,
    },
    // npm test holds two budgets: the jest suite, and the Terraform-core task it also runs.
    ...(parts === undefined
      ? []
      : [
          { budget: 'jest suite under 60 s', value: parts.jestSeconds, limit: 59.99 },
          { budget: 'Terraform-core task under 5 min', value: parts.terraformSeconds, limit: 299.99 },
        ]),
    ...cli.budgets,
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
    testSuiteSeconds: suiteSeconds,
    jestSeconds: parts?.jestSeconds,
    terraformSeconds: parts?.terraformSeconds,
    runTask,
    cli: cli.figures,
    budgets,
  };
  console.table(results.map(({ key, ...r }) => r));
  console.table(Object.entries(ratios).map(([k, v]) => ({ ratio: k, wall: v.wall, cpu: v.cpu })));
  console.table(budgets);
  if (runTask) console.table(runTask.results.map(({ problems, ...r }) => r));
  console.table(cli.figures.results.map(({ key, ...r }) => r));
  console.log(`aoai-harden installed alone: ${JSON.stringify(cli.figures.install)}`);
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

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
