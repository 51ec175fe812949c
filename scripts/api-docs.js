#!/usr/bin/env node
// The public API's documentation, checked by `npm test` (the api-docs task):
// 1. API.md is what jsii-docgen writes for the current code (`--update` rewrites it; so does `npx projen build`);
// 2. every public type and member has a summary (a docs comment), counted in the jsii assembly;
// 3. the main constructs carry an @example, and each example type-checks (strict) against the compiled package.
// Compiles first (jsii, ~20 s): the assembly is what jsii-docgen and the count read.
const { execFileSync } = require('child_process');
const { mkdirSync, readFileSync, rmSync, writeFileSync } = require('fs');
const { join } = require('path');

const ROOT = join(__dirname, '..');
const update = process.argv.includes('--update');
const MAIN_CONSTRUCTS = [
  'HardenedAzureOpenAI',
  'OpenAIAccount',
  'PrivateNetworking',
  'IdentityLockdown',
  'ContentFilterPolicy',
  'SecurityMonitoring',
  'SubscriptionBaseline',
  'HardeningChecks',
];
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const run = (cmd, args) =>
  execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const problems = [];

/** Public types and members without a summary in the jsii assembly. */
function undocumented(assembly) {
  const missing = [];
  for (const [fqn, type] of Object.entries(assembly.types)) {
    if (!type.docs?.summary) missing.push(fqn);
    for (const p of type.properties ?? []) if (!p.docs?.summary) missing.push(`${fqn}.${p.name}`);
    for (const m of type.methods ?? []) if (!m.docs?.summary) missing.push(`${fqn}#${m.name}()`);
    for (const m of type.members ?? []) if (!m.docs?.summary) missing.push(`${fqn}.${m.name}`);
  }
  return missing;
}

/** Each main construct's @example, written as a file that imports the compiled package, then type-checked. */
function checkExamples(assembly, dir) {
  const files = [];
  for (const name of MAIN_CONSTRUCTS) {
    const example = assembly.types[`${assembly.name}.${name}`]?.docs?.example;
    if (!example) {
      problems.push(`${name} has no @example`);
      continue;
    }
    const file = join(dir, `${name}.ts`);
    writeFileSync(
      file,
      example.replace(/'cdktf-azure-openai-hardening'/g, `'${join(ROOT, 'build')}'`) + '\nexport {};\n',
    );
    files.push(file);
  }
  if (files.length === 0) return;
  try {
    run(bin('tsc'), [
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--esModuleInterop',
      '--module',
      'commonjs',
      '--target',
      'es2022',
      '--types',
      'node',
      ...files,
    ]);
  } catch (e) {
    problems.push(`an @example does not type-check:\n${e.stdout}${e.stderr}`);
  }
}

const work = join(ROOT, '.build', 'api-docs');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
try {
  run(bin('jsii'), ['--silence-warnings=reserved-word']);
  const generated = join(work, 'API.md');
  run(bin('jsii-docgen'), ['-o', generated]);
  const fresh = readFileSync(generated, 'utf8');
  if (update) writeFileSync(join(ROOT, 'API.md'), fresh);
  let current = '';
  try {
    current = readFileSync(join(ROOT, 'API.md'), 'utf8');
  } catch {
    /* missing: reported below */
  }
  if (current !== fresh)
    problems.push('API.md is stale: run `node scripts/api-docs.js --update` and commit it');
  const assembly = JSON.parse(readFileSync(join(ROOT, '.jsii'), 'utf8'));
  const missing = undocumented(assembly);
  if (missing.length) {
    problems.push(`${missing.length} public types and members have no summary:\n  ${missing.join('\n  ')}`);
  }
  checkExamples(assembly, work);
  const types = Object.keys(assembly.types).length;
  if (problems.length) {
    console.error(`api-docs: ${problems.join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log(
      `api-docs: API.md current; ${types} public types, every member documented; ${MAIN_CONSTRUCTS.length} examples type-check`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
