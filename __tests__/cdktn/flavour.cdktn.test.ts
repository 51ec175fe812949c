/**
 * The cdktn flavour (issue 28), run under Node 22 by `npm run test:cdktn` after scripts/flavour-install.js and
 * scripts/build-flavour.js: the library built from lib/ by the specifier codemod synthesizes the reference app with
 * `cdktn synth`, the checklist judges it exactly as it judges the cdktf synth, Terraform core (offline runner)
 * validates and plans it, and a fresh cdktn app that installs the packed flavour synthesizes the README example.
 */
import { execFileSync, spawnSync } from 'child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';

const ROOT = join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { flavour } = require('../../flavours');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rewriteSpecifiers } = require('../../scripts/rewrite-specifiers');
const CDKTF = flavour('cdktf');
const CDKTN = flavour('cdktn');
const FLAVOUR_DIR: string = CDKTN.packageDir;
const STACK = 'aoai-hardened-dev';
const REPORTS = ['hardening-report.json', 'hardening-report.md', 'hardening-report.sarif'];

const work = mkdtempSync(join(tmpdir(), 'aoai-cdktn-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  CHECKPOINT_DISABLE: '1',
  [CDKTN.creationStackSwitch]: '1',
  ...extra,
});
const run = (cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}) =>
  execFileSync(cmd, args, { cwd, env: env(extra), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** The stack's Terraform JSON with what may differ between the flavours taken out, and asserted. */
function comparable(json: any, f: { azurermVersion: string; name: string }) {
  const copy = structuredClone(json);
  expect(copy.terraform.required_providers.azurerm.version).toBe(f.azurermVersion);
  delete copy.terraform.required_providers.azurerm.version;
  delete copy['//'].metadata.version;
  return copy;
}

test('runs on Node 22.19 or later (cdktn-cli needs it)', () => {
  const [major, minor] = process.versions.node.split('.').map(Number);
  expect(major * 100 + minor).toBeGreaterThanOrEqual(2219);
});

describe('the generated sources', () => {
  const src = join(FLAVOUR_DIR, '.build', 'src');
  test('are lib/ and stacks/ file for file, with only module specifiers changed', () => {
    const generated = filesUnder(src)
      .map((f) => relative(src, f))
      .sort();
    const sources = ['lib', 'stacks']
      .flatMap((d) => filesUnder(join(ROOT, d)))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => relative(ROOT, f))
      .sort();
    expect(generated).toEqual(sources);
    let changedLines = 0;
    for (const file of sources) {
      const before = readFileSync(join(ROOT, file), 'utf8').split('\n');
      const after = readFileSync(join(src, file), 'utf8').split('\n');
      expect(after).toHaveLength(before.length);
      before.forEach((line, i) => {
        if (line === after[i]) return;
        changedLines += 1;
        // The changed line differs only in a cdktf module name.
        expect(after[i]).toBe(
          line.replace(
            /(['"])(cdktf|@cdktf\/provider-azurerm)(\/[^'"]*)?\1/,
            (_m, q, name, rest = '') =>
              `${q}${name === 'cdktf' ? CDKTN.core : CDKTN.providerAzurerm}${rest}${q}`,
          ),
        );
      });
    }
    expect(changedLines).toBeGreaterThan(20);
    // A string that is not a specifier stays: the reference app's tag value.
    expect(readFileSync(join(src, 'stacks', 'config.ts'), 'utf8')).toMatch(/'managed-by': 'cdktf'/);
    expect(readFileSync(join(src, 'lib', 'index.ts'), 'utf8')).not.toMatch(/from '(cdktf|@cdktf\/)/);
  });
});

describe('`cdktn synth` of the reference app', () => {
  let cdktnOut: string;
  let cdktfOut: string;
  beforeAll(() => {
    // Both synthesize into the same folder, one after the other, then move it aside: the SARIF report names the
    // file it judged (its artifact URI), which must not differ between the two.
    const out = join(work, 'out');
    const app: string = JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')).app;
    run('sh', ['-c', app], ROOT, { CDKTF_OUTDIR: out });
    cdktfOut = join(work, 'cdktf.out');
    renameSync(out, cdktfOut);
    run(join(FLAVOUR_DIR, 'node_modules', '.bin', CDKTN.cli), ['synth', '--output', out], FLAVOUR_DIR);
    cdktnOut = join(work, 'cdktn.out');
    renameSync(out, cdktnOut);
  });
  const read = (dir: string, file: string) => readFileSync(join(dir, 'stacks', STACK, file), 'utf8');

  test('passes the checklist: 0 errors', () => {
    expect(JSON.parse(read(cdktnOut, 'hardening-report.json')).summary.errors).toBe(0);
  });
  test.each(REPORTS)('%s is byte-identical to the cdktf synth', (file) => {
    expect(read(cdktnOut, file)).toBe(read(cdktfOut, file));
  });
  test('cdk.tf.json is the cdktf one but for the azurerm pin and the library version', () => {
    expect(comparable(JSON.parse(read(cdktnOut, 'cdk.tf.json')), CDKTN)).toEqual(
      comparable(JSON.parse(read(cdktfOut, 'cdk.tf.json')), CDKTF),
    );
  });
  test('Terraform core validates and plans it against the cdktn bindings’ schema; the plan passes check', () => {
    const stackDir = join(cdktnOut, 'stacks', STACK);
    const tfWork = join(work, 'tf');
    const plan = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'tf.js'), 'plan', stackDir, '--work', tfWork],
      {
        cwd: ROOT,
        env: env({ AOAI_FLAVOUR: CDKTN.name }),
        encoding: 'utf8',
      },
    );
    expect(`${plan.stdout}${plan.stderr}`).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(plan.status).toBe(0);
    const check = spawnSync(
      process.execPath,
      [join(ROOT, 'cli', 'dist', 'aoai-harden.js'), 'check', join(tfWork, 'plan.json'), '--format', 'json'],
      { cwd: ROOT, env: env(), encoding: 'utf8' },
    );
    expect(JSON.parse(check.stdout).summary.errors).toBe(0);
    expect(check.status).toBe(0);
  });
});

// Packed as built by flavour:build (its prepack would build it again).
test('a fresh cdktn app installs the packed flavour and synthesizes the README example with 0 errors', () => {
  const pack = JSON.parse(
    run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], FLAVOUR_DIR),
  )[0];
  const files: string[] = pack.files.map((f: { path: string }) => f.path);
  expect(
    files.filter((f) => !/^(dist\/lib\/.+\.(js|d\.ts)|README\.md|LICENSE|package\.json)$/.test(f)),
  ).toEqual([]);
  expect(files).toContain('dist/lib/index.js');
  const app = join(work, 'app');
  mkdirSync(app);
  // The peers come from the flavour's own install (linked, not copied: @cdktn/provider-azurerm is ~600 MB).
  const peer = (name: string) => `file:${join(FLAVOUR_DIR, 'node_modules', name)}`;
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'aoai-cdktn-user-app',
      private: true,
      dependencies: {
        [CDKTN.packageName]: `file:${join(work, pack.filename)}`,
        [CDKTN.core]: peer(CDKTN.core),
        [CDKTN.providerAzurerm]: peer(CDKTN.providerAzurerm),
        constructs: peer('constructs'),
      },
    }),
  );
  // --legacy-peer-deps as the README tells cdktn users: @cdktn/provider-azurerm 16.1.0 declares the peer cdktn ^0.23.0
  // while cdktn 0.24.0 is current (docs/cdktn.md).
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--legacy-peer-deps'],
    app,
  );
  // The README's example as a cdktn user writes it: the same code with the cdktn module names.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use the constructs in your own stack'));
  const example = /```ts\n([\s\S]*?)```/.exec(section)![1];
  writeFileSync(join(app, 'main.ts'), rewriteSpecifiers('main.ts', example, CDKTN));
  expect(readFileSync(join(app, 'main.ts'), 'utf8')).toMatch(new RegExp(`from '${CDKTN.packageName}'`));
  run(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '--strict',
      '--target',
      'ES2022',
      '--module',
      'commonjs',
      '--types',
      'node',
      '--typeRoots',
      join(FLAVOUR_DIR, 'node_modules', '@types'),
      '--skipLibCheck',
      'main.ts',
    ],
    app,
  );
  const outdir = join(app, 'out');
  run(process.execPath, ['main.js'], app, { CDKTF_OUTDIR: outdir, CDKTN_OUTDIR: outdir });
  const stacks = readdirSync(join(outdir, 'stacks'));
  expect(stacks.length).toBeGreaterThan(0);
  for (const stack of stacks) {
    const report = join(outdir, 'stacks', stack, 'hardening-report.json');
    expect(existsSync(report)).toBe(true);
    expect(JSON.parse(readFileSync(report, 'utf8')).summary.errors).toBe(0);
  }
});
