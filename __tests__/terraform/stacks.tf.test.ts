// Every other stack the suite synthesizes goes through Terraform core too: the reference app over the fleet
// fixture (AOAI_CONFIG: a subscription baseline, dev and prod in one region, prod in a second), the README's example and the fleet's subscription
// baseline stack (which reads a data source). Each passes validate, plan,
// apply and destroy against the stub providers; destroy runs on a copy with prevent_destroy lifted, as an
// operator would after turning deletion protection off.
import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdktf';
import { SubscriptionBaseline } from '../../lib/subscription-baseline';
import { addReferenceStacks } from '../../stacks/reference-app';
import { newStack, synthJson } from '../helpers';
import { runReadmeExample } from '../readme-example';
import { Scratch, TfResult, copyOf, runTf, stateResources } from './tf';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function fleetApp(): Array<[string, any]> {
  const stacks = addReferenceStacks(Testing.app(), join(__dirname, '..', 'fixtures', 'fleet.json'));
  return stacks.map((s) => [`fleet fixture: ${s.node.id}`, JSON.parse(Testing.synth(s))]);
}

function readmeExample(): Array<[string, any]> {
  const dir = runReadmeExample(join(scratch.root, 'readme-out'));
  return [
    ['README example: aoai-prod-swedencentral', JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'))],
  ];
}

function subscriptionBaseline(): Array<[string, any]> {
  const stack = newStack();
  new SubscriptionBaseline(stack, 'Baseline', {
    namePrefix: 'aoai-platform',
    activityLogWorkspaceId:
      '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-platform/providers/Microsoft.OperationalInsights/workspaces/log-platform',
  });
  return [['fleet: subscription baseline', synthJson(stack)]];
}

/** The same configuration without prevent_destroy, for the destroy step. */
function destroyable(config: any): any {
  const copy = copyOf(config);
  for (const instances of Object.values<any>(copy.resource)) {
    for (const body of Object.values<any>(instances)) {
      if (body.lifecycle) delete body.lifecycle.prevent_destroy;
    }
  }
  return copy;
}

const corpus = [...fleetApp(), ...readmeExample(), ...subscriptionBaseline()];

interface Run {
  readonly resources: number;
  readonly validate: TfResult;
  readonly plan: TfResult;
  readonly planned: any;
  readonly apply: TfResult;
  readonly destroy: TfResult;
  readonly stateAfterDestroy: number;
}
const runs = new Map<string, Run>();

beforeAll(async () => {
  await Promise.all(
    corpus.map(async ([name, config], i) => {
      const stackDir = scratch.stack(`corpus-${i}`, config);
      const workDir = scratch.workDir(`corpus-${i}`);
      const validate = await runTf('validate', stackDir, { workDir });
      const plan = await runTf('plan', stackDir, { workDir });
      const planned = plan.planJson ? JSON.parse(readFileSync(plan.planJson, 'utf8')) : undefined;
      const apply = await runTf('apply', stackDir, { workDir, extraArgs: ['-parallelism=10'] });
      const destroy = await runTf('destroy', scratch.stack(`corpus-${i}-destroy`, destroyable(config)), {
        workDir,
      });
      const resources = Object.values<any>(config.resource).reduce((n, r) => n + Object.keys(r).length, 0);
      runs.set(name, {
        resources,
        validate,
        plan,
        planned,
        apply,
        destroy,
        stateAfterDestroy: stateResources(workDir).size,
      });
    }),
  );
});

test('the corpus holds the fleet app (four stacks), the README example and the subscription baseline', () => {
  expect(corpus.map(([name]) => name)).toEqual([
    'fleet fixture: aoai-subscription',
    'fleet fixture: aoai-dev-swedencentral',
    'fleet fixture: aoai-prod-swedencentral',
    'fleet fixture: aoai-prod-francecentral',
    'README example: aoai-prod-swedencentral',
    'fleet: subscription baseline',
  ]);
});

describe.each(corpus.map(([name]) => name))('%s', (name) => {
  test('terraform validate accepts it', () => {
    const r = runs.get(name)!;
    expect(r.validate.output).toContain('Success! The configuration is valid');
    expect(r.validate.code).toBe(0);
  });

  test('terraform plan creates every resource; show -json writes the plan', () => {
    const r = runs.get(name)!;
    expect(r.plan.code).toBe(0);
    expect(r.plan.output).toContain(`Plan: ${r.resources} to add, 0 to change, 0 to destroy.`);
    expect(r.planned.resource_changes.filter((c: any) => c.change.actions.join() === 'create')).toHaveLength(
      r.resources,
    );
  });

  test('terraform apply succeeds (postconditions hold) and destroy empties the state', () => {
    const r = runs.get(name)!;
    expect(r.apply.output).toContain(
      `Apply complete! Resources: ${r.resources} added, 0 changed, 0 destroyed.`,
    );
    expect(r.apply.code).toBe(0);
    expect(r.destroy.output).toContain(`Destroy complete! Resources: ${r.resources} destroyed.`);
    expect(r.destroy.code).toBe(0);
    expect(r.stateAfterDestroy).toBe(0);
  });
});
