// The plan fixtures the unit suite judges (__tests__/fixtures/terraform/) are exactly what Terraform core writes
// today: each is planned again here, against the stub providers, and compared byte for byte (minus the run
// timestamp; see ../terraform-plans.ts). A difference means the stack, the stubs or Terraform changed since the
// fixtures were written, and the unit suite would be judging a plan nobody produces any more.
import { readFileSync } from 'fs';
import { join } from 'path';
import { generatePlanFixtures } from './generate-plans';
import { Scratch } from './tf';
import { INDEX_FILE, PLAN_FIXTURES, PLAN_FIXTURE_DIR, REFRESH_COMMAND } from '../terraform-plans';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

test('the committed plan fixtures are what Terraform writes today', async () => {
  const { files, errors } = await generatePlanFixtures(scratch.root);
  expect(errors).toEqual([]);
  expect([...files.keys()].sort()).toEqual([...PLAN_FIXTURES.map((f) => f.file), INDEX_FILE].sort());
  const drifted = [...files].filter(([file, content]) => {
    let committed: string | undefined;
    try {
      committed = readFileSync(join(PLAN_FIXTURE_DIR, file), 'utf8');
    } catch {
      committed = undefined;
    }
    return committed !== content;
  });
  if (drifted.length) {
    throw new Error(
      `${drifted.map(([f]) => `__tests__/fixtures/terraform/${f}`).join(', ')} differ from what Terraform writes today: run ${REFRESH_COMMAND} to refresh (and review the diff)`,
    );
  }
});
