// Packs the aoai-harden package (cli/; `npm pack` runs its prepack build) and installs the tarball into an empty
// folder, as a user's `npm install aoai-harden` would. Used by scripts/tarball-smoke.js (what the install holds)
// and scripts/bench.js (its size). Needs the npm registry (or a warm npm cache) for the Azure SDK clients.
const { execFileSync } = require('child_process');
const { mkdirSync, readdirSync, lstatSync, writeFileSync } = require('fs');
const { join } = require('path');

const CLI = join(__dirname, '..', 'cli');
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Bytes of every file under dir (symbolic links not followed). */
function sizeOf(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    total += st.isDirectory() ? sizeOf(path) : st.size;
  }
  return total;
}

/** The packages installed under node_modules (scoped ones as @scope/name), nested ones included. */
function installedPackages(nodeModules) {
  const names = [];
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    const scoped = name.startsWith('@') ? readdirSync(join(nodeModules, name)).map((n) => `${name}/${n}`) : [name];
    for (const pkg of scoped) {
      names.push(pkg);
      try {
        names.push(...installedPackages(join(nodeModules, pkg, 'node_modules')));
      } catch {
        // no nested node_modules
      }
    }
  }
  return names;
}

/** Pack cli/ into `work` and install the tarball into `work`/install; what was packed and what got installed. */
function installCliPackage(work) {
  mkdirSync(work, { recursive: true });
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], CLI))[0];
  const dir = join(work, 'install');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'empty', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename)], dir);
  const nodeModules = join(dir, 'node_modules');
  return {
    packed,
    dir,
    bin: join(nodeModules, '.bin', 'aoai-harden'),
    packages: installedPackages(nodeModules),
    installBytes: sizeOf(nodeModules),
  };
}

module.exports = { installCliPackage };
