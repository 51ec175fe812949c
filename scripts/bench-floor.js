// The floor: a minimal cdktf app with one deep-imported azurerm resource.
const { App, TerraformStack } = require('cdktf');
const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
const { ResourceGroup } = require('@cdktf/provider-azurerm/lib/resource-group');
const app = new App();
const stack = new TerraformStack(app, 'floor');
new AzurermProvider(stack, 'azurerm', { features: [{}] });
new ResourceGroup(stack, 'rg', { name: 'rg-floor', location: 'swedencentral' });
app.synth();
