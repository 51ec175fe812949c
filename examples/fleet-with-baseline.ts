// Scenario (b): a fleet. One baseline stack per subscription owns what Azure allows once per subscription (the
// Activity Log export, the Defender for AI plan); every account stack points at it with byBaselineStack(baseline),
// which records the deploy order (`cdktf deploy` deploys the baseline first). A missing baseline, or a second one
// for the same subscription, fails synth and names both stacks.
import { App, Aspects, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider'; // deep imports only
import {
  HardenedAzureOpenAI,
  HardeningChecks,
  SubscriptionBaseline,
  SubscriptionCoverage,
} from 'cdktf-azure-openai-hardening';

const app = new App();
const baseline = new TerraformStack(app, 'aoai-platform-baseline');
new AzurermProvider(baseline, 'azurerm', { features: [{}] });
new SubscriptionBaseline(baseline, 'Baseline', {
  namePrefix: 'aoai-platform',
  activityLogWorkspaceId:
    '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-platform/providers/Microsoft.OperationalInsights/workspaces/log-platform',
});

const environments = [
  { env: 'dev', location: 'swedencentral', octet: 40 },
  { env: 'prod', location: 'westeurope', octet: 41 },
];
for (const { env, location, octet } of environments) {
  const stack = new TerraformStack(app, `aoai-${env}-${location}`);
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  new HardenedAzureOpenAI(stack, 'AzureOpenAI', {
    account: {
      name: `aoai-${env}-${location}`,
      resourceGroupName: `rg-aoai-${env}`,
      location,
      deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
    },
    networking: {
      newNetwork: {
        name: `vnet-aoai-${env}`,
        addressSpace: `10.${octet}.0.0/16`,
        endpointSubnetCidr: `10.${octet}.1.0/24`,
        appSubnetCidrs: [`10.${octet}.2.0/24`],
      },
    },
    monitoring: {
      securityTeam: { emailAddresses: [`secops-${env}@contoso.com`] },
      subscriptionCoverage: SubscriptionCoverage.byBaselineStack(baseline),
    },
  });
}
// On the App: judges every stack, the baseline stack too.
Aspects.of(app).add(new HardeningChecks());
app.synth();
