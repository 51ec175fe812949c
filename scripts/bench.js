#!/usr/bin/env node
// npm run bench: whole-process measurements (median of BENCH_RUNS, default 5) of the app as cdktf.json runs it.
// Prints tables, writes bench-results/latest.json, checks the budgets (exit 1 if one is missed).
// BENCH_SKIP_TESTS=1 skips timing the test suite.
const { spawnSync, execFileSync } = require('child_process');
const { mkdirSync, mkdtempSync, writeFileSync } = require('fs');
const { cpus, tmpdir, totalmem } = require('os');
const { join } = require('path');

const ROOT = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
execFileSync('node', ['scripts/build-app.js'], { cwd: ROOT });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(name, script, extraEnv = {}, runs = RUNS) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const outdir = mkdtempSync(join(tmpdir(), 'bench-'));
    const start = process.hrtime.bigint();
    const r = spawnSync('node', ['-r', './scripts/bench-rss.js', script], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: outdir, ...extraEnv }, encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${name} failed:\n${r.stderr.slice(-2000)}`);
    samples.push({ ms, mb: Number(/BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr)[1]) / 1024 });
  }
  return { name, runs, wallMs: Math.round(median(samples.map((s) => s.ms))), peakMb: Math.round(median(samples.map((s) => s.mb))) };
}

/** A config file with `count` stacks, each with 5 deployments and 10 workload identities (10 role assignments). */
function scaleConfig(count, extra = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-cfg-')), 'config.json');
  const stacks = Array.from({ length: count }, (_, i) => ({
    stackName: `aoai-scale-${i}`,
    accountName: `aoai-scale-${i}`,
    deployments: Array.from({ length: 5 }, (_, d) => ({ name: `d${d}`, modelName: 'gpt-4o', modelVersion: '2024-08-06' })),
    workloadIdentities: Array.from({ length: 10 }, (_, w) => `id-${i}-${w}`),
    ...extra,
  }));
  writeFileSync(file, JSON.stringify(stacks));
  return file;
}

const results = [];
const floor = measure('floor: 1 deep-imported resource', 'scripts/bench-floor.js');
const reference = measure('reference stack (deep imports)', '.build/main.js');
const barrel = measure('reference stack + provider package root', 'scripts/bench-barrel.js');
results.push(floor, reference, barrel);
const scale = [1, 10, 50].map((n) => measure(`${n} hardened stack(s), 5 deployments + 10 role assignments each`, '.build/main.js', { AOAI_CONFIG: scaleConfig(n) }, n === 50 ? Math.min(RUNS, 3) : RUNS));
results.push(...scale);
const large = measure('large inputs: 50 deployments, 100 role assignments, 500 blocklist items, 20 VNet links', '.build/main.js', {
  AOAI_CONFIG: scaleConfig(1, {
    deployments: Array.from({ length: 50 }, (_, d) => ({ name: `d${d}`, modelName: 'gpt-4o', modelVersion: '2024-08-06', capacity: 1 })),
    workloadIdentities: Array.from({ length: 100 }, (_, w) => `id-${w}`),
    blocklist: { name: 'large', items: Array.from({ length: 500 }, (_, t) => `term-${t}`) },
    network: { vnetName: 'vnet', addressSpace: '10.20.0.0/16', endpointSubnetCidr: '10.20.1.0/24', appSubnetCidrs: ['10.20.2.0/24'],
      dnsLinkedVirtualNetworkIds: Array.from({ length: 20 }, (_, v) => `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-${v}`) },
  }),
});
results.push(large);
for (const r of results) {
  r.wallVsFloor = +(r.wallMs / floor.wallMs).toFixed(2);
  r.memVsFloor = +(r.peakMb / floor.peakMb).toFixed(2);
}

let suiteSeconds;
if (!process.env.BENCH_SKIP_TESTS) {
  const start = Date.now();
  const r = spawnSync('npm', ['test'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`npm test failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
  suiteSeconds = Math.round((Date.now() - start) / 100) / 10;
}

// The budgets fail the benchmark when missed. Large inputs are also held to the reference budgets and
// reported, with the measured cause, when they miss them.
const budgets = [
  { budget: 'reference wall time <= 2x floor', value: reference.wallVsFloor, limit: 2 },
  { budget: 'reference peak memory < 120 MB', value: reference.peakMb, limit: 120 },
  { budget: '50 stacks wall time <= 5x one stack', value: +(scale[2].wallMs / scale[0].wallMs).toFixed(2), limit: 5 },
  ...(suiteSeconds === undefined ? [] : [{ budget: 'npm test under 60 s', value: suiteSeconds, limit: 60 }]),
].map((b) => ({ ...b, met: b.value <= b.limit }));
const LARGE_CAUSE = 'about 800 resources (13x the reference stack); profiled: cdktf token resolution and GC dominate, the checklist Aspect adds about 0.3 s (a second toTerraform resolve, rules, three reports)';
const reported = [
  { budget: 'large inputs wall time <= 2x floor', value: large.wallVsFloor, limit: 2 },
  { budget: 'large inputs peak memory < 120 MB', value: large.peakMb, limit: 120 },
].map((b) => ({ ...b, met: b.value <= b.limit, ...(b.value <= b.limit ? {} : { why: LARGE_CAUSE }) }));

const report = {
  machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
  results,
  growth: { tenStacksVsOne: +(scale[1].wallMs / scale[0].wallMs).toFixed(2), fiftyStacksVsOne: +(scale[2].wallMs / scale[0].wallMs).toFixed(2) },
  testSuiteSeconds: suiteSeconds,
  budgets,
  reported,
};
console.table(results.map(({ name, runs, wallMs, peakMb, wallVsFloor, memVsFloor }) => ({ name, runs, wallMs, peakMb, wallVsFloor, memVsFloor })));
console.table(budgets);
console.table(reported.map(({ why, ...r }) => r));
for (const r of reported.filter((x) => !x.met)) console.log(`${r.budget}: ${r.value} (limit ${r.limit}): ${r.why}`);
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
writeFileSync(join(ROOT, 'bench-results', 'latest.json'), JSON.stringify(report, null, 2) + '\n');
process.exitCode = budgets.every((b) => b.met) ? 0 : 1;
