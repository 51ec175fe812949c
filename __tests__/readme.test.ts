import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { applyGraphProblems } from './apply-graph';
import { runReadmeExample } from './readme-example';

/** The README's construct example, run as written (its package import pointed at lib/). */
test("the README's example synthesizes and passes the checklist", () => {
  const stackDir = runReadmeExample(mkdtempSync(join(tmpdir(), 'readme-')));
  const report = JSON.parse(readFileSync(join(stackDir, 'hardening-report.json'), 'utf8'));
  expect(report.summary.errors).toBe(0);
  const config = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  expect(Object.keys(config.resource.azurerm_role_assignment)).toHaveLength(3);
  // Literals backed by dependencies, writes on the account ordered, destroy in reverse (apply-graph.ts).
  expect(applyGraphProblems(config)).toEqual([]);
  // No ARM lock by default: day-2 deletes below the account are not blocked (day2.test.ts).
  expect(config.resource.azurerm_management_lock).toBeUndefined();
});
