// The checklist core loads no cdktf (issue 23). `aoai-harden check` of a plan, the run-task server's judge and
// checkDocuments() read JSON, so they must not pay for cdktf, constructs or provider bindings (the old core
// loaded 373 cdktf modules through lib/hardening-record.ts). Proven three ways: a require hook records every
// module the built CLI loads while it checks the reference plan; esbuild's metafile lists every source file the
// bundle holds and every package it requires; the core barrel's import graph has no cdktf in it. Each has a
// negative control that shows the check can fail.
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { builtinModules } from 'module';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { buildSync } from 'esbuild';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { build } = require('../cli/build');

const ROOT = join(__dirname, '..');
const PLAN = join(ROOT, '__tests__/fixtures/terraform/reference-first-plan.json');
const CDKTF_MODULE = /[\\/]node_modules[\\/](cdktf|constructs|@cdktf[\\/][^\\/]+)[\\/]/;
const CDKTF_PACKAGE = /^(cdktf|constructs)(\/|$)|^@cdktf\//;
/** The cdktf-free part of lib/ the CLI may hold: the exchange format, the fact tables and the checklist core. */
const CORE_SOURCE =
  /^(lib\/(record-format|azure-facts|detections)\.ts|lib\/checklist\/(?!(aspect|stack-checks|suppressions|index)\.ts$).+\.ts|cli\/src\/.+\.ts|cli\/package\.json)$/;

let work: string;
let bundle: string;
let metafile: {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports: Array<{ path: string }> }>;
};
const hook = () => join(work, 'record-loads.js');

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'aoai-core-'));
  bundle = join(work, 'aoai-harden.js');
  metafile = build(bundle);
  // Records every CommonJS module file the process loaded, as it exits.
  writeFileSync(
    hook(),
    `process.on('exit', () => require('fs').writeFileSync(process.env.AOAI_LOADS, JSON.stringify(Object.keys(require.cache))));\n`,
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run node with the hook; the files it loaded and its result. */
function loadsOf(args: string[]) {
  const record = join(work, `loads-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, ['--require', hook(), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, AOAI_LOADS: record },
  });
  const loaded: string[] = JSON.parse(readFileSync(record, 'utf8'));
  return { status: r.status, stdout: r.stdout, loaded };
}

describe('aoai-harden check loads no cdktf (require hook)', () => {
  test('checking the reference plan loads no module of cdktf, @cdktf/* or constructs, nor the Azure SDK', () => {
    const { status, stdout, loaded } = loadsOf([bundle, 'check', PLAN]);
    expect(stdout).toMatch(/^0 error\(s\), \d+ warning\(s\), 0 suppressed, \d+ compliant/m);
    expect(status).toBe(0);
    expect(loaded.filter((f) => CDKTF_MODULE.test(f))).toEqual([]);
    // verify's clients are loaded by verify only.
    expect(loaded.filter((f) => /[\\/]node_modules[\\/]@azure[\\/]/.test(f))).toEqual([]);
    // Nothing else at all: the bundle and the hook are the only module files (the rest are Node built-ins).
    expect([...loaded].sort()).toEqual([bundle, hook()].sort());
  });

  test('a weakened plan still fails (the hook changes nothing about the verdict)', () => {
    const weakened = join(ROOT, '__tests__/fixtures/terraform/weakened-first-plan.json');
    const { status, stdout, loaded } = loadsOf([bundle, 'check', weakened]);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^ERROR AOAI-NET-\d{3} /m);
    expect(loaded.filter((f) => CDKTF_MODULE.test(f))).toEqual([]);
  });

  test('a report over 64 KiB piped to a slow reader arrives whole (exit waits for stdout)', () => {
    // The evasions plan's SARIF is about 100 KB; a pipe holds 64 KiB, and the reader starts 0.3 s late. With
    // process.exit() right after the write, the reader got exactly 65536 bytes.
    const plan = join(ROOT, '__tests__/fixtures/terraform/closed-world-evasions-first-plan.json');
    const r = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${bundle}" check "${plan}" --format sarif | (sleep 0.3; cat)`],
      {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 8 * 1024 * 1024,
      },
    );
    expect(r.stdout.length).toBeGreaterThan(65536);
    expect(JSON.parse(r.stdout).runs[0].results.length).toBeGreaterThan(0);
  });

  test('aoai-harden fleet of two stack folders loads nothing but the bundle either (FleetCollisions is core)', () => {
    const stacks = join(work, 'fleet', 'stacks');
    for (const stack of ['aoai-a', 'aoai-b']) {
      mkdirSync(join(stacks, stack), { recursive: true });
      const rg = { azurerm_resource_group: { rg: { name: 'rg-shared', location: 'swedencentral' } } };
      writeFileSync(join(stacks, stack, 'cdk.tf.json'), JSON.stringify({ resource: rg }));
    }
    const { status, stdout, loaded } = loadsOf([bundle, 'fleet', stacks]);
    expect(stdout).toMatch(/^COLLISION Microsoft\.Resources\/resourceGroups "rg-shared"/m);
    expect(status).toBe(1);
    expect([...loaded].sort()).toEqual([bundle, hook()].sort());
  });

  test('verify without @azure/identity installed: one line with the install command, exit 2, before any check', () => {
    // The bundle alone in a folder whose node_modules holds only the other SDK client (a stand-in package).
    const alone = join(work, 'no-identity');
    const logs = join(alone, 'node_modules', '@azure', 'monitor-query-logs');
    mkdirSync(logs, { recursive: true });
    writeFileSync(
      join(logs, 'package.json'),
      JSON.stringify({ name: '@azure/monitor-query-logs', main: 'index.js' }),
    );
    writeFileSync(join(logs, 'index.js'), 'module.exports = {};\n');
    writeFileSync(join(alone, 'aoai-harden.js'), readFileSync(bundle));
    const range = JSON.parse(readFileSync(join(ROOT, 'cli/package.json'), 'utf8')).dependencies[
      '@azure/identity'
    ];
    const r = spawnSync(process.execPath, [join(alone, 'aoai-harden.js'), 'verify', '--from', 'outside'], {
      cwd: alone,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `aoai-harden verify: needs @azure/identity, not installed here: npm install @azure/identity@${range}\n`,
    );
    // check needs neither client.
    const c = spawnSync(process.execPath, [join(alone, 'aoai-harden.js'), 'check', PLAN], {
      encoding: 'utf8',
    });
    expect(c.status).toBe(0);
  });

  test('negative control: the hook sees cdktf when something loads it', () => {
    const { loaded } = loadsOf(['-e', "require('cdktf')"]);
    expect(loaded.filter((f) => CDKTF_MODULE.test(f)).length).toBeGreaterThan(10);
  });
});

describe('what the CLI bundle holds (esbuild metafile)', () => {
  test('only the CLI sources, the checklist core, the exchange format and the fact tables', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((f) => !CORE_SOURCE.test(f))).toEqual([]);
    expect(inputs).toEqual(
      expect.arrayContaining(['lib/record-format.ts', 'lib/checklist/engine.ts', 'cli/src/main.ts']),
    );
  });

  test('requires no cdktf package: only Node built-ins and the declared Azure SDK clients', () => {
    const required = [
      ...new Set(Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path))),
    ];
    const declared = Object.keys(
      JSON.parse(readFileSync(join(ROOT, 'cli/package.json'), 'utf8')).dependencies,
    );
    const builtins = new Set(builtinModules);
    expect(required.filter((p) => !builtins.has(p) && !declared.includes(p))).toEqual([]);
    expect(required.filter((p) => CDKTF_PACKAGE.test(p))).toEqual([]);
  });
});

describe('the core barrel, lib/checklist/core.ts (checkDocuments, RuleIds)', () => {
  /** Every package a module's import graph requires, and the repository files it reaches. */
  const graph = (entry: string) => {
    const result = buildSync({
      entryPoints: [join(ROOT, entry)],
      bundle: true,
      platform: 'node',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const out = Object.values(result.metafile.outputs)[0];
    return {
      packages: out.imports.map((i) => i.path).filter((p) => CDKTF_PACKAGE.test(p)),
      files: Object.keys(result.metafile.inputs).map((f) => relative(ROOT, join(ROOT, f))),
    };
  };

  test('reaches no cdktf package and no construct module', () => {
    const { packages, files } = graph('lib/checklist/core.ts');
    expect(packages).toEqual([]);
    expect(files.filter((f) => !CORE_SOURCE.test(f))).toEqual([]);
  });

  test("negative control: the construct package's checklist index (with the Aspect) reaches cdktf", () => {
    const { packages, files } = graph('lib/checklist/index.ts');
    expect(packages).toEqual(expect.arrayContaining(['cdktf', 'constructs']));
    expect(files).toEqual(expect.arrayContaining(['lib/checklist/aspect.ts', 'lib/hardening-record.ts']));
  });
});
