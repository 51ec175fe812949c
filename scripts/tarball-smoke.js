#!/usr/bin/env node
// What a new user does, run by .ci/run after the jsii build: pack the package, install the tarball into a fresh
// cdktf app beside the peer versions this repository pins, type-check the README's construct example against the
// installed typings (strict), synthesize it, and judge its output with the aoai-harden package (cli/), packed and
// installed into an empty folder of its own. It also keeps both tarballs honest: the construct tarball holds only
// the compiled library (no run-task, verify or CLI code, no bin), its jsii assembly, README, LICENSE and the docs
// its JSDoc cites (docs/*-facts.md, docs/rules.md, docs/landing-zone.md), within a size bound; the CLI tarball only its bundle, and
// installing it pulls in no cdktf, constructs or provider binding.
// Then, in the same install, the four user scenarios of examples/ (see scenarios() below): each type-checked and
// synthesized as a user would, and the misspelled baseline, two baselines for one subscription and an e-mail
// receiver variable set to "nobody" refused at synth or plan (Terraform core, offline against tools/tf-stub) with
// messages that say what is wrong. Needs the npm registry (or a warm npm cache) and Terraform. Removes everything
// it creates.
const { execFileSync } = require('child_process');
const { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } = require('fs');
const { tmpdir } = require('os');
const { join } = require('path');
const { installCliPackage } = require('./cli-install');
const { entrypointProblems, exerciseEntrypoint } = require('./run-task-container');

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'aoai-tarball-'));
const run = (cmd, args, cwd, env = {}) =>
  execFileSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const fail = (message) => {
  console.error(`tarball smoke: ${message}`);
  process.exitCode = 1;
};

async function main() {
  try {
    if (!existsSync(join(ROOT, '.jsii'))) throw new Error('no .jsii assembly: run `npx jsii` first');
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], ROOT))[0];
    const tarball = join(work, packed.filename);

    // 1. Contents: the compiled library and what a user reads (README, CHANGELOG, API.md, docs/); no tests, sources,
    // tools, or generated output.
    const files = packed.files.map((f) => f.path);
    const allowed =
      /^(build\/.+\.(js|d\.ts)|\.jsii|README\.md|CHANGELOG\.md|API\.md|LICENSE|package\.json|docs\/(rules|plan-guards|landing-zone|[a-z]+-facts)\.md)$/;
    const unexpected = files.filter((f) => !allowed.test(f));
    if (unexpected.length) fail(`unexpected files in the tarball: ${unexpected.slice(0, 10).join(', ')}`);
    // The command-line tool is its own package: nothing of it in the construct tarball.
    const cliCode = files.filter((f) => /(^|\/)(run-task|verify|cli)(\/|\.js$|\.d\.ts$)/.test(f));
    if (cliCode.length)
      fail(`run-task, verify or CLI code in the construct tarball: ${cliCode.slice(0, 10).join(', ')}`);
    const tarballPkg = JSON.parse(run('tar', ['-xOzf', tarball, 'package/package.json'], work));
    if (tarballPkg.bin) fail(`the construct package has a bin: ${JSON.stringify(tarballPkg.bin)}`);
    const MAX_UNPACKED = 5 * 1024 * 1024;
    if (packed.unpackedSize > MAX_UNPACKED)
      fail(`unpacked size ${packed.unpackedSize} bytes > ${MAX_UNPACKED}`);

    // 2. A fresh cdktf app with the tarball and the peers, as the README's Install line names them (the tested
    // versions of the peer ranges), and the tools to type-check and run it.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const app = join(work, 'app');
    run('mkdir', ['-p', app], work);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'aoai-user-app', version: '1.0.0', private: true }),
    );
    const dev = pkg.devDependencies;
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...readmeInstall(readme, packed.filename).map((spec) => spec.replace('$PKG', work)),
        `typescript@${dev.typescript}`,
        `ts-node@${dev['ts-node']}`,
        `@types/node@${dev['@types/node']}`,
      ],
      app,
    );

    // 3. The README's construct example, unchanged, type-checked strictly against the installed typings.
    const section = readme.slice(readme.indexOf('## Use the constructs in your own stack'));
    writeFileSync(join(app, 'main.ts'), /```ts\n([\s\S]*?)```/.exec(section)[1]);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          strict: true,
          esModuleInterop: true,
          types: ['node'],
        },
        files: ['main.ts'],
      }),
    );
    run(join(app, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.'], app);

    // 4. The aoai-harden package, installed into an empty folder: its bundle only, and no cdktf in what it pulls in.
    const cli = installCliPackage(join(work, 'cli'));
    const cliFiles = cli.packed.files.map((f) => f.path).sort();
    const expectedCliFiles = ['LICENSE', 'README.md', 'dist/aoai-harden.js', 'package.json', 'suppressions.schema.json'];
    if (JSON.stringify(cliFiles) !== JSON.stringify(expectedCliFiles)) {
      fail(`CLI tarball holds ${cliFiles.join(', ')}; expected ${expectedCliFiles.join(', ')}`);
    }
    if (cli.packed.version !== pkg.version) fail(`CLI version ${cli.packed.version} is not ${pkg.version}`);
    const cdktf = cli.packages.filter((name) => /^(cdktf|cdktf-cli|constructs|jsii.*)$|^@cdktf\//.test(name));
    if (cdktf.length) fail(`installing aoai-harden pulled in ${cdktf.join(', ')}`);
    for (const name of ['@azure/identity', '@azure/monitor-query-logs']) {
      if (!cli.packages.includes(name)) fail(`installing aoai-harden did not install its dependency ${name}`);
    }
    const version = run(cli.bin, ['--version'], cli.dir).trim();
    if (version !== pkg.version) fail(`installed aoai-harden --version printed ${version}`);
    // The run-task image's ENTRYPOINT (cli/Dockerfile), run from the installed bin with the image's environment,
    // on loopback: a signed task judged, the HEALTHCHECK passing, SIGTERM ending it with nothing left.
    for (const problem of entrypointProblems(await exerciseEntrypoint(cli.bin))) fail(`run-task image: ${problem}`);
    const cliLine = /^npm install --save-dev "\$PKG\/([^"]+)"$/m.exec(readme)?.[1];
    if (cliLine !== cli.packed.filename)
      fail(`the README installs ${cliLine}; the CLI packs as ${cli.packed.filename}`);

    // 5. Synthesize the README example, then run the README's CI check line on it with the installed aoai-harden.
    const outdir = join(app, 'cdktf.out');
    run(join(app, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'main.ts'], app, {
      CDKTF_OUTDIR: outdir,
    });
    const reports = ['json', 'md', 'sarif', 'junit.xml'].map((ext) => `hardening-report.${ext}`);
    for (const stack of ['aoai-subscription-baseline', 'aoai-prod-swedencentral']) {
      for (const file of ['cdk.tf.json', ...reports]) {
        if (!existsSync(join(outdir, 'stacks', stack, file))) fail(`synth wrote no ${stack}/${file}`);
      }
    }
    readmeCheck(readme, cli.bin, app);
    // 6. The user scenarios, from the same install.
    const started = Date.now();
    const scenarioCount = await scenarios(app);
    const scenarioSeconds = ((Date.now() - started) / 1000).toFixed(0);
    if (!process.exitCode) {
      console.log(
        `tarball smoke: ${packed.filename} (${files.length} files, ${(packed.unpackedSize / 1e6).toFixed(1)} MB unpacked) ` +
          'installed into a fresh app as the README says; README example type-checked, synthesized and checked by the README CI line (SARIF located, JUnit); ' +
          `${scenarioCount} user scenarios (examples/) type-checked and synthesized, 3 misconfigurations refused (${scenarioSeconds} s); ` +
          `${cli.packed.filename} (${cliFiles.length} files) installed alone: ${cli.packages.length} packages, ` +
          `${(cli.installBytes / 1e6).toFixed(1)} MB, no cdktf`,
      );
    }
  } catch (e) {
    fail(`${e.message}${e.stderr ? `\n${e.stderr}` : ''}${e.stdout ? `\n${e.stdout}` : ''}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The README's Install line for the construct package: `npm install "$PKG/<tarball>" <peer>@<version>...`. It must
 * name the tarball `npm pack` writes and every peer dependency at the version this repository tests (its
 * devDependencies), nothing else. Returns its arguments.
 */
function readmeInstall(readme, tarball) {
  const line = /^npm install ("\$PKG\/[^"]+") (.+)$/m.exec(readme);
  if (!line) throw new Error('the README has no Install line npm install "$PKG/<tarball>" <peers>');
  const named = JSON.parse(line[1]).slice('$PKG/'.length);
  if (named !== tarball) fail(`the README installs ${named}; npm pack writes ${tarball}`);
  const specs = line[2].split(/\s+/);
  const expected = Object.keys(pkg.peerDependencies)
    .sort()
    .map((name) => `${name}@${pkg.devDependencies[name]}`);
  if (specs.slice().sort().join(' ') !== expected.join(' ')) {
    fail(
      `the README's Install line names ${specs.join(' ')}; the peers at their tested versions are ${expected.join(' ')}`,
    );
  }
  return [`$PKG/${named}`, ...specs];
}

/**
 * The README's CI line `npx aoai-harden check cdktf.out/stacks/<stack>/cdk.tf.json --sarif F --junit G`, run as
 * written in the app (with the installed aoai-harden): it passes, and every SARIF result names that file, relative
 * to the working directory, and a line; the JUnit report names the stack.
 */
function readmeCheck(readme, bin, app) {
  const section = readme.slice(readme.indexOf('## Check in CI'));
  const line = /^npx aoai-harden (check cdktf\.out\/stacks\/([^/]+)\/cdk\.tf\.json .*)$/m.exec(section);
  if (!line)
    throw new Error("the README's CI section has no npx aoai-harden check cdktf.out/stacks/... line");
  const args = line[1].split(/\s+/);
  run(bin, args, app);
  const flag = (name) => join(app, args[args.indexOf(name) + 1]);
  const sarif = JSON.parse(readFileSync(flag('--sarif'), 'utf8'));
  const file = `cdktf.out/stacks/${line[2]}/cdk.tf.json`;
  const results = sarif.runs[0].results;
  if (results.length === 0) fail('the README CI check wrote no SARIF result to locate');
  for (const r of results) {
    const at = r.locations[0].physicalLocation;
    if (
      at?.artifactLocation.uri !== file ||
      at.artifactLocation.uriBaseId !== '%SRCROOT%' ||
      !(at.region.startLine > 0)
    ) {
      fail(`README CI check: a SARIF result is not located in ${file}: ${JSON.stringify(r.locations[0])}`);
    }
  }
  const junit = readFileSync(flag('--junit'), 'utf8');
  if (!junit.includes(`<testsuite name="aoai-harden ${line[2]}"`))
    fail('README CI check: no JUnit suite for the stack');
}

const EXAMPLES = join(ROOT, 'examples');
/** What each scenario must synthesize: its stacks (with reports when the checks run) and what they must hold. */
const SCENARIOS = {
  // (a) variables, remote state, azurerm backend; planned below with good and bad variables.
  'prod-variables-remote-state': { stacks: ['aoai-prod'], reports: true },
  // (b) a baseline stack and two account stacks that depend on it.
  'fleet-with-baseline': {
    stacks: ['aoai-platform-baseline', 'aoai-dev-swedencentral', 'aoai-prod-westeurope'],
    reports: true,
  },
  // (c) one phase on an imported account (no HardeningChecks: the checklist judges a whole deployment; see the report).
  'imported-account-phase': { stacks: ['aoai-imported-network'], reports: false },
  // (d) the HCP Terraform backend.
  'hcp-terraform-backend': { stacks: ['aoai-hcp'], reports: true },
};

/**
 * The four user scenarios of examples/ (the README shows them), with the package as installed from the tarball:
 * type-checked strictly in one tsc run, each synthesized, its output checked; then the misconfigurations a user
 * makes, each refused with a message that names it. Returns the number of scenarios run.
 */
async function scenarios(app) {
  const names = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  if (names.join() !== Object.keys(SCENARIOS).sort().join()) {
    throw new Error(
      `examples/ holds ${names.join(', ')}; this script knows ${Object.keys(SCENARIOS).join(', ')}`,
    );
  }
  for (const name of names)
    writeFileSync(join(app, `${name}.ts`), readFileSync(join(EXAMPLES, `${name}.ts`), 'utf8'));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        strict: true,
        esModuleInterop: true,
        types: ['node'],
      },
      files: ['main.ts', ...names.map((n) => `${n}.ts`)],
    }),
  );
  run(join(app, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.'], app);

  const out = {};
  for (const name of names) {
    out[name] = join(app, `out-${name}`);
    synth(app, `${name}.ts`, out[name]);
    for (const stack of SCENARIOS[name].stacks) {
      const files = ['cdk.tf.json', ...(SCENARIOS[name].reports ? ['hardening-report.json'] : [])];
      for (const file of files) {
        if (!existsSync(join(out[name], 'stacks', stack, file)))
          fail(`${name}: synth wrote no ${stack}/${file}`);
      }
    }
  }
  const json = (name, stack) =>
    JSON.parse(readFileSync(join(out[name], 'stacks', stack, 'cdk.tf.json'), 'utf8'));

  // (a) the references reach Terraform, and the e-mail variable is guarded at plan.
  const prod = json('prod-variables-remote-state', 'aoai-prod');
  expect('(a) azurerm backend', prod.terraform?.backend?.azurerm?.key === 'aoai-prod.tfstate');
  expect('(a) remote state', Object.keys(prod.data?.terraform_remote_state ?? {}).length === 1);
  expect('(a) variables', !!prod.variable?.security_email && !!prod.variable?.retention_days);
  await planProd(app, out['prod-variables-remote-state']);

  // (b) the deploy order is recorded; a misspelled baseline and a second baseline fail synth, naming what is wrong.
  const manifest = JSON.parse(readFileSync(join(out['fleet-with-baseline'], 'manifest.json'), 'utf8'));
  for (const stack of ['aoai-dev-swedencentral', 'aoai-prod-westeurope']) {
    expect(
      `(b) ${stack} depends on the baseline`,
      manifest.stacks[stack].dependencies.join() === 'aoai-platform-baseline',
    );
  }
  const fleet = readFileSync(join(EXAMPLES, 'fleet-with-baseline.ts'), 'utf8');
  const anchor = 'SubscriptionCoverage.byBaselineStack(baseline)';
  if (!fleet.includes(anchor)) throw new Error(`examples/fleet-with-baseline.ts no longer holds ${anchor}`);
  refusedAtSynth(
    app,
    'fleet-misspelled',
    fleet.replace(anchor, "SubscriptionCoverage.byBaselineStackName('aoai-platfrom-baseline')"),
    [
      'aoai-dev-swedencentral/AzureOpenAI/Monitoring: subscriptionCoverage: byBaselineStackName("aoai-platfrom-baseline") names no stack of this app (stacks holding a SubscriptionBaseline: "aoai-platform-baseline")',
    ],
  );
  refusedAtSynth(app, 'fleet-two-baselines', fleet.replace(anchor, 'SubscriptionCoverage.inThisStack()'), [
    'stacks "aoai-dev-swedencentral" and "aoai-platform-baseline" both create the Activity Log export and the Defender for AI plan',
  ]);

  // (c) the imported account is hardened in place, never created.
  const imported = json('imported-account-phase', 'aoai-imported-network');
  expect('(c) no account created', !imported.resource.azurerm_cognitive_account);
  const lockdown = Object.values(imported.resource.azapi_update_resource ?? {});
  expect(
    '(c) public network access switched off on the imported account',
    lockdown.some((r) => JSON.stringify(r.body).includes('"publicNetworkAccess":"Disabled"')),
  );

  // (d) HCP Terraform: the cloud block, and the checks ran.
  const hcp = json('hcp-terraform-backend', 'aoai-hcp');
  expect('(d) cloud backend', hcp.terraform?.cloud?.organization === 'contoso');
  for (const [name, stack] of [
    ['prod-variables-remote-state', 'aoai-prod'],
    ['fleet-with-baseline', 'aoai-prod-westeurope'],
    ['hcp-terraform-backend', 'aoai-hcp'],
  ]) {
    const r = JSON.parse(readFileSync(join(out[name], 'stacks', stack, 'hardening-report.json'), 'utf8'));
    expect(`${name}: 0 checklist errors`, r.summary.errors === 0);
  }
  return names.length;
}

function synth(app, file, outdir) {
  return run(join(app, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', file], app, {
    CDKTF_OUTDIR: outdir,
  });
}

function expect(what, ok) {
  if (!ok) fail(`scenario check failed: ${what}`);
}

/** A variant of a scenario must fail synth, and its error must contain each of `messages`. */
function refusedAtSynth(app, name, source, messages) {
  writeFileSync(join(app, `${name}.ts`), source);
  try {
    synth(app, `${name}.ts`, join(app, `out-${name}`));
    fail(`${name}: synth passed; it must fail`);
  } catch (e) {
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    for (const m of messages)
      if (!output.includes(m)) fail(`${name}: synth failed without "${m}":\n${output}`);
  }
}

/**
 * (a) planned by Terraform core, offline: the azurerm remote state is replaced by a local state file with the same
 * outputs (no Azure here; the runner drops the backend). -var security_email=nobody fails at plan naming the input;
 * a real address plans.
 */
async function planProd(app, outdir) {
  const tf = require('./tf');
  const stackDir = join(app, 'plan-prod');
  run('mkdir', ['-p', stackDir], app);
  const config = JSON.parse(readFileSync(join(outdir, 'stacks', 'aoai-prod', 'cdk.tf.json'), 'utf8'));
  const spoke =
    '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke';
  const outputs = {
    spoke_vnet_id: spoke,
    private_endpoint_subnet_id: `${spoke}/subnets/snet-pe`,
    aks_subnet_cidr: '10.50.8.0/22',
  };
  writeFileSync(
    join(stackDir, 'network.tfstate'),
    JSON.stringify({
      version: 4,
      terraform_version: '1.11.0',
      serial: 1,
      lineage: 'tarball-smoke',
      outputs: Object.fromEntries(
        Object.entries(outputs).map(([k, value]) => [k, { value, type: 'string' }]),
      ),
      resources: [],
    }),
  );
  for (const remote of Object.values(config.data.terraform_remote_state)) {
    remote.backend = 'local';
    remote.config = { path: join(stackDir, 'network.tfstate') };
  }
  writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify(config, null, 2));
  const plan = (email, dir) =>
    tf.run('plan', stackDir, { workDir: join(app, dir), extraArgs: ['-var', `security_email=${email}`] });
  const bad = await plan('nobody', 'plan-bad');
  const flat = bad.output.replace(/\s+/g, ' ');
  expect('(a) -var security_email=nobody fails the plan', bad.code !== 0);
  expect(
    '(a) the plan error names the construct and the input',
    flat.includes(
      'Hardening: aoai-prod/AzureOpenAI/Monitoring: securityTeam.emailAddresses must be e-mail addresses',
    ),
  );
  if (bad.code === 0 || !flat.includes('securityTeam.emailAddresses')) console.error(bad.output);
  const good = await plan('secops@contoso.com', 'plan-good');
  expect('(a) a real address plans', good.code === 0 && good.output.includes('Plan:'));
  if (good.code !== 0) console.error(good.output);
}

main();
