import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { Testing, TerraformStack } from 'cdktf';

/** A fresh stack with the azurerm provider, as users' stacks have. */
export function newStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  return stack;
}

/** Synthesize and parse; `validate` runs construct validations (and so the checklist Aspect). */
export function synthJson(stack: TerraformStack, validate = false): any {
  return JSON.parse(Testing.synth(stack, validate));
}

/** The resources of one type, keyed by logical ID. */
export function resourcesOf(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The only resource of a type; fails the test if there are zero or several. */
export function onlyResource(json: any, type: string): any {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}
