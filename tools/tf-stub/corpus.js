'use strict';
// The Terraform corpus: every distinct stack the unit suite synthesizes, recorded so that the Terraform task can
// run Terraform core on all of them (one `terraform plan` of them all as modules: see README.md, "Corpus").
//
// Recording is on when AOAI_TF_CORPUS_DIR is set (`npm test` sets it; a plain `npx jest` records nothing). setup.js
// wraps cdktf's Testing.synth and App.synth: each output is written once, named by the sha256 of its content, with
// the test file and test name that produced it (one of them, when several tests synthesize the same stack). A stack a test breaks on purpose is recorded with the refusal it expects
// (helpers.ts synthRefused), so the Terraform task asserts that Terraform refuses it instead of leaving it out.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const CORPUS_ENV = 'AOAI_TF_CORPUS_DIR';
const ROOT = path.resolve(__dirname, '..', '..');
/** Where `npm test` records the corpus (git-ignored). */
const DEFAULT_DIR = path.join(ROOT, '.build', 'tf-corpus');

function corpusDir() {
  const dir = process.env[CORPUS_ENV];
  return dir ? path.resolve(ROOT, dir) : undefined;
}

/**
 * Record one synthesized configuration (the JSON text Testing.synth returned).
 * @param {string} text
 * @param {{testPath?: string, testName?: string, expectRefusal?: {reason: string, error: string}}} origin
 */
function record(text, origin = {}) {
  const dir = corpusDir();
  if (!dir) return;
  const config = JSON.parse(text);
  // Only stacks: a synthesized stack has resources or data sources; an empty scope has nothing for Terraform.
  if (!config.resource && !config.data) return;
  const canonical = JSON.stringify(config);
  const hash = crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 16);
  const kind = origin.expectRefusal ? 'refused' : 'valid';
  const file = path.join(dir, `${hash}.${kind}.json`);
  if (fs.existsSync(file)) return;
  fs.mkdirSync(dir, { recursive: true });
  const entry = {
    hash,
    testPath: origin.testPath ? path.relative(ROOT, origin.testPath) : undefined,
    testName: origin.testName,
    expectRefusal: origin.expectRefusal,
    config,
  };
  // Atomic: two jest workers recording the same stack at once each write a whole file; either one wins.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(entry));
  fs.renameSync(tmp, file);
}

/** Every recorded entry, in hash order. */
function readCorpus(dir = corpusDir() ?? DEFAULT_DIR) {
  if (!fs.existsSync(dir)) return undefined;
  return fs
    .readdirSync(dir)
    .filter((f) => /^[0-9a-f]{16}\.(valid|refused)\.json$/.test(f))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

function clean(dir = corpusDir() ?? DEFAULT_DIR) {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A module input for a variable without a default. A string, number or bool is unknown until apply (taken from
 * a root terraform_data's ID), so the plan holds for any value a user could pass, as it would with a value from
 * another resource (preconditions on it wait for apply). A collection is known, with one placeholder element:
 * Terraform refuses an unknown `for_each` ("Invalid for_each argument"), and a user's list is known at plan. The
 * element is a value the constructs' plan-time guards on lists accept (an e-mail receiver: something@host.tld; a
 * webhook: https://...; docs/plan-guards.md), so a stack plans as it would with a user's valid list.
 */
const UNKNOWN = 'terraform_data.corpus_unknown.id';
function inputValue(type, name) {
  const t = String(type ?? 'string').replace(/\s/g, '');
  if (t === 'number') return `\${tonumber(${UNKNOWN})}`;
  if (t === 'bool') return `\${tobool(${UNKNOWN})}`;
  if (/^(list|set|tuple)\(/.test(t)) return [`https://stub-${name}-1@corpus.example`];
  if (/^(map|object)\(/.test(t)) return {};
  return `\${${UNKNOWN}}`;
}

/**
 * Write a root configuration (`<dir>/cdk.tf.json`) that mounts each entry as a module (`<dir>/stacks/<hash>/`), so
 * that one Terraform run validates or plans them all. Each module is its stack without its backend (the root's
 * state is the only one) and without its provider blocks: modules inherit the root's default providers, so
 * Terraform starts one stub per provider instead of one per stack (Terraform starts a provider process per
 * provider configuration; https://developer.hashicorp.com/terraform/language/modules/develop/providers,
 * "Implicit Provider Inheritance"). A variable without a default gets a placeholder of its type.
 * @returns {{ modules: Map<string, object> }} module name (s_<hash>) -> entry
 */
function mountCorpus(entries, dir) {
  const root = {
    terraform: { required_providers: {} },
    provider: {},
    resource: { terraform_data: { corpus_unknown: {} } },
    module: {},
  };
  const modules = new Map();
  for (const entry of entries) {
    const config = JSON.parse(JSON.stringify(entry.config));
    if (config.terraform) {
      delete config.terraform.backend;
      delete config.terraform.cloud;
    }
    // Aliased configurations (an endpoint written through the spoke's provider) are passed in explicitly: the module
    // declares them (configuration_aliases) and the call maps each to the root's configuration of that alias
    // (https://developer.hashicorp.com/terraform/language/modules/develop/providers, "Passing Providers Explicitly").
    const passed = {};
    for (const [name, blocks] of Object.entries(config.provider ?? {})) {
      const list = (root.provider[name] = root.provider[name] ?? []);
      for (const block of [].concat(blocks)) {
        // The first configuration seen for each (provider, alias) serves every module (the stubs ignore arguments).
        if (!list.some((b) => b.alias === block.alias)) list.push(block);
        if (!block.alias) continue;
        const ref = `${name}.${block.alias}`;
        passed[ref] = ref;
        config.terraform = config.terraform ?? {};
        const reqs = (config.terraform.required_providers = config.terraform.required_providers ?? {});
        reqs[name] = { ...reqs[name], configuration_aliases: [...(reqs[name]?.configuration_aliases ?? []), ref] };
      }
    }
    delete config.provider;
    for (const [name, req] of Object.entries(config.terraform?.required_providers ?? {})) {
      // The root declares source and version only (configuration_aliases belong to the child module).
      const { configuration_aliases: _aliases, ...plain } = req;
      root.terraform.required_providers[name] = plain;
    }
    const moduleDir = path.join(dir, 'stacks', entry.hash);
    fs.mkdirSync(moduleDir, { recursive: true });
    fs.writeFileSync(path.join(moduleDir, 'cdk.tf.json'), JSON.stringify(config, null, 1));
    const inputs = {};
    for (const [name, v] of Object.entries(config.variable ?? {})) {
      if (!('default' in v)) inputs[name] = inputValue(v.type, name);
    }
    const moduleName = `s_${entry.hash}`;
    root.module[moduleName] = { source: `./stacks/${entry.hash}`, ...inputs };
    if (Object.keys(passed).length) {
      // With a providers map the module inherits nothing: the default configurations are passed too.
      for (const name of Object.keys(config.terraform?.required_providers ?? {})) passed[name] = name;
      root.module[moduleName].providers = passed;
    }
    modules.set(moduleName, entry);
  }
  // One configuration per provider stays one block, as before any alias was mounted.
  for (const [name, list] of Object.entries(root.provider)) if (list.length === 1) root.provider[name] = list[0];
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(root, null, 1));
  return { modules };
}

if (require.main === module) {
  if (process.argv[2] === 'clean') clean();
  else {
    console.error('usage: node tools/tf-stub/corpus.js clean');
    process.exit(2);
  }
}

module.exports = { CORPUS_ENV, DEFAULT_DIR, record, readCorpus, clean, corpusDir, mountCorpus };
