#!/usr/bin/env node
// npm run bench: whole-process timings (median of RUNS) of the reference app as cdktf.json runs it, against
// the one-resource floor. Prints a table, writes bench-results/latest.json, and checks the budgets.
const { spawnSync, execFileSync } = require('child_process');
const { mkdirSync, mkdtempSync, writeFileSync } = require('fs');
const { cpus, tmpdir, totalmem } = require('os');
const { join } = require('path');

const ROOT = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
execFileSync('node', ['scripts/build-app.js'], { cwd: ROOT });

function measure(name, script) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const outdir = mkdtempSync(join(tmpdir(), 'bench-'));
    const start = process.hrtime.bigint();
    const r = spawnSync('node', ['-r', './scripts/bench-rss.js', script], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    const kb = Number(/BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr)[1]);
    samples.push({ ms, mb: kb / 1024 });
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { name, runs: RUNS, wallMs: Math.round(median(samples.map((s) => s.ms))), peakMb: Math.round(median(samples.map((s) => s.mb))) };
}

const floor = measure('floor (1 deep-imported resource)', 'scripts/bench-floor.js');
const reference = measure('reference stack (cdktf.json app)', '.build/main.js');
const budgets = [
  { budget: 'reference wall time <= 2x floor', value: +(reference.wallMs / floor.wallMs).toFixed(2), limit: 2 },
  { budget: 'reference peak memory < 120 MB', value: reference.peakMb, limit: 120 },
].map((b) => ({ ...b, met: b.value <= b.limit }));

const result = { machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version }, results: [floor, reference], budgets };
console.table(result.results);
console.table(budgets);
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
writeFileSync(join(ROOT, 'bench-results', 'latest.json'), JSON.stringify(result, null, 2) + '\n');
process.exitCode = budgets.every((b) => b.met) ? 0 : 1;
