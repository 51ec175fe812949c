#!/usr/bin/env node
// The reference app's runner (cdktf.json: `node --max-semi-space-size=4 scripts/build-app.js --run`).
// The smaller young generation (Node 20 defaults to 16 MB semi-spaces) keeps a synth's peak memory down: measured
// on the large-input stack, 127 MB -> 104 MB at the same CPU time (about 5% more CPU at 50 stacks).
//
// 1. Reuse the esbuild bundle of stacks/main.ts when no input changed: a SHA-256 over every file under lib/ and
//    stacks/ plus the build configuration (cdktf.json, package.json, tsconfig.json, this script, esbuild's
//    version), compared with the hash stored next to the bundle. The check reads about 40 files (a few ms);
//    esbuild is only loaded when something changed.
// 2. Run the bundle in this same process (--run): one Node start-up per synth instead of two.
// 2b. Keep V8's compiled code of every module the app loads (cdktf, the provider bindings, the bundle) in
//    .build/compile-cache-<flags>.bin: the same JavaScript is otherwise parsed and compiled again on every synth. What
//    Node 22 does with module.enableCompileCache(), which Node 20 lacks; see compile-cache below.
// 2c. Skip cdktf's token creation stacks: cdktf 0.21 formats a full stack trace (Error.stackTraceLimit raised to
//    MAX_SAFE_INTEGER) for every token it creates (Intrinsic, Lazy, ComplexResolvable, dynamic blocks) and keeps
//    it only to print under a resolution error ("Object creation stack"). That is a third of a synth's CPU time
//    (measured: 50 stacks 3.0 s -> 2.0 s CPU, 150 MB -> 110 MB) and nothing of it reaches the output. AWS CDK
//    made the same capture opt-in for the same reason (aws/aws-cdk#11170, #12180: CDK_DEBUG=true; the slowness
//    is aws/aws-cdk#8479); cdktf copied the capture from before that change. AOAI_CREATION_STACKS=1 keeps them.
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

/**
 * V8 code cache and module resolutions for every CommonJS module loaded after this call, kept in one file and
 * written at exit when something was compiled or resolved afresh.
 * - Compiled code: an entry is used only for the same file path, size and modification time; V8 itself rejects
 *   data from another V8 version or other flags (cachedDataRejected), and such a module is compiled as usual.
 *   A module with valid code skips the package.json "type" lookup too: it compiled as CommonJS before.
 * - Resolutions (`require(x)` from a directory -> file): kept only while node_modules is unchanged (npm
 *   rewrites node_modules/.package-lock.json on every install) and the bundle inputs are unchanged (the cache
 *   file lives next to the bundle and is dropped with it); a cached file that is gone is resolved afresh.
 * AOAI_COMPILE_CACHE=0 turns it off.
 */
function enableCompileCache(file, root) {
  const Module = require('module');
  const vm = require('vm');
  const { dirname } = require('path');
  const { statSync, renameSync } = require('fs');
  const fingerprint = (() => {
    try {
      const s = statSync(join(root, 'node_modules', '.package-lock.json'));
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return undefined;
    }
  })();
  let index = { code: {}, resolve: {} };
  let data = Buffer.alloc(0);
  try {
    const raw = readFileSync(file);
    const indexLength = raw.readUInt32LE(0);
    index = JSON.parse(raw.subarray(4, 4 + indexLength).toString('utf8'));
    data = raw.subarray(4 + indexLength);
    if (!fingerprint || index.fingerprint !== fingerprint) index.resolve = {};
  } catch {
    // No cache yet, or unreadable: start empty.
  }
  const freshCode = new Map();
  let freshResolutions = false;
  const stamps = new Map();
  const stampOf = (filename) => {
    let stamp = stamps.get(filename);
    if (stamp === undefined) {
      const s = statSync(filename);
      stamp = `${s.size}:${s.mtimeMs}`;
      stamps.set(filename, stamp);
    }
    return stamp;
  };
  const cachedCode = (filename) => {
    const entry = index.code[filename];
    return entry && entry[0] === stampOf(filename) ? data.subarray(entry[1], entry[1] + entry[2]) : undefined;
  };

  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveWithCache(request, parent, isMain, options) {
    if (options !== undefined || !fingerprint || !parent?.filename) {
      return resolveFilename.call(this, request, parent, isMain, options);
    }
    const key = `${dirname(parent.filename)}\0${request}`;
    const cached = index.resolve[key];
    if (cached !== undefined && (!cached.startsWith('/') || stamps.has(cached) || existsSync(cached)))
      return cached;
    const resolved = resolveFilename.call(this, request, parent, isMain, options);
    index.resolve[key] = resolved;
    freshResolutions = true;
    return resolved;
  };
  const loadJs = Module._extensions['.js'];
  Module._extensions['.js'] = function loadJsWithCache(module, filename) {
    if (!cachedCode(filename)) return loadJs.call(this, module, filename);
    module._compile(readFileSync(filename, 'utf8'), filename);
  };
  Module.prototype._compile = function compileWithCache(content, filename) {
    const cachedData = cachedCode(filename);
    const script = new vm.Script(Module.wrap(content), {
      filename,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (!cachedData || script.cachedDataRejected) freshCode.set(filename, script);
    const module = this;
    const require = (id) => module.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    const fn = script.runInThisContext({ displayErrors: true });
    return fn.call(module.exports, module.exports, require, module, filename, dirname(filename));
  };
  process.once('exit', (code) => {
    if ((freshCode.size === 0 && !freshResolutions) || code !== 0) return;
    const parts = [];
    const next = { fingerprint, code: {}, resolve: index.resolve };
    let offset = 0;
    const add = (filename, stamp, bytes) => {
      next.code[filename] = [stamp, offset, bytes.length];
      parts.push(bytes);
      offset += bytes.length;
    };
    for (const [filename, entry] of Object.entries(index.code)) {
      if (!freshCode.has(filename)) add(filename, entry[0], data.subarray(entry[1], entry[1] + entry[2]));
    }
    // Created after the run, so the data includes the functions the synth compiled lazily.
    for (const [filename, script] of freshCode) add(filename, stampOf(filename), script.createCachedData());
    const indexBytes = Buffer.from(JSON.stringify(next));
    const header = Buffer.alloc(4);
    header.writeUInt32LE(indexBytes.length, 0);
    try {
      // One file, replaced atomically: concurrent synths never see an index and data from different writers.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.concat([header, indexBytes, ...parts]));
      renameSync(tmp, file);
    } catch {
      // A cache that cannot be written only costs the next synth its compile time.
    }
  });
}

/**
 * Make cdktf's creation-stack capture (`cdktf/lib/tokens/private/stack-trace`) return no frames, as AWS CDK does
 * unless CDK_DEBUG is set. Every cdktf caller reads the function from that module's exports at call time
 * (`(0, stack_trace_1.captureStackTrace)()`), so replacing the export covers them all; an error message then
 * simply has no "Object creation stack" section (cdktf's resolvable.js prints it only for a non-empty stack).
 * Only for the cdktf release this was read against; returns whether it applied.
 */
function skipCreationStacks(root) {
  let cdktfDir;
  try {
    cdktfDir = join(require.resolve('cdktf/package.json', { paths: [root] }), '..');
  } catch {
    return false;
  }
  const { version } = JSON.parse(readFileSync(join(cdktfDir, 'package.json'), 'utf8'));
  if (!/^0\.21\./.test(version)) return false;
  const stackTrace = require(join(cdktfDir, 'lib', 'tokens', 'private', 'stack-trace.js'));
  if (typeof stackTrace.captureStackTrace !== 'function') return false;
  stackTrace.captureStackTrace = function noCreationStack() {
    return [];
  };
  return true;
}

module.exports = { ensureBundle, inputFiles, inputsHash, enableCompileCache, skipCreationStacks };

if (require.main === module) {
  const { outfile } = ensureBundle();
  if (process.argv.includes('--run')) {
    if (process.env.AOAI_COMPILE_CACHE !== '0') {
      // V8 rejects code cached under other flags: one cache per Node version and flag set (the cdktf CLI sets
      // NODE_OPTIONS, a plain run does not), so runs with different flags never overwrite each other's cache.
      const flags = createHash('sha256')
        .update(`${process.version}\0${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`)
        .digest('hex')
        .slice(0, 12);
      enableCompileCache(join(outfile, '..', `compile-cache-${flags}.bin`), join(__dirname, '..'));
    }
    if (process.env.AOAI_CREATION_STACKS !== '1') skipCreationStacks(join(__dirname, '..'));
    require(outfile);
  }
}
