#!/usr/bin/env node
// Run-task latency: N tasks posted at once to the real server, judged against a fake HCP Terraform on 127.0.0.1
// (signed requests, plan JSON through a 307, callbacks recorded). Latency = POST sent -> final callback received.
// Prints p50/p99 per plan and writes bench-results/run-task.json; exits 1 unless every task got exactly one
// final callback with the expected verdict. BENCH_RUN_TASK_TASKS (default 200), BENCH_RUN_TASK_CONCURRENCY
// (the server's maxConcurrentTasks, default its own default of 8).
const { buildSync } = require('esbuild');
const { mkdirSync, readFileSync, writeFileSync } = require('fs');
const { cpus, loadavg } = require('os');
const { join } = require('path');

const ROOT = join(__dirname, '..');
const TASKS = Number(process.env.BENCH_RUN_TASK_TASKS ?? 200);
const CONCURRENCY = process.env.BENCH_RUN_TASK_CONCURRENCY ? Number(process.env.BENCH_RUN_TASK_CONCURRENCY) : undefined;
const KEY = 'bench-run-task-hmac-key';

const outfile = join(ROOT, '.build', 'bench-run-task.js');
buildSync({
  stdin: {
    contents: [
      "export { startFakeHcpTerraform, postTask } from './__tests__/fakes/hcp-terraform';",
      "export { startRunTaskServer } from './cli/src/run-task';",
    ].join('\n'),
    resolveDir: ROOT,
    loader: 'ts',
  },
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const { startFakeHcpTerraform, postTask, startRunTaskServer } = require(outfile);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function scenario(fake, name, planId, expected) {
  const server = await startRunTaskServer({
    hmacKey: KEY,
    port: 0,
    allowedHosts: [fake.host],
    redirectHosts: [fake.archivistHost],
    maxConcurrentTasks: CONCURRENCY,
    log: () => undefined,
  });
  const ids = Array.from({ length: TASKS }, (_, i) => `${planId}-${i}`);
  const bodies = ids.map((taskResultId) => fake.task({ taskResultId, planId }).body);
  const before = fake.finalCallbacks().length;
  const sentAt = new Map();
  const start = performance.now();
  const statuses = await Promise.all(
    bodies.map((body, i) => {
      sentAt.set(ids[i], performance.now());
      return postTask(server.url, body, KEY).then((r) => r.status);
    }),
  );
  await fake.waitForFinal(before + TASKS, 120_000);
  const wallMs = performance.now() - start;
  await server.close();
  const problems = [];
  if (statuses.some((s) => s !== 200)) problems.push(`${statuses.filter((s) => s !== 200).length} POSTs not answered 200`);
  const latencies = ids.map((id) => {
    const finals = fake.finalCallbacks(id);
    if (finals.length !== 1) problems.push(`${id}: ${finals.length} final callbacks`);
    else if (finals[0].body.data.attributes.status !== expected) problems.push(`${id}: ${finals[0].body.data.attributes.status}`);
    return finals[0] ? finals[0].at - sentAt.get(id) : NaN;
  });
  const sorted = latencies.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    name,
    tasks: TASKS,
    verdict: expected,
    p50Ms: Math.round(percentile(sorted, 50)),
    p99Ms: Math.round(percentile(sorted, 99)),
    maxMs: Math.round(sorted[sorted.length - 1]),
    wallMs: Math.round(wallMs),
    tasksPerSecond: Math.round((TASKS / wallMs) * 1000),
    exactlyOnce: problems.length === 0,
    problems: problems.slice(0, 10),
  };
}

(async () => {
  const fake = await startFakeHcpTerraform();
  // The reference stack's first plan as Terraform wrote it (committed by `npm run tf:fixtures`).
  const reference = readFileSync(join(ROOT, '__tests__', 'fixtures', 'terraform', 'reference-first-plan.json'), 'utf8');
  const weakened = readFileSync(join(ROOT, '__tests__', 'fixtures', 'weakened-plan.json'), 'utf8');
  fake.addPlan('reference', { json: reference });
  fake.addPlan('weakened', { json: weakened });
  const results = [
    await scenario(fake, `reference stack's first plan, written by Terraform (${Math.round(reference.length / 1024)} KB)`, 'reference', 'passed'),
    await scenario(fake, `weakened plan fixture (${Math.round(weakened.length / 1024)} KB)`, 'weakened', 'failed'),
  ];
  await fake.close();
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    // The machine is shared: a high load average inflates every figure.
    loadAverage1m: +loadavg()[0].toFixed(1),
    maxConcurrentTasks: CONCURRENCY ?? 8,
    latency: 'POST sent -> final callback received, all tasks posted at once',
    results,
  };
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench-results', 'run-task.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(
    `run task: ${TASKS} concurrent tasks, maxConcurrentTasks ${report.maxConcurrentTasks}, load average ${report.loadAverage1m} on ${report.cpus} cores`,
  );
  console.log('| Plan | p50 | p99 | max | wall | tasks/s | exactly once |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.name} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.maxMs} ms | ${r.wallMs} ms | ${r.tasksPerSecond} | ${r.exactlyOnce ? 'yes' : 'NO'} |`);
    for (const p of r.problems) console.log(`  ${p}`);
  }
  process.exit(results.every((r) => r.exactlyOnce) ? 0 : 1);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
