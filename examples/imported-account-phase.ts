// Scenario (c): one phase on an account this app does not own. OpenAIAccount.fromAttributes adopts it; the phase
// hardens it in place (public network access and key auth switched off through azapi_update_resource, a private
// endpoint into the existing spoke), and never replaces it.
import { App, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider'; // deep imports only
import { OpenAIAccount, PrivateNetworking } from 'cdktf-azure-openai-hardening';

const spoke =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke';

const app = new App();
const stack = new TerraformStack(app, 'aoai-imported-network');
new AzurermProvider(stack, 'azurerm', { features: [{}] });
const account = OpenAIAccount.fromAttributes(stack, 'Existing', {
  accountId:
    '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/aoai-legacy',
  customSubdomainName: 'aoai-legacy',
  location: 'swedencentral',
});
new PrivateNetworking(stack, 'Networking', {
  account,
  resourceGroupName: 'rg-net',
  existingNetwork: {
    virtualNetworkId: spoke,
    endpointSubnetId: `${spoke}/subnets/snet-pe`,
    allowedSources: [{ name: 'aks', cidr: '10.50.8.0/22' }],
  },
});
app.synth();
