// Regenerate the committed plan fixtures (see ../terraform-plans.ts) with Terraform core and the stub providers.
// Used by scripts/tf-fixtures.js (`npm run tf:fixtures`) and by plan-fixtures.tf.test.ts (drift check).
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { runTf } from './tf';
import {
  INDEX_FILE,
  IndexEntry,
  PLAN_FIXTURES,
  configSha256,
  renderIndex,
  renderPlan,
} from '../terraform-plans';

export interface GeneratedFixtures {
  /** File name -> content, the index included. */
  readonly files: Map<string, string>;
  /** Terraform's output, for a failure message. */
  readonly errors: string[];
}

/**
 * Plan every fixture's configuration with Terraform core in folders under `scratchRoot` (the caller removes it)
 * and render the fixture files.
 */
export async function generatePlanFixtures(scratchRoot: string): Promise<GeneratedFixtures> {
  const files = new Map<string, string>();
  const errors: string[] = [];
  const index: Record<string, IndexEntry> = {};
  for (const fixture of PLAN_FIXTURES) {
    const config = fixture.config();
    const stackDir = join(scratchRoot, 'stacks', fixture.file.replace(/\.json$/, ''));
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify(config, null, 2));
    const r = await runTf('plan', stackDir, {
      workDir: join(scratchRoot, 'work', fixture.file),
      fresh: true,
    });
    if (r.code !== 0 || !r.planJson) {
      errors.push(`${fixture.file}: terraform plan exited ${r.code}\n${r.output}`);
      continue;
    }
    const plan = JSON.parse(readFileSync(r.planJson, 'utf8'));
    files.set(fixture.file, renderPlan(plan));
    index[fixture.file] = {
      description: fixture.description,
      configSha256: configSha256(config),
      terraformVersion: plan.terraform_version,
    };
  }
  files.set(INDEX_FILE, renderIndex(index));
  return { files, errors };
}
