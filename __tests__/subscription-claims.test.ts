// One owner per subscription singleton, judged over the whole App at synth (lib/subscription-claims.ts): a missing
// or misspelled baseline stack and two stacks claiming one subscription's baseline fail synth, naming both; a
// declaration records the stack dependency cdktf writes into manifest.json.
import { readFileSync } from 'fs';
import { join } from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { TerraformVariable, App, TerraformStack, Testing } from 'cdktf';
import { OpenAIAccount, SecurityMonitoring, SubscriptionBaseline, SubscriptionCoverage } from '../lib';

const WORKSPACE =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-platform/providers/Microsoft.OperationalInsights/workspaces/log-platform';
const SUB_A = '11111111-1111-1111-1111-111111111111';
const SUB_B = '22222222-2222-2222-2222-222222222222';

function stackIn(app: App, name: string, subscriptionId?: string): TerraformStack {
  const stack = new TerraformStack(app, name);
  new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId });
  return stack;
}

function baselineStack(app: App, name: string, subscriptionId?: string): TerraformStack {
  const stack = stackIn(app, name, subscriptionId);
  new SubscriptionBaseline(stack, 'Baseline', { namePrefix: name, activityLogWorkspaceId: WORKSPACE });
  return stack;
}

function accountStack(app: App, name: string, coverage: SubscriptionCoverage, subscriptionId?: string) {
  const stack = stackIn(app, name, subscriptionId);
  const account = OpenAIAccount.fromAttributes(stack, 'Account', {
    accountId: `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/${name}`,
    customSubdomainName: name,
    location: 'swedencentral',
  });
  new SecurityMonitoring(stack, 'Monitoring', { account, subscriptionCoverage: coverage });
  return stack;
}

const manifest = (app: App) => JSON.parse(readFileSync(join(app.outdir, 'manifest.json'), 'utf8'));

describe('byBaselineStack takes the stack and records the deploy order', () => {
  test('the account stacks depend on the baseline stack (manifest.json) and synth passes', () => {
    const app = Testing.app();
    const baseline = baselineStack(app, 'platform');
    accountStack(app, 'aoai-dev', SubscriptionCoverage.byBaselineStack(baseline));
    // The SubscriptionBaseline construct itself is accepted too: its stack is the baseline stack.
    const construct = baseline.node.findChild('Baseline');
    accountStack(app, 'aoai-prod', SubscriptionCoverage.byBaselineStack(construct));
    app.synth();
    const stacks = manifest(app).stacks;
    expect(stacks['aoai-dev'].dependencies).toEqual(['platform']);
    expect(stacks['aoai-prod'].dependencies).toEqual(['platform']);
    expect(stacks.platform.dependencies).toEqual([]);
  });

  test('a name is looked up at synth: found, it records the dependency too', () => {
    const app = Testing.app();
    baselineStack(app, 'platform');
    accountStack(app, 'aoai-dev', SubscriptionCoverage.byBaselineStackName('platform'));
    app.synth();
    expect(manifest(app).stacks['aoai-dev'].dependencies).toEqual(['platform']);
  });

  test('a misspelled name fails synth, naming the declaring construct, the name and the stacks that hold a baseline', () => {
    const app = Testing.app();
    baselineStack(app, 'platform');
    accountStack(app, 'aoai-dev', SubscriptionCoverage.byBaselineStackName('platfrom'));
    expect(() => app.synth()).toThrow(
      'aoai-dev/Monitoring: subscriptionCoverage: byBaselineStackName("platfrom") names no stack of this app (stacks holding a SubscriptionBaseline: "platform")',
    );
  });

  test('a baseline stack without a SubscriptionBaseline fails synth, naming both stacks', () => {
    const app = Testing.app();
    const empty = stackIn(app, 'platform');
    accountStack(app, 'aoai-dev', SubscriptionCoverage.byBaselineStack(empty));
    expect(() => app.synth()).toThrow(
      'aoai-dev/Monitoring: subscriptionCoverage: the baseline stack "platform" holds no SubscriptionBaseline',
    );
  });

  test('a name instead of the stack is refused with the fix; the stack itself is refused as its own baseline', () => {
    expect(() => SubscriptionCoverage.byBaselineStack('platform' as any)).toThrow(
      /subscriptionCoverage\.byBaselineStack: invalid value "platform"\. Pass the baseline TerraformStack itself.*byBaselineStackName/,
    );
    const app = Testing.app();
    const own = baselineStack(app, 'platform');
    expect(() => accountStack(app, 'aoai-dev', SubscriptionCoverage.byBaselineStack(own))).not.toThrow();
    const self = stackIn(app, 'self');
    const account = OpenAIAccount.fromAttributes(self, 'Account', {
      accountId: `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/self`,
      customSubdomainName: 'self',
      location: 'swedencentral',
    });
    expect(
      () =>
        new SecurityMonitoring(self, 'Monitoring', {
          account,
          subscriptionCoverage: SubscriptionCoverage.byBaselineStack(self),
        }),
    ).toThrow(/self\/Monitoring: subscriptionCoverage\.byBaselineStack: invalid value "self"\..*inThisStack/);
  });

  test('an account stack whose baseline covers another subscription fails synth', () => {
    const app = Testing.app();
    const baseline = baselineStack(app, 'platform', SUB_A);
    accountStack(app, 'aoai-dev', SubscriptionCoverage.byBaselineStack(baseline), SUB_B);
    expect(() => app.synth()).toThrow(
      `stack "aoai-dev" deploys to subscription ${SUB_B}, but its baseline stack "platform" covers subscription ${SUB_A}`,
    );
  });
});

describe('one owner per subscription', () => {
  test('three stacks each declaring inThisStack() for one subscription fail synth, naming two of them', () => {
    const app = Testing.app();
    for (const name of ['aoai-a', 'aoai-b', 'aoai-c']) {
      accountStack(app, name, SubscriptionCoverage.inThisStack());
    }
    expect(() => app.synth()).toThrow(
      /aoai-a\/Monitoring\/SubscriptionBaseline and aoai-b\/Monitoring\/SubscriptionBaseline: stacks "aoai-a" and "aoai-b" both create the Activity Log export and the Defender for AI plan of the subscription ARM_SUBSCRIPTION_ID names/,
    );
  });

  test('two baseline stacks for one literal subscription fail synth, naming both', () => {
    const app = Testing.app();
    baselineStack(app, 'platform-1', SUB_A);
    baselineStack(app, 'platform-2', SUB_A.toUpperCase());
    expect(() => app.synth()).toThrow(
      /platform-1\/Baseline and platform-2\/Baseline: stacks "platform-1" and "platform-2" both create .* of subscription 11111111/,
    );
  });

  test('negative control: baselines of different subscriptions, or one given by reference, pass', () => {
    const app = Testing.app();
    baselineStack(app, 'platform-a', SUB_A);
    baselineStack(app, 'platform-b', SUB_B);
    // A subscription given by reference: a declared variable, so the stack is valid Terraform (the corpus plans it).
    const byVar = baselineStack(app, 'platform-var', '${var.subscription_id}');
    new TerraformVariable(byVar, 'subscription_id', { type: 'string' });
    accountStack(
      app,
      'aoai-solo',
      SubscriptionCoverage.inThisStack(),
      '33333333-3333-3333-3333-333333333333',
    );
    expect(() => app.synth()).not.toThrow();
  });
});
