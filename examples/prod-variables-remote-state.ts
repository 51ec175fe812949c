// Scenario (a): a production stack fed by Terraform variables and remote state. The network team's state holds the
// spoke VNet and subnets; the on-call address and the retention come from variables (tfvars, or HCP Terraform
// variables); the state lives in an azurerm backend. Every value that matters to the hardening and is only known at
// plan carries a precondition: `-var security_email=nobody` fails the plan, not the next incident.
import { App, AzurermBackend, DataTerraformRemoteStateAzurerm, TerraformStack, TerraformVariable } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider'; // deep imports only
import { HardenedAzureOpenAI, SubscriptionCoverage } from 'cdktf-azure-openai-hardening';

const app = new App();
const stack = new TerraformStack(app, 'aoai-prod');
new AzurermBackend(stack, {
  resourceGroupName: 'rg-tfstate',
  storageAccountName: 'sttfstateprod',
  containerName: 'tfstate',
  key: 'aoai-prod.tfstate',
  useAzureadAuth: true,
});
new AzurermProvider(stack, 'azurerm', { features: [{}] }); // subscription from ARM_SUBSCRIPTION_ID

const network = new DataTerraformRemoteStateAzurerm(stack, 'network', {
  resourceGroupName: 'rg-tfstate',
  storageAccountName: 'sttfstateprod',
  containerName: 'tfstate',
  key: 'network-prod.tfstate',
  useAzureadAuth: true,
});
const securityEmail = new TerraformVariable(stack, 'security_email', {
  type: 'string',
  description: 'On-call address for security alerts',
});
const retentionDays = new TerraformVariable(stack, 'retention_days', {
  type: 'number',
  default: 365,
  description: 'Log Analytics retention (365 or more)',
});

new HardenedAzureOpenAI(stack, 'AzureOpenAI', {
  account: {
    name: 'aoai-prod-swc',
    resourceGroupName: 'rg-aoai-prod',
    location: 'swedencentral',
    deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
  },
  networking: {
    existingNetwork: {
      virtualNetworkId: network.getString('spoke_vnet_id'),
      endpointSubnetId: network.getString('private_endpoint_subnet_id'),
      allowedSources: [{ name: 'aks', cidr: network.getString('aks_subnet_cidr') }],
    },
  },
  monitoring: {
    securityTeam: { emailAddresses: [securityEmail.stringValue] },
    retentionInDays: retentionDays.numberValue,
    subscriptionCoverage: SubscriptionCoverage.managedElsewhere(
      'the platform team deploys the Activity Log export and the Defender for AI plan through Azure Policy',
    ),
  },
});
app.synth();
