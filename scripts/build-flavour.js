#!/usr/bin/env node
// Builds another flavour of the construct library from this repository's one source (issue 28):
// `node scripts/build-flavour.js cdktn` copies lib/ and stacks/ into flavours/<name>/.build/src with their module
// specifiers rewritten (scripts/rewrite-specifiers.js, an AST codemod: nothing but specifiers changes), then
// compiles them with plain TypeScript into flavours/<name>/dist (dist/lib is the package, dist/stacks the reference
// app). Needs the flavour's own dependencies installed (scripts/flavour-install.js). Nothing in lib/ is written twice:
// the generated folders are build output (git-ignored, not in any tarball).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { flavour, resolveIn } = require('../flavours');
const { rewriteSpecifiers } = require('./rewrite-specifiers');

const ROOT = path.resolve(__dirname, '..');
const SOURCES = ['lib', 'stacks'];

function filesUnder(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Write the flavour's sources: every .ts file of lib/ and stacks/ with its specifiers rewritten. */
function generateSources(target) {
  const out = path.join(target.packageDir, '.build', 'src');
  fs.rmSync(out, { recursive: true, force: true });
  let count = 0;
  for (const dir of SOURCES) {
    for (const file of filesUnder(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts'))) {
      const rel = path.relative(ROOT, file);
      const dest = path.join(out, rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, rewriteSpecifiers(rel, fs.readFileSync(file, 'utf8'), target));
      count += 1;
    }
  }
  return { out, count };
}

/** Compile with the TypeScript of this repository against the flavour's own packages. */
function compile(target) {
  for (const m of [target.core, target.providerAzurerm, 'constructs']) {
    try {
      resolveIn(target, `${m}/package.json`);
    } catch {
      throw new Error(
        `${m} is not installed for the ${target.name} flavour: run \`node scripts/flavour-install.js ${target.name}\``,
      );
    }
  }
  fs.rmSync(path.join(target.packageDir, 'dist'), { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(target.packageDir, 'tsconfig.json')],
    {
      // Everything on stderr: as a prepack script its stdout would join npm's (`npm pack --json`).
      stdio: ['ignore', 2, 2],
    },
  );
}

/** The package's LICENSE is the repository's (copied in, git-ignored, as cli/build.js does for aoai-harden). */
function copyLicense(target) {
  fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(target.packageDir, 'LICENSE'));
}

function main() {
  const target = flavour(process.argv[2]);
  if (target.packageDir === ROOT)
    throw new Error(`${target.name} is the source flavour: build it with npm run compile`);
  const started = Date.now();
  const { count } = generateSources(target);
  compile(target);
  copyLicense(target);
  console.error(
    `build-flavour: ${target.packageName} from ${count} sources in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`build-flavour: ${e.message}`);
    process.exit(1);
  }
}

module.exports = { generateSources };
