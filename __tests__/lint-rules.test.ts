import { execFileSync } from 'child_process';
import { join } from 'path';

// Built from parts so this deliberate probe is not itself a package-root import.
const PACKAGE_ROOT = ['@cdktf', 'provider-azurerm'].join('/');

/** Lint a snippet as if it were lib/index.ts, with the project's ESLint configuration. */
function lint(source: string): string {
  try {
    return execFileSync(
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
        '--format',
        'stylish',
      ],
      {
        cwd: join(__dirname, '..'),
        input: source,
        env: { ...process.env, ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
      },
    ).toString();
  } catch (e) {
    return String((e as { stdout?: Buffer }).stdout ?? e);
  }
}

describe('deep imports only', () => {
  test('an import from the provider package root is a lint error', () => {
    expect(
      lint(`import { cognitiveAccount } from '${PACKAGE_ROOT}';\nexport const x = cognitiveAccount;\n`),
    ).toMatch(/no-restricted-imports/);
  }, 30000);
  test('a deep import is accepted', () => {
    expect(
      lint(
        "import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';\nexport const x = CognitiveAccount;\n",
      ),
    ).not.toMatch(/no-restricted-imports/);
  }, 30000);
});
