// Registers cdktf's jest matchers (toHaveResourceWithProperties, ...).
const cdktf = require('cdktf');
cdktf.Testing.setupJest();

// Testing.app() without an outdir makes a temporary folder per call (cdktf 0.21 lib/testing/index.js:
// mkdtempSync(os.tmpdir() + "/cdktf.outdir.")) and never removes it: a test file removes the ones it made.
{
  const { rmSync } = require('fs');
  const testingApp = cdktf.Testing.app.bind(cdktf.Testing);
  const madeOutdirs = [];
  cdktf.Testing.app = (options = {}) => {
    const app = testingApp(options);
    if (!options.outdir) madeOutdirs.push(app.outdir);
    return app;
  };
  afterAll(() => {
    for (const dir of madeOutdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

// With AOAI_TF_CORPUS_DIR set (npm test), every stack a test synthesizes is recorded for the Terraform task
// (tools/tf-stub/corpus.js); without it, Testing.synth is left as it is.
const corpus = require('./tools/tf-stub/corpus');
if (corpus.corpusDir() && !cdktf.Testing.synth.recordsCorpus) {
  const synth = cdktf.Testing.synth.bind(cdktf.Testing);
  const recording = (stack, runValidations) => {
    const text = synth(stack, runValidations);
    const state = expect.getState();
    corpus.record(text, {
      testPath: state.testPath,
      testName: state.currentTestName,
      expectRefusal: globalThis.__aoaiExpectRefusal,
    });
    return text;
  };
  recording.recordsCorpus = true;
  cdktf.Testing.synth = recording;

  // App.synth writes each stack's cdk.tf.json under the App's outdir, listed in its manifest.json.
  const fs = require('fs');
  const path = require('path');
  const appSynth = cdktf.App.prototype.synth;
  cdktf.App.prototype.synth = function synthAndRecord(...args) {
    const result = appSynth.apply(this, args);
    const manifest = path.join(this.outdir, 'manifest.json');
    if (fs.existsSync(manifest)) {
      const state = expect.getState();
      for (const s of Object.values(JSON.parse(fs.readFileSync(manifest, 'utf8')).stacks ?? {})) {
        const file = path.join(this.outdir, s.synthesizedStackPath);
        // JSON stacks only: HCL output (cdk.tf, SYNTH_HCL_OUTPUT=true) is planned by __tests__/terraform/hcl.tf.test.ts.
        if (file.endsWith('.json') && fs.existsSync(file)) {
          corpus.record(fs.readFileSync(file, 'utf8'), { testPath: state.testPath, testName: state.currentTestName });
        }
      }
    }
    return result;
  };
}

// cdktf records a creation stack for every token it makes: Error.captureStackTrace onto a plain object (not an Error)
// under a raised Error.stackTraceLimit (cdktf 0.21 lib/tokens/private/stack-trace.js, copied from aws/constructs).
// Under jest every frame of every such trace went through jest's source-mapping formatter, which jest installs on the
// worker's own Error and Node falls back to when the test realm's Error has none (Node lib/internal/errors.js,
// prepareStackTraceCallback): three quarters of what building the reference stack cost in a test (270 -> 70 ms).
// Here the test realm's Error formats traces captured onto non-Error objects as V8 does, without source maps, and
// hands every Error's stack (a failing test's included) to jest's formatter unchanged. A value the code under test
// assigns to Error.prepareStackTrace takes precedence. Test harness only: the library and the reference app never
// touch Error.
{
  // jest-environment-node gives the test realm the worker's own Buffer; its Function reaches the worker's Error.
  const workerError = Buffer.constructor('return Error')();
  const isError = (x) => x instanceof Error || x instanceof workerError;
  const plain = (target, frames) => `${target}${frames.map((frame) => `\n    at ${frame}`).join('')}`;
  const format = (target, frames) =>
    isError(target) && typeof workerError.prepareStackTrace === 'function'
      ? workerError.prepareStackTrace(target, frames)
      : plain(target, frames);
  let assigned;
  Object.defineProperty(Error, 'prepareStackTrace', {
    configurable: true,
    get: () => assigned ?? (workerError === Error ? undefined : format),
    set: (value) => {
      assigned = value;
    },
  });
}
