#!/usr/bin/env node
// `npm run tf:fixtures`: regenerate the committed plan JSON fixtures (__tests__/fixtures/terraform/) that the unit
// suite judges instead of a hand-made plan: Terraform core plans each fixture's stack against the stub providers
// (tools/tf-stub) and `terraform show -json` writes the plan. The list of fixtures and their rendering live in
// __tests__/terraform-plans.ts; __tests__/terraform/plan-fixtures.tf.test.ts fails when the committed files drift
// from what this writes. Needs Terraform 1.5+ on PATH (or TERRAFORM_BIN), like every Terraform-core command here.
'use strict';
const { build } = require('esbuild');
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('fs');
const { tmpdir } = require('os');
const { join, resolve } = require('path');

const ROOT = join(__dirname, '..');
const outfile = join(ROOT, '.build', 'tf-fixtures.js');
// Not the bundle's __dirname (.build): the same folder as PLAN_FIXTURE_DIR in __tests__/terraform-plans.ts.
const PLAN_FIXTURE_DIR = join(ROOT, '__tests__', 'fixtures', 'terraform');
const bundled = build({
  stdin: {
    contents: [
      "export { generatePlanFixtures } from './__tests__/terraform/generate-plans';",
    ].join('\n'),
    resolveDir: ROOT,
    loader: 'ts',
  },
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  plugins: [
    {
      // The runner and the stubs stay where they are: they find the stub provider and schemas from __dirname.
      name: 'runner-in-place',
      setup(build) {
        build.onResolve({ filter: /scripts\/tf$/ }, (args) => ({ path: resolve(args.resolveDir, args.path), external: true }));
      },
    },
  ],
});
(async () => {
  await bundled;
  const { generatePlanFixtures } = require(outfile);
  const scratch = mkdtempSync(join(tmpdir(), 'aoai-tf-fixtures-'));
  try {
    const { files, errors } = await generatePlanFixtures(scratch);
    if (errors.length) {
      console.error(errors.join('\n'));
      process.exitCode = 1;
      return;
    }
    mkdirSync(PLAN_FIXTURE_DIR, { recursive: true });
    for (const [file, content] of files) {
      writeFileSync(join(PLAN_FIXTURE_DIR, file), content);
      console.log(`wrote ${join('__tests__', 'fixtures', 'terraform', file)} (${Math.round(content.length / 1024)} KB)`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
