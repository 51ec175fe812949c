// Scenario (d): the state and the runs in HCP Terraform (CloudBackend). Synth judges the stack as everywhere else;
// in HCP Terraform the run task (`aoai-harden run-task`) judges every plan again before apply.
import { App, CloudBackend, NamedCloudWorkspace, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider'; // deep imports only
import { HardenedAzureOpenAI, SubscriptionCoverage } from 'cdktf-azure-openai-hardening';

const app = new App();
const stack = new TerraformStack(app, 'aoai-hcp');
new CloudBackend(stack, { organization: 'contoso', workspaces: new NamedCloudWorkspace('aoai-prod-swedencentral') });
new AzurermProvider(stack, 'azurerm', { features: [{}] }); // ARM_* credentials from the workspace's variables
new HardenedAzureOpenAI(stack, 'AzureOpenAI', {
  account: {
    name: 'aoai-hcp-swc',
    resourceGroupName: 'rg-aoai-hcp',
    location: 'swedencentral',
    deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
  },
  networking: {
    newNetwork: {
      name: 'vnet-aoai-hcp',
      addressSpace: '10.60.0.0/16',
      endpointSubnetCidr: '10.60.1.0/24',
      appSubnetCidrs: ['10.60.2.0/24'],
    },
  },
  monitoring: {
    securityTeam: { emailAddresses: ['secops@contoso.com'] },
    subscriptionCoverage: SubscriptionCoverage.inThisStack(),
  },
});
app.synth();
