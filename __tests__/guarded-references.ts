import { TerraformVariable, Testing } from 'cdktf';
import { newStack } from './helpers';
import { OpenAIAccount, SecurityMonitoring } from '../lib';

/**
 * A stack whose opt-out expiry and workspace retention are Terraform variables: the constructs guard both with a
 * plan-time precondition (lib/record-format.ts) and list it in the hardening record. Synthesized without validation;
 * tests judge the JSON.
 */
export function guardedReferencesJson(): any {
  const stack = newStack();
  const expiry = new TerraformVariable(stack, 'opt_out_expiry', { type: 'string' }).stringValue;
  const retention = new TerraformVariable(stack, 'retention_days', { type: 'number' }).numberValue;
  const account = new OpenAIAccount(stack, 'Account', {
    name: 'aoai-guarded',
    resourceGroupName: 'rg-guarded',
    location: 'swedencentral',
    localAuthOptOut: { reason: 'legacy batch client until its migration', expiresOn: expiry },
  });
  new SecurityMonitoring(stack, 'Monitoring', { account, retentionInDays: retention });
  return JSON.parse(Testing.synth(stack));
}

/** The stack's hardening record (terraform_data) and its Log Analytics workspace. */
export function guardedParts(json: any): { record: any; workspace: any } {
  const one = (type: string) => Object.values((json.resource[type] ?? {}) as Record<string, any>)[0];
  return { record: one('terraform_data'), workspace: one('azurerm_log_analytics_workspace') };
}
