// Registers cdktf's jest matchers (toHaveResourceWithProperties, ...).
const cdktf = require('cdktf');
cdktf.Testing.setupJest();

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
}
