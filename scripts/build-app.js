#!/usr/bin/env node
// The reference app's runner (cdktf.json: `node --max-semi-space-size=4 scripts/build-app.js --run`): a plain
// esbuild bundle of stacks/main.ts, rebuilt when its sources change, then run with node. Nothing else: no loader
// hooks, no compile cache, no patch of cdktf (lint refuses them, .projenrc.ts).
// The smaller young generation (Node 20 defaults to 16 MB semi-spaces) keeps a synth's peak memory down.
//
// 1. Reuse the esbuild bundle of stacks/main.ts when no input changed: a SHA-256 over every file under lib/ and
//    stacks/ plus the build configuration (cdktf.json, package.json, tsconfig.json, this script, esbuild's
//    version), compared with the hash stored next to the bundle. The check reads about 40 files (a few ms);
//    esbuild is only loaded when something changed.
// 2. Run the bundle in this same process (--run), an ordinary require: one Node start-up per synth instead of two.
// 3. Leave no process behind: esbuild's buildSync normally runs through a worker thread that spawns a
//    long-lived `esbuild --service` child and unrefs it, so the child outlives the app (seen as an orphaned
//    `[esbuild] <defunct>`). With ESBUILD_WORKER_THREADS=0, buildSync runs esbuild through execFileSync, which
//    waits for the child to exit (esbuild's lib/main.js, `if (process.env.ESBUILD_WORKER_THREADS !== "0")`).
//
// Transpile-only, as before: the test task type-checks. Without --run it only ensures the bundle.
const { createHash } = require('crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('fs');
const { join, relative } = require('path');

const INPUT_DIRS = ['lib', 'stacks'];
const INPUT_FILES = ['cdktf.json', 'package.json', 'tsconfig.json'];

/** Every input of the bundle, as sorted project-relative paths. */
function inputFiles(root) {
  const files = [];
  for (const dir of INPUT_DIRS) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const entry of readdirSync(abs, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(relative(root, join(entry.parentPath ?? entry.path, entry.name)));
    }
  }
  for (const file of INPUT_FILES) if (existsSync(join(root, file))) files.push(file);
  // Separators normalised so the hash does not depend on the platform.
  return files.map((f) => f.split('\\').join('/')).sort();
}

/** Content hash of the bundle's inputs: paths and bytes, plus this script and the esbuild version. */
function inputsHash(root) {
  const hash = createHash('sha256');
  hash.update(readFileSync(__filename));
  hash.update(esbuildVersion(root));
  for (const file of inputFiles(root)) {
    hash.update(`\0${file}\0`);
    hash.update(readFileSync(join(root, file)));
  }
  return hash.digest('hex');
}

function esbuildVersion(root) {
  try {
    return JSON.parse(readFileSync(require.resolve('esbuild/package.json', { paths: [root] }), 'utf8'))
      .version;
  } catch {
    return 'unknown';
  }
}

/**
 * Make sure `<root>/.build/main.js` is the bundle of the current sources. Returns what it did and how long the
 * check took, so tests and the benchmark can see it.
 */
function ensureBundle(root = join(__dirname, '..')) {
  const started = process.hrtime.bigint();
  const outdir = join(root, '.build');
  const outfile = join(outdir, 'main.js');
  const stampFile = join(outdir, 'main.js.inputs-sha256');
  const hash = inputsHash(root);
  const checkMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (existsSync(outfile) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) {
    return { outfile, rebuilt: false, hash, checkMs };
  }
  process.env.ESBUILD_WORKER_THREADS = '0';
  const { buildSync } = require('esbuild');
  mkdirSync(outdir, { recursive: true });
  // The stamp goes first and comes back only after a successful build: a failed or interrupted build is redone.
  rmSync(stampFile, { force: true });
  buildSync({
    entryPoints: [join(root, 'stacks', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // cdktf, constructs and the provider stay in node_modules: loaded as deep imports, never bundled.
    packages: 'external',
    // A linked map (read only with --enable-source-maps) instead of an inline one that more than doubles the
    // file Node reads and scans on every synth.
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  writeFileSync(stampFile, hash);
  return { outfile, rebuilt: true, hash, checkMs };
}

module.exports = { ensureBundle, inputFiles, inputsHash };

if (require.main === module) {
  const { outfile } = ensureBundle();
  if (process.argv.includes('--run')) require(outfile);
}
