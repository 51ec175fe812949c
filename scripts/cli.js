#!/usr/bin/env node
// Runs the package's CLI (lib/checklist/cli.ts) from a source checkout: bundled on demand, like the app,
// so `npm run harden -- check <file>` works on a fresh clone without a jsii build.
const { buildSync } = require('esbuild');
const { spawnSync } = require('child_process');
const { join } = require('path');

const root = join(__dirname, '..');
const outfile = join(root, '.build', 'cli.js');
buildSync({ entryPoints: [join(root, 'lib', 'checklist', 'cli.ts')], outfile, bundle: true, platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 2);
