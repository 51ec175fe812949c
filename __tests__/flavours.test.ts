/**
 * The flavours built from one source (issue 28): the specifier codemod changes module names and nothing else, and
 * the cdktn flavour's package manifest agrees with the per-flavour values (flavours/index.js) and the root package.
 * The flavour itself is built and tested under Node 22 by `npm run test:cdktn` (__tests__/cdktn).
 */
import { readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FLAVOURS, flavour } = require('../flavours');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rewriteSpecifiers } = require('../scripts/rewrite-specifiers');
const cdktn = flavour('cdktn');
const rewrite = (text: string, file = 'a.ts') => rewriteSpecifiers(file, text, cdktn);

describe('the specifier codemod', () => {
  test.each([
    ["import { App } from 'cdktf';", "import { App } from 'cdktn';"],
    ['import * as cdktf from "cdktf";', 'import * as cdktf from "cdktn";'],
    [
      "import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';",
      "import { CognitiveAccount } from '@cdktn/provider-azurerm/lib/cognitive-account';",
    ],
    ["export { Fn } from 'cdktf';", "export { Fn } from 'cdktn';"],
    ["export * from 'cdktf/lib/x';", "export * from 'cdktn/lib/x';"],
    ["import Module = require('cdktf');", "import Module = require('cdktn');"],
    ["const c = require('cdktf');", "const c = require('cdktn');"],
    ["const p = import('@cdktf/provider-azurerm');", "const p = import('@cdktn/provider-azurerm');"],
    ["type A = import('cdktf').App;", "type A = import('cdktn').App;"],
    [
      "import { HardenedAzureOpenAI } from 'cdktf-azure-openai-hardening';",
      "import { HardenedAzureOpenAI } from 'cdktn-azure-openai-hardening';",
    ],
  ])('rewrites %s', (before, after) => {
    expect(rewrite(before)).toBe(after);
  });

  test.each([
    ["const tags = { 'managed-by': 'cdktf' };"],
    ["// import { App } from 'cdktf';"],
    ["/** see require('cdktf') */ const x = 1;"],
    ['const s = `cdktf`;'],
    ["const cli = require('cdktf-cli');"],
    ["import { x } from 'cdktfoo';"],
    // Built from parts so this probe is not itself read as a provider package-root import.
    [`import { y } from '${['@cdktf', 'provider-azurermx'].join('/')}';`],
    ["const r = resolve('cdktf');"],
    ["const m = module.require('cdktf');"],
  ])('leaves %s as written', (text) => {
    expect(rewrite(text)).toBe(text);
  });

  test('keeps every other byte of a file: formatting, comments, line count', () => {
    const source = readFileSync(join(ROOT, 'lib', 'account.ts'), 'utf8');
    const out = rewrite(source, 'lib/account.ts');
    expect(out.split('\n')).toHaveLength(source.split('\n').length);
    expect(out).not.toBe(source);
    expect(
      out.replace(/'cdktn'/g, "'cdktf'").replace(/'@cdktn\/provider-azurerm\//g, "'@cdktf/provider-azurerm/"),
    ).toBe(source);
  });
});

describe('the per-flavour values', () => {
  const manifest = JSON.parse(readFileSync(join(cdktn.packageDir, 'package.json'), 'utf8'));
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

  test('an unknown flavour is refused, naming the known ones', () => {
    expect(() => flavour('cdk')).toThrow(/unknown flavour "cdk": use one of cdktf, cdktn/);
    expect(Object.keys(FLAVOURS)).toEqual(['cdktf', 'cdktn']);
  });
  test('the cdktf flavour is this package', () => {
    const cdktf = flavour('cdktf');
    expect([cdktf.packageName, cdktf.core, cdktf.providerAzurerm]).toEqual([
      root.name,
      'cdktf',
      '@cdktf/provider-azurerm',
    ]);
    expect(Object.keys(root.peerDependencies).sort()).toEqual(
      [cdktf.providerAzurerm, cdktf.core, 'constructs'].sort(),
    );
  });
  test('the cdktn manifest: its name, the root version and licence, peers on the cdktn packages only', () => {
    expect(manifest.name).toBe(cdktn.packageName);
    expect(manifest.version).toBe(root.version);
    expect(manifest.license).toBe(root.license);
    expect(manifest.author).toEqual(root.author);
    expect(manifest.repository).toEqual({ ...root.repository, directory: 'flavours/cdktn' });
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(
      [cdktn.providerAzurerm, cdktn.core, 'constructs'].sort(),
    );
    expect(JSON.stringify(manifest.peerDependencies)).not.toMatch(/cdktf/);
    // cdktn-cli 0.24 needs Node 22.19 (its engines field): so does the flavour.
    expect(manifest.engines.node).toBe('>= 22.19.0');
  });
  test('the cdktn manifest ships the compiled library only', () => {
    expect(manifest.files).toEqual(['dist/lib/**/*.js', 'dist/lib/**/*.d.ts', 'README.md', 'LICENSE']);
    expect(manifest.main).toBe('dist/lib/index.js');
    // Packing builds it from lib/ first, so a stale build cannot be published.
    expect(manifest.scripts.prepack).toBe('node ../../scripts/build-flavour.js cdktn');
  });
});
