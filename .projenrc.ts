import { cdktf, javascript, JsonFile } from 'projen';

// Versions are pinned where the toolchain is fragile: jsii and TypeScript must share major.minor,
// ts-node 10 crashes under TypeScript 6, and cdktf 0.21.0 is the final cdktf release.
const CDKTF_VERSION = '0.21.0';
const AZURERM_PROVIDER = '@cdktf/provider-azurerm@^14.23.1';
// The runtime dependencies of the aoai-harden package (cli/package.json), which `verify` uses for tokens and Log
// Analytics queries. Not dependencies of the construct package: bundled they made its tarball 32 MB for everyone.
const CLI_DEPENDENCIES = ['@azure/identity@^4.14.0', '@azure/monitor-query-logs@^1.0.0'];

const project = new cdktf.ConstructLibraryCdktf({
  name: 'cdktf-azure-openai-hardening',
  description:
    'CDK for Terraform constructs that harden Azure OpenAI Service: private networking, identity lockdown, content filtering and security monitoring, checked against a hardening checklist on every synth.',
  author: 'cdktf-azure-openai-hardening contributors',
  authorAddress: 'security@example.invalid',
  repositoryUrl: 'https://github.com/example/cdktf-azure-openai-hardening.git',
  license: 'MPL-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  projenVersion: '0.103.25',
  minNodeVersion: '20.9.0',

  cdktfVersion: CDKTF_VERSION,
  constructsVersion: '^10.4.2',
  jsiiVersion: '~5.9.0',
  peerDeps: [AZURERM_PROVIDER],
  devDeps: [
    `cdktf-cli@${CDKTF_VERSION}`,
    // Not projen's typescriptVersion: that asks npm for an @types/node dist-tag the mirror lacks.
    'typescript@~5.9.0',
    '@types/node@^20',
    'ts-node@^10.9.2',
    'esbuild@^0.25.0',
    'fast-check@^4.3.0',
    '@kusto/language-service-next@12.4.1',
    // Terraform core in the loop (issue 18): the schema-serving stub providers speak plugin protocol v6.
    '@grpc/grpc-js@^1.14.0',
    '@grpc/proto-loader@^0.8.0',
    '@msgpack/msgpack@^3.1.0',
    'node-forge@^1.3.1',
    '@types/node-forge@^1.3.11',
    // The aoai-harden package (cli/) declares these as its own dependencies (cli/package.json; a test keeps the
    // ranges equal); here they let the repository's tests and `npm run harden` run it from source.
    ...CLI_DEPENDENCIES,
  ],
  keywords: ['cdktf', 'terraform', 'azure', 'azure-openai', 'security', 'hardening', 'compliance'],

  srcdir: 'lib',
  // Compiled JavaScript goes to build/; jsii-pacmak owns dist/ for the multi-language packages.
  libdir: 'build',
  entrypoint: 'build/index.js',
  entrypointTypes: 'build/index.d.ts',
  testdir: '__tests__',
  // No bin: the command-line tool is its own package, aoai-harden (cli/), built and tested by the same `npm test`.

  // The project runs no GitHub workflows of its own yet: .ci/run is the gate.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,
  docgen: false,
  prettier: true,
  // Lint with the dev tsconfig, which also covers stacks/ and scripts/. Check-only, so CI fails on lint
  // instead of rewriting files; `npx projen eslint --fix` fixes locally.
  eslintOptions: {
    dirs: ['lib', 'cli/src'],
    devdirs: ['__tests__', 'stacks', 'scripts'],
    tsconfigPath: './__tests__/tsconfig.json',
    commandOptions: { fix: false },
  },
  prettierOptions: { settings: { singleQuote: true, printWidth: 110 } },

  tsconfig: { compilerOptions: { skipLibCheck: true } },
  // isolatedModules makes ts-jest transpile-only; the jsii compile and the `typecheck` task are the type gates.
  tsconfigDev: { compilerOptions: { skipLibCheck: true, isolatedModules: true } },

  jestOptions: {
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testEnvironment: 'node',
      // setup.js: cdktf's matchers; the secret scan checks every config error message a test file produces.
      setupFilesAfterEnv: ['<rootDir>/setup.js', '<rootDir>/__tests__/secret-scan.setup.ts'],
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      maxWorkers: 2,
      // Jest's default 5 s per test is too tight on a loaded two-core machine: the verify and run-task tests,
      // which drive fakes on loopback, timed out at 5 s while other suites ran beside them. A test that hangs
      // still fails, after 30 s.
      testTimeout: 30000,
      // Terraform-core tests run in their own task (test:terraform), not in the fast jest suite.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/terraform/'],
      // Synth-heavy workers grow; recycle them instead of swapping.
      workerIdleMemoryLimit: '1GB',
      coverageProvider: 'v8',
      // Coverage on demand (`npx jest --coverage`): instrumenting every synth doubles the suite time.
      collectCoverage: false,
    },
  },
});

// Deep imports only: a provider package root loads every resource module (about 13x slower, 6x memory).
const DEEP_IMPORTS = {
  regex: '^@cdktf/provider-[a-z0-9-]+$',
  message:
    'Import the resource module directly, e.g. @cdktf/provider-azurerm/lib/cognitive-account: the package root loads every resource.',
};
const restrictImports = (...patterns: Array<{ regex: string; message: string }>) => [
  'error',
  { patterns: [DEEP_IMPORTS, ...patterns] },
];
project.eslint?.addRules({
  'no-restricted-imports': restrictImports(),
  // No import cycles anywhere (type-only imports do not load a module and are not cycles).
  'import/no-cycle': ['error', { ignoreExternal: true }],
});

// The checklist core loads no cdktf (issue 23): it imports no cdktf, no constructs and no construct module; only the
// exchange format (lib/record-format.ts) and the fact tables. The synth-time glue (the Aspect, its stack checks
// and HardeningSuppressions) is the one part of lib/checklist that touches cdktf. __tests__/checklist-core.test.ts
// proves it at run time with a require hook.
const NO_CDKTF = {
  regex: '^(cdktf|constructs)(/.*)?$|^@cdktf/',
  message:
    'The checklist core, the exchange format and the aoai-harden package load no cdktf and no constructs (issue 23).',
};
const OUTSIDE_CORE =
  'The checklist core imports no construct module and no synth glue: from lib/ only lib/checklist (minus aspect, stack-checks, suppressions, index), lib/record-format.ts and the fact tables (put what constructs and checklist share in lib/record-format.ts).';
const GLUE_FILES = [
  'lib/checklist/aspect.ts',
  'lib/checklist/stack-checks.ts',
  'lib/checklist/suppressions.ts',
  'lib/checklist/index.ts',
];
// Path zones (resolved files, so any folder depth): what a core file may import from lib/.
const coreZones = (target: string) => [
  'error',
  {
    zones: [
      {
        target,
        from: './lib',
        except: ['./checklist', './record-format.ts', './azure-facts.ts', './detections.ts'],
        message: OUTSIDE_CORE,
      },
      { target, from: GLUE_FILES.map((f) => `./${f}`), message: OUTSIDE_CORE },
    ],
  },
];
project.eslint?.addOverride({
  files: ['lib/checklist/**/*.ts'],
  excludedFiles: GLUE_FILES,
  rules: {
    'no-restricted-imports': restrictImports(NO_CDKTF),
    'import/no-restricted-paths': coreZones('./lib/checklist'),
  },
});
project.eslint?.addOverride({
  files: ['lib/record-format.ts'],
  rules: {
    'no-restricted-imports': restrictImports({
      regex: '^(?!\\./azure-facts$)',
      message:
        'lib/record-format.ts is imported by constructs and checklist and imports neither (only the fact table).',
    }),
  },
});
// The aoai-harden package reaches lib/ only through cli/src/core.ts, and core.ts only the checklist core.
project.eslint?.addOverride({
  files: ['cli/src/**/*.ts'],
  excludedFiles: ['cli/src/core.ts'],
  rules: {
    'no-restricted-imports': restrictImports(NO_CDKTF, {
      regex: '(^|/)lib(/|$)',
      message: "The CLI reaches the repository's lib/ only through cli/src/core.ts.",
    }),
  },
});
project.eslint?.addOverride({
  files: ['cli/src/core.ts'],
  rules: {
    'no-restricted-imports': restrictImports(NO_CDKTF),
    'import/no-restricted-paths': coreZones('./cli/src/core.ts'),
  },
});

// cdktf's public API only, and Node's own loader (issue 23). A configuration of its own, run by `npm test` right
// after the lint above (task eslint:public-api; inline disable comments do not apply to it): it also reads the JavaScript of scripts/ and tools/, which the typed lint above leaves out,
// and has no type information to load, so it takes a second or two.
const CDKTF_INTERNALS = '^cdktf/lib(/|$)';
// The same in an AST selector, whose regular expressions end at an unescaped slash.
const CDKTF_INTERNALS_SELECTOR = CDKTF_INTERNALS.replace(/\//g, '\\/');
const INTERNALS_MESSAGE =
  "cdktf's internals (cdktf/lib/...) are not its public API and break on a cdktf or CDK Terrain upgrade: use the package root `cdktf`. Provider bindings stay deep imports (@cdktf/provider-azurerm/lib/<resource>).";
const LOADER_MESSAGE =
  "Node's module loader and stack traces are not patched here: run the app with plain node (a bundle is fine).";
// Module's internal hooks, and the stack-trace hooks (Error's own, or cdktf's stack-trace export replaced).
const LOADER_HOOKS = [
  '_resolveFilename',
  '_load',
  '_compile',
  '_extensions',
  '_findPath',
  '_resolveLookupPaths',
];
const STACK_TRACE_HOOKS = ['captureStackTrace', 'prepareStackTrace'];
const anyOf = (names: string[]): string => `^(${names.join('|')})$`;
// cdktf's synth steps replaced on an object at run time (a stack's toTerraform swapped for a cached result).
const SYNTH_STEPS = ['toTerraform', 'toHclTerraform', 'toMetadata', 'prepareStack', 'synthesize'];
const SYNTH_STEP_MESSAGE =
  "cdktf's synth steps are not replaced at run time: judge what it writes through its public hooks (validations, Aspects, toTerraform(), the written file).";
const PUBLIC_API_LINT = '.eslintrc.public-api.json';
new JsonFile(project, PUBLIC_API_LINT, {
  allowComments: true,
  obj: {
    root: true,
    parser: '@typescript-eslint/parser',
    parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
    env: { node: true, es2022: true },
    ignorePatterns: ['node_modules/', '*.d.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: CDKTF_INTERNALS, message: INTERNALS_MESSAGE }] },
      ],
      'no-restricted-syntax': [
        'error',
        // require('cdktf/lib/...'), import('cdktf/lib/...'), import x = require('cdktf/lib/...')
        {
          selector: `CallExpression[callee.name='require'] > Literal.arguments[value=/${CDKTF_INTERNALS_SELECTOR}/]`,
          message: INTERNALS_MESSAGE,
        },
        {
          selector: `ImportExpression > Literal.source[value=/${CDKTF_INTERNALS_SELECTOR}/]`,
          message: INTERNALS_MESSAGE,
        },
        {
          selector: `TSExternalModuleReference > Literal.expression[value=/${CDKTF_INTERNALS_SELECTOR}/]`,
          message: INTERNALS_MESSAGE,
        },
        // Module._resolveFilename = ..., Module.prototype._compile = ..., Module._extensions['.js'] = ...
        {
          selector: `AssignmentExpression > MemberExpression.left[property.name=/${anyOf(LOADER_HOOKS)}/]`,
          message: LOADER_MESSAGE,
        },
        {
          selector:
            "AssignmentExpression > MemberExpression.left > MemberExpression.object[property.name='_extensions']",
          message: LOADER_MESSAGE,
        },
        // Error.captureStackTrace = ..., cdktf's stack-trace export replaced, Error.prepareStackTrace = ...
        {
          selector: `AssignmentExpression > MemberExpression.left[property.name=/${anyOf(STACK_TRACE_HOOKS)}/]`,
          message: LOADER_MESSAGE,
        },
        // The same through Object.defineProperty(target, '<name>', ...)
        {
          selector: `CallExpression[callee.property.name='defineProperty'] > Literal.arguments[value=/${anyOf([...LOADER_HOOKS, ...STACK_TRACE_HOOKS])}/]`,
          message: LOADER_MESSAGE,
        },
        {
          selector: `AssignmentExpression > MemberExpression.left[property.name=/${anyOf(SYNTH_STEPS)}/]`,
          message: SYNTH_STEP_MESSAGE,
        },
        {
          selector: `CallExpression[callee.property.name='defineProperty'] > Literal.arguments[value=/${anyOf(SYNTH_STEPS)}/]`,
          message: SYNTH_STEP_MESSAGE,
        },
      ],
    },
  },
});
// The reference app lives outside the jsii root; type-check it (and the tests) with the dev tsconfig.
for (const dir of ['lib', 'stacks', 'scripts', 'cli/src']) {
  project.tsconfigDev.addInclude(`../${dir}/**/*.ts`);
}
const typecheck = project.addTask('typecheck', {
  description: 'Type-check lib, stacks, scripts and tests (jest itself only transpiles)',
  exec: 'tsc --noEmit -p __tests__/tsconfig.json',
});
project.testTask.prependSpawn(typecheck);
// One rule, one file (lib/checklist/rules/<phase>/<ID>.ts): RuleIds, the rule index and docs/rules.md are generated
// from the rule files; npm test fails when one of them is stale.
project.addTask('rules', {
  description:
    'Regenerate RuleIds, the rule index and docs/rules.md from the rule files (scripts/gen-rules.js)',
  exec: 'node scripts/gen-rules.js',
});
const rulesCheck = project.addTask('rules:check', {
  description: 'Fail when RuleIds, the rule index or docs/rules.md differ from what the rule files generate',
  exec: 'node scripts/gen-rules.js --check',
});
project.testTask.prependSpawn(rulesCheck);

// The aoai-harden package (cli/): one esbuild bundle over the repository's checklist core. `npm test` builds it
// before the suites (the tests run the bundle users install); `package` packs it beside the construct package.
const cliBuild = project.addTask('cli:build', {
  description:
    'Build the aoai-harden package (cli/dist/aoai-harden.js: the CLI bundled with the checklist core)',
  exec: 'node cli/build.js',
});
project.testTask.prependSpawn(cliBuild);
const cliPackage = project.addTask('package:cli', {
  description: 'Pack the aoai-harden package into dist/js beside the construct package (same version)',
  exec: 'mkdir -p dist/js && cd cli && npm pack --pack-destination ../dist/js',
});
project.packageTask.spawn(cliPackage);

project.addTask('synth:app', {
  description: 'Synthesize the reference stack (same as `npx cdktf synth`)',
  exec: 'cdktf synth',
  env: { CHECKPOINT_DISABLE: '1' },
});
project.addTask('harden', {
  description:
    'Run the aoai-harden CLI (cli/) from source, in this process, e.g. npm run harden -- check cdktf.out/stacks/<stack>/cdk.tf.json',
  exec: 'node scripts/cli.js',
  receiveArgs: true,
});
// Terraform core in the loop (issue 18): the offline runner and the Terraform tests, which `npm test` also runs.
project.addTask('tf', {
  description:
    'Run Terraform core offline on a synthesized stack: npm run tf -- <validate|plan|apply|destroy> <stack dir> (see tools/tf-stub)',
  exec: 'node scripts/tf.js',
  receiveArgs: true,
});
project.addTask('tf:fixtures', {
  description:
    'Regenerate the plan JSON fixtures Terraform writes for the unit suite (__tests__/fixtures/terraform)',
  exec: 'node scripts/tf-fixtures.js',
  env: { CHECKPOINT_DISABLE: '1' },
});
const publicApiLint = project.addTask('eslint:public-api', {
  description:
    "Lint lib, cli, stacks, scripts and tools for cdktf internals and Node loader patches (cdktf's public API only)",
  exec: `eslint --no-eslintrc --no-inline-config -c ${PUBLIC_API_LINT} --ext .ts,.js --no-error-on-unmatched-pattern lib cli stacks scripts tools`,
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
});
project.testTask.spawn(publicApiLint);
const terraformTests = project.addTask('test:terraform', {
  description: 'Terraform validate/plan/apply/destroy of every synthesized stack against the stub providers',
  exec: 'jest --ci -c __tests__/terraform/jest.config.js',
  env: { CHECKPOINT_DISABLE: '1' },
});
// The unit suite records every stack it synthesizes (setup.js, tools/tf-stub/corpus.js) for the Terraform task's
// corpus test; the folder is emptied first so that only this run's stacks are judged.
project.testTask.env('AOAI_TF_CORPUS_DIR', '.build/tf-corpus');
project.testTask.prependExec('node tools/tf-stub/corpus.js clean');
project.testTask.spawn(terraformTests);

project.addTask('bench', {
  description: 'Benchmark synth time and memory (paired rounds, ratios) against the budgets',
  exec: 'node scripts/bench.js',
});
project.addTask('bench:readme', {
  description: "Regenerate the README's performance table from bench-results/latest.json",
  exec: 'node scripts/bench-readme.js',
});

project.gitignore.exclude(
  'cdktf.out/',
  '.build/',
  'terraform.*.tfstate*',
  '.terraform/',
  'bench-results/',
  '*.tsbuildinfo',
  // The aoai-harden package's build output and the LICENSE its build copies in for its tarball.
  'cli/dist/',
  'cli/LICENSE',
);
project.npmignore?.exclude(
  'stacks/',
  'scripts/',
  'cdktf.json',
  '.ci/',
  'setup.js',
  // docs/ ships (the fact files the JSDoc cites, docs/rules.md), except the contributors' architecture notes.
  'docs/architecture.md',
  // The offline estate model's constraints document the test harness (tools/tf-stub), not the package.
  'docs/estate-constraints.md',
  'tools/',
  'projenrc/',
  // The command-line tool is its own package (aoai-harden); none of it ships in the construct package.
  'cli/',
  // The public-API lint's own configuration (a development file, like .eslintrc.json).
  '/.eslintrc.public-api.json',
);
// Local synth and bench output (the app runner's bundle and compile caches, 5 MB each) never ships.
project.npmignore?.exclude('.build/', 'cdktf.out/', 'bench-results/', 'terraform.*.tfstate*', '.terraform/');

project.synth();
