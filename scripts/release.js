#!/usr/bin/env node
// Release every package of this repository at the version .projenrc.ts sets (docs/development.md, "Releasing").
//   node scripts/release.js --check     what `npm test` runs: each package's `npm publish --dry-run` is clean
//   npm run release -- --dry-run        the above, and a clean work tree, a CHANGELOG entry, an unused tag
//   npm run release                     then `npm publish` of each package and the tag v<version>
// A package is the repository root and any folder beside it with its own package.json that is not private.
// Needs the compiled library (build/, .jsii): `npm test` compiles it (api-docs), or `npx jsii`.
const { execFileSync, spawnSync } = require('child_process');
const { existsSync, readdirSync, readFileSync } = require('fs');
const { join, relative } = require('path');

const { FLAVOURS } = require('../flavours');

const ROOT = join(__dirname, '..');
const mode = process.argv.includes('--check')
  ? 'check'
  : process.argv.includes('--dry-run')
    ? 'dry-run'
    : 'publish';
const problems = [];
const read = (file) => JSON.parse(readFileSync(file, 'utf8'));

function packageDirs() {
  const dirs = [ROOT];
  const publishable = (dir) =>
    existsSync(join(dir, 'package.json')) && !read(join(dir, 'package.json')).private;
  for (const entry of readdirSync(ROOT, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    if (publishable(join(ROOT, entry.name))) dirs.push(join(ROOT, entry.name));
  }
  // The generated flavours (flavours/<name>, built by scripts/build-flavour.js) are packages of their own.
  for (const name of Object.keys(FLAVOURS)) {
    const dir = FLAVOURS[name].packageDir;
    // Each builds itself when packed (its prepack script), so a stale build cannot ship.
    if (dir !== ROOT && publishable(dir)) dirs.push(dir);
  }
  return dirs;
}

// What a tarball must never hold: tests, TypeScript sources (other than typings), generated output, local state.
const JUNK =
  /(^|\/)(__tests__|node_modules|cdktf\.out|\.build|coverage|test-reports|bench-results|\.terraform)\/|(^|\/)(?!.*\.d\.ts$)[^/]+\.ts$|\.tfstate/;

function dryRun(dir) {
  const name = relative(ROOT, dir) || '.';
  const r = spawnSync('npm', ['publish', '--dry-run', '--json'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0)
    return problems.push(`${name}: npm publish --dry-run exited ${r.status}: ${r.stderr.trim()}`);
  // npm's own corrections and errors; its note that a real publish needs a login is expected in a dry run.
  const warnings = r.stderr
    .split('\n')
    .filter((l) => /^npm (warn|error)/.test(l) && !/requires you to be logged in/.test(l));
  if (warnings.length) problems.push(`${name}: npm publish --dry-run warns:\n  ${warnings.join('\n  ')}`);
  const packed = Object.values(JSON.parse(r.stdout))[0];
  const files = packed.files.map((f) => f.path);
  const junk = files.filter((f) => JUNK.test(f));
  if (junk.length) problems.push(`${name}: the tarball holds ${junk.slice(0, 10).join(', ')}`);
  for (const needed of ['package.json', 'README.md', 'LICENSE']) {
    if (!files.includes(needed)) problems.push(`${name}: the tarball lacks ${needed}`);
  }
  if (packed.version === '0.0.0') problems.push(`${name}: version 0.0.0`);
  return packed;
}

function changelogHas(version) {
  const log = existsSync(join(ROOT, 'CHANGELOG.md')) ? readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8') : '';
  return new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm').test(log);
}

const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
const version = read(join(ROOT, 'package.json')).version;
const dirs = packageDirs();
const packed = dirs.map(dryRun);
if (!changelogHas(version)) problems.push(`CHANGELOG.md has no "## [${version}]" entry`);
for (const p of packed) {
  if (p && p.version !== version) problems.push(`${p.name} is at ${p.version}, the repository at ${version}`);
}
if (mode !== 'check') {
  if (git('status', '--porcelain')) problems.push('the work tree has uncommitted changes');
  if (git('tag', '--list', `v${version}`))
    problems.push(`tag v${version} exists: bump VERSION in .projenrc.ts`);
}
if (problems.length) {
  console.error(`release (${mode}): ${problems.join('\n')}`);
  process.exit(1);
}
const summary = packed.map((p) => `${p.name}@${p.version} (${p.entryCount} files, ${p.unpackedSize} bytes)`);
if (mode !== 'publish') {
  console.log(`release (${mode}): would publish ${summary.join(', ')} and tag v${version}`);
} else {
  for (const dir of dirs) execFileSync('npm', ['publish'], { cwd: dir, stdio: 'inherit' });
  git('tag', '-a', `v${version}`, '-m', `v${version}`);
  console.log(`released ${summary.join(', ')}; push the tag: git push origin v${version}`);
}
