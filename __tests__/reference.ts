import { Testing } from 'cdktf';
import { DEFAULT_CONFIG, StackConfig } from '../stacks/config';
import { HardenedOpenAIStack } from '../stacks/hardened-openai-stack';

/** Synthesize the reference stack (checklist Aspect included) to parsed JSON. */
export function referenceJson(overrides: Partial<StackConfig> = {}): any {
  const stack = new HardenedOpenAIStack(Testing.app(), { ...DEFAULT_CONFIG, ...overrides });
  return JSON.parse(Testing.synth(stack));
}

export function referenceStack(overrides: Partial<StackConfig> = {}): HardenedOpenAIStack {
  return new HardenedOpenAIStack(Testing.app(), { ...DEFAULT_CONFIG, ...overrides });
}

export function firstOf(json: any, type: string, section: 'resource' | 'data' = 'resource'): [string, any] {
  const entries = Object.entries(json[section]?.[type] ?? {});
  if (!entries.length) throw new Error(`no ${type}`);
  return entries[0] as [string, any];
}

/** The endpoint subnet's NSG (named nsg-<account>-pe), beside the app and APIM subnets' NSGs of a new VNet. */
export function endpointNsg(json: any): [string, any] {
  const found = Object.entries<any>(json.resource?.azurerm_network_security_group ?? {}).find(([, r]) =>
    /-pe$/.test(String(r.name)),
  );
  if (!found) throw new Error('no endpoint NSG (nsg-<account>-pe)');
  return found;
}
