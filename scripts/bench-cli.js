// The aoai-harden package's figures for `npm run bench` (issue 23): `aoai-harden check` of the reference plan and of
// a large plan against a bare `node -e 0` (paired rounds, as scripts/bench.js measures everything), and the size of
// the package installed alone into an empty folder (scripts/cli-install.js; needs the npm registry or a warm cache,
// reported as not measured otherwise).
//
// The large plan is Terraform's own: the large-input stack (50 deployments, 100 role assignments, 500 blocklist
// items, 20 DNS links: bench.js synthesizes it) planned by the offline runner (scripts/tf.js) against the stubs.
const { spawnSync } = require('child_process');
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('fs');
const { tmpdir } = require('os');
const { join } = require('path');
const { build } = require('../cli/build');
const { installCliPackage } = require('./cli-install');

const ROOT = join(__dirname, '..');
const REFERENCE_PLAN = join(ROOT, '__tests__', 'fixtures', 'terraform', 'reference-first-plan.json');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round2 = (x) => Math.round(x * 100) / 100;

/** Resources in a plan's planned values, child modules included. */
function plannedResources(plan) {
  const count = (m) => (m?.resources?.length ?? 0) + (m?.child_modules ?? []).reduce((n, c) => n + count(c), 0);
  return count(plan.planned_values?.root_module);
}

/** Plan a synthesized stack's JSON with the offline runner; the plan JSON's path. */
async function planOf(config, work) {
  const stack = join(work, 'large-stack');
  mkdirSync(stack, { recursive: true });
  writeFileSync(join(stack, 'cdk.tf.json'), JSON.stringify(config));
  const r = await require('./tf').run('plan', stack, { workDir: join(work, 'large-work'), fresh: true });
  if (r.code !== 0) throw new Error(`terraform plan of the large-input stack failed:\n${r.output.slice(-3000)}`);
  return r.planJson;
}

/** Wall ms of one process run; `check` may exit 0 or 1 (findings), never 2. */
function timeOnce(argv) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${argv.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return wallMs;
}

/**
 * `largeStackJson`: the large-input stack's cdk.tf.json (bench.js synthesizes it). Returns `figures` (stored as
 * report.cli) and `budgets` ({ budget, value, limit }, judged and rendered with bench.js's own).
 */
async function cliFigures({ largeStackJson, runs }) {
  const work = mkdtempSync(join(tmpdir(), 'aoai-bench-cli-'));
  try {
    const bundle = join(work, 'aoai-harden.js');
    build(bundle);
    const largePlan = await planOf(largeStackJson, work);
    const resources = {
      reference: plannedResources(JSON.parse(readFileSync(REFERENCE_PLAN, 'utf8'))),
      large: plannedResources(JSON.parse(readFileSync(largePlan, 'utf8'))),
    };
    const variants = {
      node: ['-e', '0'],
      checkReference: [bundle, 'check', REFERENCE_PLAN],
      checkLarge: [bundle, 'check', largePlan],
    };
    const names = Object.keys(variants);
    for (const n of names) timeOnce(variants[n]);
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 0; round < runs; round++) {
      for (const n of names.map((_, i) => names[(i + round) % names.length])) samples[n].push(timeOnce(variants[n]));
    }
    const paired = (a, b) => round2(median(samples[a].map((s, i) => s / samples[b][i])));
    const ratios = {
      checkReferenceVsNode: paired('checkReference', 'node'),
      checkLargeVsNode: paired('checkLarge', 'node'),
    };
    let install;
    try {
      const installed = installCliPackage(join(work, 'install'));
      install = {
        tarballBytes: installed.packed.size,
        unpackedBytes: installed.packed.unpackedSize,
        installedBytes: installed.installBytes,
        packages: installed.packages.length,
      };
    } catch (e) {
      install = { notMeasured: `npm pack/install failed: ${String(e.stderr || e.message).split('\n')[0]}` };
    }
    const figures = {
      results: names.map((n) => ({ key: n, name: `node ${variants[n].join(' ').replace(work, '<tmp>')}`, runs, wallMs: Math.round(median(samples[n])) })),
      resources,
      ratios,
      install,
    };
    return {
      figures,
      budgets: [
        {
          budget: `aoai-harden check, reference plan (${resources.reference} resources) <= 2x node -e 0`,
          value: ratios.checkReferenceVsNode,
          limit: 2,
        },
        {
          budget: `aoai-harden check, large plan (${resources.large} resources) <= 4x node -e 0`,
          value: ratios.checkLargeVsNode,
          limit: 4,
        },
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { cliFigures, plannedResources };
