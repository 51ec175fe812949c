#!/usr/bin/env node
// Bundles stacks/main.ts (and lib/) into .build/main.js with esbuild on every synth: transpile-only,
// about 0.1 s, so the app never runs stale code and never pays for a type-check (the test task type-checks).
const { buildSync } = require('esbuild');
const { join } = require('path');

const root = join(__dirname, '..');
buildSync({
  entryPoints: [join(root, 'stacks', 'main.ts')],
  outfile: join(root, '.build', 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  // cdktf, constructs and the provider stay in node_modules: loaded as deep imports, never bundled.
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
