// Where a synth's time goes, per stack: the app run once with one stack and once with N stacks under V8's
// sampling profiler (node --cpu-prof), every sample charged to whose code was running, and the difference divided
// by N - 1. Used by scripts/bench.js (bench-results/latest.json "perStack"); the README explains the 50-stack
// figure with it.
//
// Whose code: the innermost frame that belongs to this package (the bundle .build/main.js or lib/) or to
// node_modules (cdktf, constructs, the provider bindings and their helpers); Node's own functions (fs writes,
// JSON, hashing) count for the caller that called them. cdktf's time is then split by the synth phase it ran in
// (construction, App.synth's preparing resolve, the stack's toTerraform() resolve, writing); the garbage
// collector is its own line (it serves both).
const { spawnSync } = require('child_process');
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('fs');
const { tmpdir } = require('os');
const { join } = require('path');

const CATEGORIES = [
  ['cdktfConstruct', 'cdktf: creating resources and tokens (provider bindings, constructs)'],
  ['cdktfPrepare', "cdktf: App.synth's preparing resolve of every resource (prepareStack)"],
  [
    'cdktfResolve',
    "the stack's toTerraform() resolve, judged and written once (cdktf's, or the reference app's one-pass ConfiguredStack.toTerraform)",
  ],
  ['cdktfWrite', 'cdktf: writing cdk.tf.json and the manifest, its other synth work'],
  ['packageConstruct', 'this package: constructs, validation, naming (own code)'],
  ['packageChecklist', 'this package: checklist judgement and the three reports'],
  ['gc', 'garbage collector (both)'],
  ['startup', 'process start and module loading'],
];

function ownerOf(url) {
  if (!url) return undefined;
  if (url.includes('/.build/main.js') || /\/lib\/[^/]+/.test(url.replace(/.*\/node_modules\/.*/, ''))) {
    return 'package';
  }
  if (url.includes('/node_modules/')) return 'cdktf';
  return undefined;
}

/** Milliseconds per category of one .cpuprofile (as parsed JSON). */
function classify(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = Object.fromEntries(CATEGORIES.map(([k]) => [k, 0]));
  const memo = new Map();
  const categoryOf = (leafId) => {
    if (memo.has(leafId)) return memo.get(leafId);
    const chain = [];
    for (let id = leafId; id !== undefined; id = parent.get(id)) chain.push(byId.get(id).callFrame);
    // chain[0] is the leaf.
    let category;
    const leaf = chain[0].functionName;
    if (leaf === '(garbage collector)') category = 'gc';
    else if (leaf === '(program)' || leaf === '(idle)' || leaf === '(root)') category = 'startup';
    else {
      const ownerIndex = chain.findIndex((f) => ownerOf(f.url) !== undefined);
      const owner = ownerIndex < 0 ? undefined : ownerOf(chain[ownerIndex].url);
      const has = (name, file) => chain.some((f) => f.functionName === name && f.url.endsWith(file));
      const inSynth = has('synth', '/cdktf/lib/app.js');
      // Outside App.synth: construction when called from a function of the package, module loading when a
      // require() lies between the running code and the package (or no package frame is on the stack).
      const packageIndex = chain.findIndex((f) => ownerOf(f.url) === 'package');
      const calledFromPackage =
        packageIndex >= 0 &&
        !(chain[packageIndex].functionName === '' && chain[packageIndex].lineNumber === 0) &&
        !chain
          .slice(0, packageIndex)
          .some((f) => f.functionName === 'Module._load' || f.functionName === 'require');
      // The stack's resolve: cdktf's toTerraform, or the reference app's one-pass override (ConfiguredStack, in
      // the bundle), whose own code (copying plain values) does work cdktf's resolve would otherwise do.
      const inResolve =
        has('toTerraform', '/cdktf/lib/terraform-stack.js') || has('toTerraform', '/.build/main.js');
      if (owner !== undefined && inResolve) category = 'cdktfResolve';
      else if (owner === 'package')
        category = inSynth ? 'packageChecklist' : calledFromPackage ? 'packageConstruct' : 'startup';
      else if (owner === 'cdktf' && has('prepareStack', '/cdktf/lib/terraform-stack.js'))
        category = 'cdktfPrepare';
      else if (owner === 'cdktf' && inSynth) category = 'cdktfWrite';
      else if (owner === 'cdktf' && calledFromPackage) category = 'cdktfConstruct';
      else category = 'startup';
    }
    memo.set(leafId, category);
    return category;
  };
  profile.samples.forEach((id, i) => {
    totals[categoryOf(id)] += (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return totals;
}

/**
 * Run argv (a node command) under the profiler, twice: the first run warms the runner's compile cache, which is
 * kept per Node flag set (--cpu-prof is a flag), so the measured second run starts as a plain synth does.
 */
function profileRun(argv, env, cwd) {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-prof-'));
  try {
    let profile;
    for (const run of ['warm-up', 'measured']) {
      const profDir = join(dir, run);
      const r = spawnSync(
        argv[0],
        ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=250', ...argv.slice(1)],
        { cwd, env: { ...process.env, CDKTF_OUTDIR: join(dir, `out-${run}`), ...env }, encoding: 'utf8' },
      );
      if (r.status !== 0) {
        throw new Error(`${argv.join(' ')} failed under the profiler:\n${r.stderr.slice(-2000)}`);
      }
      const [file] = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
      profile = JSON.parse(readFileSync(join(profDir, file), 'utf8'));
    }
    return classify(profile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round1 = (x) => Math.round(x * 10) / 10;

/** Per-stack milliseconds from a 1-stack and an n-stack profile, with totals and shares. */
function perStack(one, many, n) {
  const rows = CATEGORIES.map(([key, label]) => ({
    key,
    label,
    oneStackMs: Math.round(one[key] ?? 0),
    manyStacksMs: Math.round(many[key] ?? 0),
    perStackMs: round1(((many[key] ?? 0) - (one[key] ?? 0)) / (n - 1)),
  }));
  const sum = (pick) => rows.reduce((s, r) => s + pick(r), 0);
  const perStackTotal = round1(sum((r) => (r.manyStacksMs - r.oneStackMs) / (n - 1)));
  const packagePerStack = round1(
    sum((r) => (r.key.startsWith('package') ? (r.manyStacksMs - r.oneStackMs) / (n - 1) : 0)),
  );
  const oneTotal = sum((r) => r.oneStackMs);
  return {
    stacks: n,
    method:
      'node --cpu-prof (250 us sampling) on one 1-stack and one N-stack run; per stack = (N-stack - 1-stack) / (N - 1)',
    rows,
    oneStackMs: oneTotal,
    perStackMs: perStackTotal,
    packagePerStackMs: packagePerStack,
    // What N stacks / 1 stack would be if this package cost nothing per stack (cdktf and GC unchanged).
    ratioWithoutPackage: round2((oneTotal + (n - 1) * (perStackTotal - packagePerStack)) / oneTotal),
    ratioProfiled: round2((oneTotal + (n - 1) * perStackTotal) / oneTotal),
  };
}
const round2 = (x) => Math.round(x * 100) / 100;

module.exports = { CATEGORIES, classify, profileRun, perStack };
