import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { Testing, TerraformStack } from 'cdktf';

/** A fresh stack with the azurerm provider, as users' stacks have. */
export function newStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  return stack;
}

/** Why a test synthesizes a stack Terraform must refuse, and the error Terraform gives (a substring of it). */
export interface TerraformRefusal {
  readonly error: string;
  readonly reason: string;
}

/**
 * Testing.synth of a stack a test weakens or breaks on purpose. With `npm test` every synthesized stack goes
 * through Terraform core (tools/tf-stub/corpus.js); this one is recorded as one Terraform must refuse with
 * `refusal.error`, and the Terraform task asserts exactly that instead of planning it as a valid stack.
 */
export function synthRefused(
  stack: TerraformStack,
  refusal: TerraformRefusal,
  runValidations = false,
): string {
  const global = globalThis as { __aoaiExpectRefusal?: TerraformRefusal };
  global.__aoaiExpectRefusal = refusal;
  try {
    return Testing.synth(stack, runValidations);
  } finally {
    delete global.__aoaiExpectRefusal;
  }
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
