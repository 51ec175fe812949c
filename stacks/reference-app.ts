import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { loadAppConfig } from './config';
import { HardenedOpenAIStack } from './hardened-openai-stack';
import { SubscriptionBaselineStack } from './subscription-baseline-stack';

/**
 * Add the reference app's stacks for a config file (or the built-in stack when `configFile` is undefined):
 * subscription baselines first, as they deploy first, then one account stack per environment and region.
 */
export function addReferenceStacks(app: Construct, configFile: string | undefined): TerraformStack[] {
  const { subscriptions, stacks } = loadAppConfig(configFile);
  return [
    ...subscriptions.map((config) => new SubscriptionBaselineStack(app, config)),
    ...stacks.map((config) => new HardenedOpenAIStack(app, config)),
  ];
}
