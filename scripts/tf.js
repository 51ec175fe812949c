#!/usr/bin/env node
// Offline Terraform runner: `npm run tf -- <validate|plan|apply|destroy> <stack dir> [options] [-- terraform args]`.
// Terraform core validates, plans, applies and destroys a synthesized stack (a folder with cdk.tf.json, or with
// cdk.tf / other .tf files in HCL) against
// the schema-serving stub providers in tools/tf-stub, with no registry and no Azure. The stack folder is never
// written: the runner copies it into a work folder (one per stack folder, kept between commands so that
// `apply` then `destroy` share a local state), drops the backend, and points Terraform at the stubs with a CLI
// configuration of provider `dev_overrides` (docs/terraform-facts.md: works for validate/plan/apply without init).
//
// Options: --work <dir> (work folder; default <tmp>/aoai-tf/<hash of the stack path>), --fresh (empty the work
// folder first, forgetting its state), --apply-delay-ms <n> (each stub write takes n ms, so overlaps show).
// Estate model (tools/tf-stub/README.md): --estate <dir> (apply into a shared fake ARM, created if missing),
// --policies <set>[,<set>] (assign a policy set, e.g. landing-zone, at the estate's subscription),
// --subscription <guid> (the subscription of providers without subscription_id, as ARM_SUBSCRIPTION_ID),
// --clock <ISO time> (the estate's clock, e.g. for the 48-hour soft delete).
// The exit code is Terraform's; its diagnostics are printed as Terraform wrote them. `plan` also writes
// plan.json (`terraform show -json`) in the work folder and prints its path.
'use strict';
const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { usedProviders, schemaFor } = require('../tools/tf-stub/schema');
const { serverCert } = require('../tools/tf-stub/tls');
const { mergeSkeletons, withoutBackend } = require('../tools/tf-stub/hcl-skeleton');
const { createEstate, readEstate } = require('../tools/tf-stub/estate');

const ROOT = path.resolve(__dirname, '..');
const STUB = path.join(ROOT, 'tools', 'tf-stub', 'provider.js');
const MIN_TERRAFORM = [1, 5];
const INSTALL_HINT =
  'Install Terraform 1.5 or later and put it on PATH (or set TERRAFORM_BIN): ' +
  'https://developer.hashicorp.com/terraform/install (e.g. unzip the linux_amd64 release into /usr/local/bin).';

/** The terraform binary and its version; throws with install instructions when it is missing or too old. */
function findTerraform() {
  const bin = process.env.TERRAFORM_BIN || 'terraform';
  const r = spawnSync(bin, ['version', '-json'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`Terraform not found (${bin}: ${r.error?.code ?? r.stderr.trim()}). ${INSTALL_HINT}`);
  }
  const version = JSON.parse(r.stdout).terraform_version;
  const [major, minor] = version.split('.').map(Number);
  if (major < MIN_TERRAFORM[0] || (major === MIN_TERRAFORM[0] && minor < MIN_TERRAFORM[1])) {
    throw new Error(`Terraform ${version} is too old: the offline runner needs ${MIN_TERRAFORM.join('.')} or later. ${INSTALL_HINT}`);
  }
  return { bin, version };
}

function defaultWorkDir(stackDir) {
  const h = crypto.createHash('sha256').update(path.resolve(stackDir)).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), 'aoai-tf', `${path.basename(path.resolve(stackDir))}-${h}`);
}

/**
 * Copy the stack's files (not its .terraform folder or state) into the work folder, backend dropped. The stack is
 * a folder with cdk.tf.json (cdktf's JSON output) or with .tf files (HCL: `cdktf synth` with SYNTH_HCL_OUTPUT=true
 * writes cdk.tf, or a hand-written configuration); for HCL the returned configuration is its outline
 * (tools/tf-stub/hcl-skeleton.js), enough to choose the stubs.
 */
function copyStack(stackDir, workDir) {
  const src = path.resolve(stackDir);
  const configFile = path.join(src, 'cdk.tf.json');
  const hclFiles = fs.existsSync(src) ? fs.readdirSync(src).filter((f) => f.endsWith('.tf')) : [];
  if (!fs.existsSync(configFile) && !hclFiles.length) {
    throw new Error(`${stackDir}: no cdk.tf.json and no .tf file (pass a synthesized stack folder, e.g. cdktf.out/stacks/<stack>, or a folder of HCL)`);
  }
  if (fs.existsSync(configFile) && hclFiles.includes('cdk.tf')) {
    throw new Error(`${stackDir}: both cdk.tf.json and cdk.tf: Terraform would load both and declare every block twice; remove the stale one`);
  }
  const rel = path.relative(src, path.resolve(workDir));
  if (!rel || (!rel.startsWith('..') && !path.isAbsolute(rel))) throw new Error(`work folder ${workDir} must be outside the stack folder`);
  fs.mkdirSync(workDir, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    if (entry.name.startsWith('.terraform') || entry.name.endsWith('.tfstate') || entry.name.endsWith('.tfstate.backup')) continue;
    fs.cpSync(path.join(src, entry.name), path.join(workDir, entry.name), { recursive: true });
  }
  // The state stays local in the work folder: a backend (local path, azurerm, cloud) would ask for `init`.
  if (!fs.existsSync(configFile)) {
    const texts = hclFiles.map((f) => {
      const text = withoutBackend(fs.readFileSync(path.join(src, f), 'utf8'));
      fs.writeFileSync(path.join(workDir, f), text);
      return text;
    });
    return mergeSkeletons(texts);
  }
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  if (config.terraform) delete config.terraform.backend;
  if (config.terraform) delete config.terraform.cloud;
  fs.writeFileSync(path.join(workDir, 'cdk.tf.json'), JSON.stringify(config, null, 2));
  return config;
}

/**
 * The provider as one esbuild bundle (cached by content): Terraform starts 4 to 8 provider processes per
 * command, and a bundled file starts about 30% faster than resolving grpc-js and protobufjs module by module
 * (measured 2026-11-28: 680 vs 950 ms to the handshake on the loaded 2-core machine).
 */
function stubBundle() {
  const dir = path.dirname(STUB);
  const h = crypto.createHash('sha256');
  const sources = ['provider.js', 'values.js', 'azure-ids.js', 'tls.js', ...fs.readdirSync(path.join(dir, 'estate')).sort().map((f) => path.join('estate', f))];
  for (const f of sources) h.update(fs.readFileSync(path.join(dir, f)));
  h.update(require('@grpc/grpc-js/package.json').version);
  const out = path.join(os.tmpdir(), 'aoai-tf', `stub-provider-${h.digest('hex').slice(0, 16)}.js`);
  if (!fs.existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp.js`;
    require('esbuild').buildSync({ entryPoints: [STUB], outfile: tmp, bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' });
    fs.renameSync(tmp, out);
  }
  return out;
}

/**
 * The configuration with the resources and data sources of its local modules (`source: "./..."`, each a folder
 * with a cdk.tf.json or *.tf.json files) merged in, so that the stubs serve every type the modules use.
 */
function withLocalModules(config, dir) {
  const merged = { ...config, resource: { ...config.resource }, data: { ...config.data } };
  for (const call of Object.values(config.module ?? {})) {
    if (typeof call.source !== 'string' || !/^\.\.?\//.test(call.source)) continue;
    const moduleDir = path.join(dir, call.source);
    for (const f of fs.readdirSync(moduleDir).filter((n) => n.endsWith('.tf.json'))) {
      const inner = withLocalModules(JSON.parse(fs.readFileSync(path.join(moduleDir, f), 'utf8')), moduleDir);
      for (const kind of ['resource', 'data']) {
        for (const [type, instances] of Object.entries(inner[kind] ?? {})) merged[kind][type] = { ...merged[kind][type], ...instances };
      }
    }
  }
  return merged;
}

/** Write one launcher per provider (the executable Terraform's dev_overrides expects) and the CLI config. */
function installStubs(config, workDir) {
  const providersDir = path.join(workDir, '.stub-providers');
  fs.mkdirSync(providersDir, { recursive: true });
  serverCert(providersDir);
  const bundle = stubBundle();
  const protoDir = path.join(path.dirname(STUB), 'proto');
  const overrides = [];
  const stateFile = path.join(workDir, 'terraform.tfstate');
  const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : undefined;
  for (const provider of usedProviders(withLocalModules(config, workDir), state)) {
    const dir = path.join(providersDir, provider.name);
    fs.mkdirSync(dir, { recursive: true });
    const schemaFile = path.join(dir, 'schema.json');
    fs.writeFileSync(schemaFile, JSON.stringify(schemaFor(provider)));
    const type = provider.address.split('/').pop();
    const launcher = path.join(dir, `terraform-provider-${type}`);
    const script = [
      '#!/bin/sh',
      `TF_STUB_PROTO_DIR=${JSON.stringify(protoDir)} exec ${JSON.stringify(process.execPath)} ${JSON.stringify(bundle)} ${JSON.stringify(schemaFile)}`,
      '',
    ];
    fs.writeFileSync(launcher, script.join('\n'), { mode: 0o755 });
    overrides.push(`    ${JSON.stringify(provider.address)} = ${JSON.stringify(dir)}`);
  }
  const cliConfig = path.join(providersDir, 'terraform.rc');
  fs.writeFileSync(
    cliConfig,
    ['provider_installation {', '  dev_overrides {', ...overrides, '  }', '  direct {}', '}', ''].join('\n'),
  );
  return { providersDir, cliConfig };
}

/**
 * Prepare a work folder for a stack: copy, drop the backend, install the stubs.
 * @returns {{workDir: string, env: object, applyLog: string}}
 */
function prepare(stackDir, options = {}) {
  const workDir = path.resolve(options.workDir ?? defaultWorkDir(stackDir));
  if (options.fresh) fs.rmSync(workDir, { recursive: true, force: true });
  const config = copyStack(stackDir, workDir);
  const { providersDir, cliConfig } = installStubs(config, workDir);
  const applyLog = path.join(workDir, 'apply-log.jsonl');
  const estate = options.estate ? estateEnv(options) : {};
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_STUB_TLS_DIR: providersDir,
    TF_STUB_APPLY_LOG: applyLog,
    TF_STUB_APPLY_DELAY_MS: String(options.applyDelayMs ?? 0),
  };
  delete env.TF_LOG;
  delete env.TF_STUB_ESTATE;
  delete env.TF_STUB_DEFAULT_SUBSCRIPTION_ID;
  if (options.subscription) env.TF_STUB_DEFAULT_SUBSCRIPTION_ID = options.subscription;
  Object.assign(env, estate);
  return { workDir, env, applyLog, config };
}

/** Create or open the estate (applying --policies and --clock) and the stubs' environment for it. */
function estateEnv(options) {
  const policies = [options.policies ?? []].flat().flatMap((p) => String(p).split(',')).filter(Boolean);
  // A new estate takes --subscription as its own (the landing-zone subscription its policies are assigned at).
  const isNew = !fs.existsSync(path.join(options.estate, 'estate.json'));
  const dir = createEstate(options.estate, { policies, subscription: isNew ? options.subscription : undefined, clock: options.clock });
  return { TF_STUB_ESTATE: dir, TF_STUB_DEFAULT_SUBSCRIPTION_ID: options.subscription ?? readEstate(dir).subscription };
}

function exec(bin, args, cwd, env, echo) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (echo) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (echo) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Whether `terraform get` already installed every module call of the configuration, from the same source. */
function modulesInstalled(config, workDir) {
  const file = path.join(workDir, '.terraform', 'modules', 'modules.json');
  if (!fs.existsSync(file)) return false;
  const installed = new Map(JSON.parse(fs.readFileSync(file, 'utf8')).Modules.map((m) => [m.Key, m.Source]));
  return Object.entries(config.module).every(([key, call]) => installed.get(key) === call.source);
}

const COMMANDS = {
  validate: () => [['validate', '-no-color']],
  plan: () => [['plan', '-no-color', '-input=false', '-out=plan.out']],
  apply: () => [['apply', '-no-color', '-input=false', '-auto-approve']],
  destroy: () => [['destroy', '-no-color', '-input=false', '-auto-approve']],
};

/**
 * Run one command on a stack folder.
 * @returns {Promise<{code: number, stdout: string, stderr: string, output: string, workDir: string, applyLog: string, planJson?: string}>}
 */
async function run(command, stackDir, options = {}) {
  if (!COMMANDS[command]) throw new Error(`unknown command "${command}": use one of ${Object.keys(COMMANDS).join(', ')}`);
  const { bin } = findTerraform();
  const { workDir, env, applyLog, config } = prepare(stackDir, options);
  if (options.resetApplyLog !== false) fs.rmSync(applyLog, { force: true });
  // Local modules must be installed (`terraform get`: no registry, no providers) before any other command.
  if (config.module && !modulesInstalled(config, workDir)) {
    const get = await exec(bin, ['get', '-no-color'], workDir, env, options.echo);
    if (get.code !== 0) return { ...get, output: get.stdout + get.stderr, workDir, applyLog };
  }
  const [args] = COMMANDS[command]();
  const result = await exec(bin, [...args, ...(options.extraArgs ?? [])], workDir, env, options.echo);
  const out = { ...result, output: result.stdout + result.stderr, workDir, applyLog };
  if (command === 'plan' && result.code === 0) {
    const show = await exec(bin, ['show', '-json', 'plan.out'], workDir, env, false);
    if (show.code !== 0) return { ...out, code: show.code, stderr: out.stderr + show.stderr, output: out.output + show.stderr };
    out.planJson = path.join(workDir, 'plan.json');
    fs.writeFileSync(out.planJson, show.stdout);
  }
  return out;
}

/** The stub's record of ApplyResourceChange calls (start and end of each write) from the last command. */
function readApplyLog(applyLog) {
  if (!fs.existsSync(applyLog)) return [];
  return fs
    .readFileSync(applyLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function parseArgs(argv) {
  const dash = argv.indexOf('--');
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const extraArgs = dash >= 0 ? argv.slice(dash + 1) : [];
  const options = { extraArgs, echo: true };
  const positional = [];
  for (let i = 0; i < own.length; i++) {
    if (own[i] === '--work') options.workDir = own[++i];
    else if (own[i] === '--fresh') options.fresh = true;
    else if (own[i] === '--apply-delay-ms') options.applyDelayMs = Number(own[++i]);
    else if (own[i] === '--estate') options.estate = own[++i];
    else if (own[i] === '--policies') options.policies = own[++i];
    else if (own[i] === '--subscription') options.subscription = own[++i];
    else if (own[i] === '--clock') options.clock = own[++i];
    else if (own[i].startsWith('-')) extraArgs.push(own[i]);
    else positional.push(own[i]);
  }
  return { command: positional[0], stackDir: positional[1], options };
}

async function main() {
  const { command, stackDir, options } = parseArgs(process.argv.slice(2));
  if (!command || !stackDir) {
    console.error(
      'usage: npm run tf -- <validate|plan|apply|destroy> <stack dir> [--work <dir>] [--fresh] [--estate <dir> [--policies landing-zone] [--subscription <guid>] [--clock <ISO time>]] [-- terraform args]',
    );
    process.exit(2);
  }
  try {
    const r = await run(command, stackDir, options);
    console.error(`\n[tf] work folder: ${r.workDir}`);
    if (r.planJson) console.error(`[tf] plan JSON: ${r.planJson}`);
    process.exit(r.code);
  } catch (e) {
    console.error(`[tf] ${e.message}`);
    process.exit(2);
  }
}

if (require.main === module) main();

module.exports = { run, prepare, readApplyLog, findTerraform, defaultWorkDir, INSTALL_HINT };
