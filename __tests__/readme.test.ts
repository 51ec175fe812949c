import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as ts from 'typescript';
import { applyGraphProblems } from './apply-graph';

/** The README's construct example, run as written (its package import pointed at lib/). */
test("the README's example synthesizes and passes the checklist", () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use the constructs in your own stack'));
  const source = /```ts\n([\s\S]*?)```/
    .exec(section)![1]
    .replace("'cdktf-azure-openai-hardening'", `'${join(__dirname, '..', 'lib').replace(/\\/g, '/')}'`);
  const js = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
  const outdir = mkdtempSync(join(tmpdir(), 'readme-'));
  const previous = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  try {
    new Function('require', 'exports', js)(require, {});
  } finally {
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
  }
  const report = JSON.parse(
    readFileSync(join(outdir, 'stacks', 'aoai-prod-swedencentral', 'hardening-report.json'), 'utf8'),
  );
  expect(report.summary.errors).toBe(0);
  const config = JSON.parse(
    readFileSync(join(outdir, 'stacks', 'aoai-prod-swedencentral', 'cdk.tf.json'), 'utf8'),
  );
  expect(Object.keys(config.resource.azurerm_role_assignment)).toHaveLength(3);
  // Literals backed by dependencies, writes on the account ordered, destroy in reverse (apply-graph.ts).
  expect(applyGraphProblems(config)).toEqual([]);
  // No ARM lock by default: day-2 deletes below the account are not blocked (day2.test.ts).
  expect(config.resource.azurerm_management_lock).toBeUndefined();
});
