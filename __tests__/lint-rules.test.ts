import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative } from 'path';

const ROOT = join(__dirname, '..');

// Built from parts so this deliberate probe is not itself a package-root import.
const PACKAGE_ROOT = ['@cdktf', 'provider-azurerm'].join('/');

/**
 * Lint a snippet as if it were lib/index.ts, with the project's ESLint configuration. Its type-aware rules and the
 * import-graph rules are off here: they build a TypeScript program of the whole provider package (14 s of the
 * 17 s a root import took) and do not bear on `no-restricted-imports`; `npm test`'s eslint task runs them on the
 * real files.
 */
function lint(source: string): { status: number | null; output: string } {
  const run = spawnSync(
    join(__dirname, '..', 'node_modules', '.bin', 'eslint'),
    [
      '--no-eslintrc',
      '-c',
      '.eslintrc.json',
      '--stdin',
      '--stdin-filename',
      'lib/index.ts',
      '--rule',
      'prettier/prettier: off',
      ...[
        '@typescript-eslint/no-floating-promises',
        '@typescript-eslint/return-await',
        'import/no-cycle',
      ].flatMap((rule) => ['--rule', `${rule}: off`]),
      '--parser-options',
      'projectService:false',
      '--format',
      'stylish',
    ],
    {
      cwd: join(__dirname, '..'),
      input: source,
      env: { ...process.env, ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
    },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('deep imports only', () => {
  test('an import from the provider package root is a lint error', () => {
    const run = lint(
      `import { cognitiveAccount } from '${PACKAGE_ROOT}';\nexport const x = cognitiveAccount;\n`,
    );
    // Exit 1 is ESLint's "lint errors found"; a crash of the linter itself exits 2.
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/no-restricted-imports/);
  }, 30000);
  test('a deep import is accepted', () => {
    const run = lint(
      "import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';\nexport const x = CognitiveAccount;\n",
    );
    expect(run.output).toBe('');
    expect(run.status).toBe(0);
  }, 30000);
});

describe('construct files read as named steps', () => {
  const fn = (name: string, lines: number) =>
    `export function ${name}(): number {\n  let n = 0;\n${'  n += 1;\n'.repeat(lines - 4)}  return n;\n}\n`;
  test('in lib/*.ts a function of 81 lines is a lint error and one of 80 lines passes (one ESLint run)', () => {
    const run = lint(`${fn('atLimit', 80)}${fn('overLimit', 81)}`);
    expect(run.status).toBe(1);
    const findings = run.output.split('\n').filter((l) => /max-lines-per-function/.test(l));
    expect(findings).toEqual([
      expect.stringMatching(/overLimit' has too many lines \(81\)\. Maximum allowed is 80/),
    ]);
  }, 30000);
});

/**
 * cdktf's public API only (.eslintrc.public-api.json, run by `npm test` as eslint:public-api over lib/, stacks/,
 * scripts/ and tools/, JavaScript included). Every case is a file of its own under a folder named like the
 * project's; one ESLint run lints them all, inline disable comments off as in the task.
 */
describe("cdktf's public API only, Node's loader untouched", () => {
  // Built from parts so these deliberate probes are not themselves what the rule refuses.
  const INTERNAL = ['cdktf', 'lib', 'tokens', 'private', 'resolve'].join('/');
  const cases: Record<string, string> = {
    'lib/import-internal.ts': `import { resolve } from '${INTERNAL}';\nexport const x = resolve;\n`,
    'stacks/require-internal.ts': `// eslint-disable-next-line\nexport const x = require('${['cdktf', 'lib', 'util'].join('/')}');\n`,
    'scripts/require-internal.js': `const { ref } = require('${['cdktf', 'lib', 'tfExpression'].join('/')}');\nmodule.exports = ref;\n`,
    'tools/dynamic-import.js': `module.exports = () => import('${INTERNAL}');\n`,
    'scripts/resolve-filename.js':
      "const Module = require('module');\nModule._resolveFilename = () => 'x';\n",
    'scripts/compile.js': "const Module = require('module');\nModule.prototype._compile = function () {};\n",
    'tools/extensions.js':
      "const Module = require('module');\nModule._extensions['.js'] = () => undefined;\n",
    'scripts/capture-stack-trace.js': 'Error.captureStackTrace = () => undefined;\n',
    'scripts/cdktf-stack-trace.js': 'module.exports = (st) => { st.captureStackTrace = () => []; };\n',
    'lib/define-compile.ts':
      "import Module = require('module');\nObject.defineProperty(Module.prototype, '_compile', { value: () => undefined });\n",
    'lib/replace-to-terraform.ts':
      "import { TerraformStack } from 'cdktf';\nexport const f = (s: TerraformStack) => Object.defineProperty(s, 'toTerraform', { value: () => ({}) });\n",
    'stacks/assign-prepare.ts':
      "import { TerraformStack } from 'cdktf';\nexport const f = (s: TerraformStack) => { s.prepareStack = () => undefined; };\n",
    // Accepted: the package root of cdktf, a provider binding's deep import, reading (not replacing) a hook.
    'lib/public.ts':
      "import { App, Testing } from 'cdktf';\nimport { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';\nexport const x = [App, Testing, CognitiveAccount];\n",
    'scripts/public.js':
      "const { App } = require('cdktf');\nconst { ResourceGroup } = require('@cdktf/provider-azurerm/lib/resource-group');\nconst Module = require('module');\nmodule.exports = { App, ResourceGroup, builtin: Module.builtinModules, trace: Error.captureStackTrace };\n",
  };
  const ACCEPTED = ['lib/public.ts', 'scripts/public.js'];
  let found: Record<string, string[]>;

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'aoai-lint-'));
    try {
      for (const [file, source] of Object.entries(cases)) {
        mkdirSync(join(dir, dirname(file)), { recursive: true });
        writeFileSync(join(dir, file), source);
      }
      const r = spawnSync(
        join(ROOT, 'node_modules', '.bin', 'eslint'),
        [
          '--no-eslintrc',
          '--no-inline-config',
          '-c',
          join(ROOT, '.eslintrc.public-api.json'),
          '--ext',
          '.ts,.js',
          '--format',
          'json',
          'lib',
          'stacks',
          'scripts',
          'tools',
        ],
        {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
        },
      );
      const results: Array<{
        filePath: string;
        messages: Array<{ ruleId: string | null; message: string }>;
      }> = JSON.parse(r.stdout);
      found = Object.fromEntries(
        results.map((res) => [
          relative(dir, res.filePath),
          res.messages.map((m) => `${m.ruleId}: ${m.message.slice(0, 40)}`),
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);

  test('every file was linted', () => {
    expect(Object.keys(found).sort()).toEqual(Object.keys(cases).sort());
  });
  test.each(Object.keys(cases).filter((f) => !ACCEPTED.includes(f)))('%s is a lint error', (file) => {
    expect(found[file]).toHaveLength(1);
    expect(found[file][0]).toMatch(/^no-restricted-(imports|syntax): /);
  });
  test.each(ACCEPTED)('%s is accepted', (file) => {
    expect(found[file]).toEqual([]);
  });
});
