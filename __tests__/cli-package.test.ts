// The command-line tool is its own npm package, aoai-harden (cli/; issue 23): it declares the Azure SDK clients
// `verify` uses as real dependencies, depends on no cdktf, construct or provider package, and is versioned with the
// construct package, which in turn has no bin and ships none of it. The installed tarballs are proven by
// scripts/tarball-smoke.js (.ci/run); the bundle's contents and what `check` loads by checklist-core.test.ts.
import { readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..');
const json = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
const root = json('package.json');
const cli = json('cli/package.json');
const CDKTF = /^(cdktf|cdktf-cli|constructs|@cdktf\/.*|jsii.*)$/;

describe('the aoai-harden package (cli/package.json)', () => {
  test('is named aoai-harden, has the aoai-harden bin, and ships only its bundle and the suppressions schema', () => {
    expect(cli.name).toBe('aoai-harden');
    expect(cli.bin).toEqual({ 'aoai-harden': 'dist/aoai-harden.js' });
    expect(cli.files).toEqual(['dist/aoai-harden.js', 'suppressions.schema.json']);
    expect(cli.scripts.prepack).toBe('node build.js');
  });

  test('is published beside the construct package with the same version, license and Node range', () => {
    expect(cli.version).toBe(root.version);
    expect(cli.license).toBe(root.license);
    expect(cli.engines).toEqual(root.engines);
    expect(cli.repository.url).toBe(root.repository.url);
  });

  test('declares the Azure SDK clients verify uses, at the ranges the repository tests with', () => {
    expect(Object.keys(cli.dependencies).sort()).toEqual(['@azure/identity', '@azure/monitor-query-logs']);
    for (const [name, range] of Object.entries(cli.dependencies)) {
      expect(root.devDependencies[name]).toBe(range);
    }
  });

  test('depends on no cdktf, constructs, provider binding or jsii package', () => {
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies']) {
      expect(Object.keys(cli[field] ?? {}).filter((name) => CDKTF.test(name))).toEqual([]);
    }
  });
});

describe('the construct package (package.json)', () => {
  test('has no bin and no Azure SDK client among its dependencies', () => {
    expect(root.bin).toBeUndefined();
    for (const name of Object.keys(cli.dependencies)) {
      expect(root.dependencies?.[name]).toBeUndefined();
      expect(root.peerDependencies?.[name]).toBeUndefined();
    }
    expect(root.bundledDependencies ?? root.bundleDependencies).toBeUndefined();
  });

  test('leaves the CLI package, local synth and bench output out of its tarball', () => {
    const ignored = readFileSync(join(ROOT, '.npmignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['cli/', '.build/', 'cdktf.out/', 'bench-results/']));
  });
});
