#!/usr/bin/env node
// What a new user does, run by .ci/run after the jsii build: pack the package, install the tarball into a fresh
// cdktf app beside the peer versions this repository pins, type-check the README's construct example against the
// installed typings (strict), synthesize it, and judge its output with the aoai-harden package (cli/), packed and
// installed into an empty folder of its own. It also keeps both tarballs honest: the construct tarball holds only
// the compiled library (no run-task, verify or CLI code, no bin), its jsii assembly, README, LICENSE and the docs
// its JSDoc cites (docs/*-facts.md, docs/rules.md), within a size bound; the CLI tarball only its bundle, and
// installing it pulls in no cdktf, constructs or provider binding.
// Needs the npm registry (or a warm npm cache). Removes everything it creates.
const { execFileSync } = require('child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('fs');
const { tmpdir } = require('os');
const { join } = require('path');
const { installCliPackage } = require('./cli-install');

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'aoai-tarball-'));
const run = (cmd, args, cwd, env = {}) =>
  execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const fail = (message) => {
  console.error(`tarball smoke: ${message}`);
  process.exitCode = 1;
};

try {
  if (!existsSync(join(ROOT, '.jsii'))) throw new Error('no .jsii assembly: run `npx jsii` first');
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], ROOT))[0];
  const tarball = join(work, packed.filename);

  // 1. Contents: the compiled library and what a user reads (README, CHANGELOG, API.md, docs/); no tests, sources,
  // tools, or generated output.
  const files = packed.files.map((f) => f.path);
  const allowed =
    /^(build\/.+\.(js|d\.ts)|\.jsii|README\.md|CHANGELOG\.md|API\.md|LICENSE|package\.json|docs\/(rules|[a-z]+-facts)\.md)$/;
  const unexpected = files.filter((f) => !allowed.test(f));
  if (unexpected.length) fail(`unexpected files in the tarball: ${unexpected.slice(0, 10).join(', ')}`);
  // The command-line tool is its own package: nothing of it in the construct tarball.
  const cliCode = files.filter((f) => /(^|\/)(run-task|verify|cli)(\/|\.js$|\.d\.ts$)/.test(f));
  if (cliCode.length) fail(`run-task, verify or CLI code in the construct tarball: ${cliCode.slice(0, 10).join(', ')}`);
  const tarballPkg = JSON.parse(run('tar', ['-xOzf', tarball, 'package/package.json'], work));
  if (tarballPkg.bin) fail(`the construct package has a bin: ${JSON.stringify(tarballPkg.bin)}`);
  const MAX_UNPACKED = 5 * 1024 * 1024;
  if (packed.unpackedSize > MAX_UNPACKED) fail(`unpacked size ${packed.unpackedSize} bytes > ${MAX_UNPACKED}`);

  // 2. A fresh cdktf app with the tarball and the peers at the versions this repository is tested with.
  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'aoai-user-app', version: '1.0.0', private: true }));
  const dev = pkg.devDependencies;
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      tarball,
      `cdktf@${dev.cdktf}`,
      `constructs@${dev.constructs}`,
      `@cdktf/provider-azurerm@${dev['@cdktf/provider-azurerm']}`,
      `typescript@${dev.typescript}`,
      `ts-node@${dev['ts-node']}`,
      `@types/node@${dev['@types/node']}`,
    ],
    app,
  );

  // 3. The README's construct example, unchanged, type-checked strictly against the installed typings.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use the constructs in your own stack'));
  writeFileSync(join(app, 'main.ts'), /```ts\n([\s\S]*?)```/.exec(section)[1]);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, types: ['node'] },
      files: ['main.ts'],
    }),
  );
  run(join(app, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.'], app);

  // 4. The aoai-harden package, installed into an empty folder: its bundle only, and no cdktf in what it pulls in.
  const cli = installCliPackage(join(work, 'cli'));
  const cliFiles = cli.packed.files.map((f) => f.path).sort();
  const expectedCliFiles = ['LICENSE', 'README.md', 'dist/aoai-harden.js', 'package.json'];
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

  // 5. Synthesize the README example, then judge its output with the installed aoai-harden.
  const outdir = join(app, 'out');
  run(join(app, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'main.ts'], app, { CDKTF_OUTDIR: outdir });
  for (const stack of ['aoai-subscription-baseline', 'aoai-prod-swedencentral']) {
    for (const file of ['cdk.tf.json', 'hardening-report.json', 'hardening-report.md', 'hardening-report.sarif']) {
      if (!existsSync(join(outdir, 'stacks', stack, file))) fail(`synth wrote no ${stack}/${file}`);
    }
  }
  const check = run(
    cli.bin,
    ['check', join(outdir, 'stacks', 'aoai-prod-swedencentral', 'cdk.tf.json'), '--format', 'json'],
    app,
  );
  const report = JSON.parse(check);
  if (report.summary.errors !== 0) fail(`the installed CLI found ${report.summary.errors} error(s)`);
  if (!process.exitCode) {
    console.log(
      `tarball smoke: ${packed.filename} (${files.length} files, ${(packed.unpackedSize / 1e6).toFixed(1)} MB unpacked) ` +
        'installed into a fresh app; README example type-checked, synthesized and checked (0 errors); ' +
        `${cli.packed.filename} (${cliFiles.length} files) installed alone: ${cli.packages.length} packages, ` +
        `${(cli.installBytes / 1e6).toFixed(1)} MB, no cdktf`,
    );
  }
} catch (e) {
  fail(`${e.message}${e.stderr ? `\n${e.stderr}` : ''}${e.stdout ? `\n${e.stdout}` : ''}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
