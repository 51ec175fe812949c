import { AzapiProvider, AzapiResource, AzapiUpdateResource } from '../lib';
import { newStack, onlyResource, synthJson } from './helpers';
import { azapiProviderFor } from '../lib/azapi/provider';

describe('azapi bindings', () => {
  test('the provider pins Azure/azapi ~> 2.5 and passes its settings', () => {
    const stack = newStack();
    new AzapiProvider(stack, 'azapi', { useOidc: true, tenantId: '00000000-0000-0000-0000-00000000000a' });
    const json = synthJson(stack);
    expect(json.terraform.required_providers.azapi).toEqual({ source: 'Azure/azapi', version: '~> 2.5' });
    expect(json.provider.azapi).toEqual([
      { use_oidc: true, tenant_id: '00000000-0000-0000-0000-00000000000a' },
    ]);
  });
  test('azapi_resource: type@version, parent, locks, and a body whose ARM camelCase keys are kept verbatim', () => {
    const stack = newStack();
    azapiProviderFor(stack);
    const r = new AzapiResource(stack, 'Policy', {
      type: 'Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01',
      name: 'p',
      parentId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a',
      locks: ['/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a'],
      body: {
        properties: { basePolicyName: 'Microsoft.DefaultV2', contentFilters: [{ severityThreshold: 'Low' }] },
      },
      tags: { owner: 'secops' },
    });
    const res = onlyResource(synthJson(stack), 'azapi_resource');
    expect(res).toEqual({
      type: 'Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01',
      name: 'p',
      parent_id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a',
      locks: ['/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a'],
      body: {
        properties: { basePolicyName: 'Microsoft.DefaultV2', contentFilters: [{ severityThreshold: 'Low' }] },
      },
      tags: { owner: 'secops' },
    });
    expect(r.id).toMatch(/TOKEN/);
    expect(AzapiResource.tfResourceType).toBe('azapi_resource');
  });
  test('azapi_update_resource: resource_id and body', () => {
    const stack = newStack();
    azapiProviderFor(stack);
    new AzapiUpdateResource(stack, 'Patch', {
      type: 'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
      resourceId: '/x/subnets/pe',
      body: { properties: { privateEndpointNetworkPolicies: 'Enabled' } },
    });
    expect(onlyResource(synthJson(stack), 'azapi_update_resource')).toEqual({
      type: 'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
      resource_id: '/x/subnets/pe',
      body: { properties: { privateEndpointNetworkPolicies: 'Enabled' } },
    });
  });
  test("azapiProviderFor reuses the user's provider instead of adding a second one", () => {
    const stack = newStack();
    const mine = new AzapiProvider(stack, 'my-azapi', {});
    expect(azapiProviderFor(stack)).toBe(mine);
    expect(Object.keys(synthJson(stack).provider.azapi)).toHaveLength(1);
  });
});
