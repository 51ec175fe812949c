#!/usr/bin/env node
// Builds the aoai-harden package: one esbuild bundle of src/main.ts, dist/aoai-harden.js. The checklist core and
// fact tables come from the repository's lib/ (through src/core.ts) and are bundled in, so the package carries no
// second copy of their source and depends on no construct package; npm packages stay external and are declared in
// package.json. `npm pack` runs this (prepack), `npm test` runs it first (projen task cli:build).
// Usage: node cli/build.js [outfile]   (default cli/dist/aoai-harden.js). Written atomically (temp file, rename),
// so a test or `npm run harden` running beside a rebuild never reads half a file.
const { buildSync } = require('esbuild');
const { copyFileSync, mkdirSync, renameSync, writeFileSync } = require('fs');
const { dirname, join } = require('path');

const CLI = __dirname;
const DEFAULT_OUTFILE = join(CLI, 'dist', 'aoai-harden.js');

/** The bundle's esbuild options (the tests build with the same ones). */
function buildOptions(outfile = DEFAULT_OUTFILE) {
  return {
    entryPoints: [join(CLI, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Every npm package stays a require() of the installed dependency: nothing from node_modules is copied in,
    // and an import of a package the CLI does not declare (cdktf, constructs) fails where it is installed.
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'warning',
  };
}

/** Build the bundle to `outfile`; returns esbuild's metafile (which source files went in). */
function build(outfile = DEFAULT_OUTFILE) {
  const result = buildSync(buildOptions(outfile));
  const [file] = result.outputFiles;
  mkdirSync(dirname(outfile), { recursive: true });
  const temp = `${outfile}.${process.pid}.tmp`;
  writeFileSync(temp, file.contents, { mode: 0o755 });
  renameSync(temp, outfile);
  return result.metafile;
}

module.exports = { build, buildOptions, DEFAULT_OUTFILE };

if (require.main === module) {
  const outfile = process.argv[2] ? require('path').resolve(process.argv[2]) : DEFAULT_OUTFILE;
  build(outfile);
  // npm puts a package folder's LICENSE in its tarball; the repository's license is the package's.
  if (outfile === DEFAULT_OUTFILE) copyFileSync(join(CLI, '..', 'LICENSE'), join(CLI, 'LICENSE'));
}
