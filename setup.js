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
