import { TerraformVariable, Testing } from 'cdktf';
import { newStack } from './helpers';
import { OpenAIAccount, SecurityMonitoring } from '../lib';

/**
 * A stack whose opt-out expiry, workspace retention, e-mail receivers and webhooks are Terraform variables: the
 * constructs guard each with a plan-time precondition (lib/record-format.ts) and list it in the hardening record.
 * Synthesized without validation;
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
    deployments: [
      {
        name: 'gpt-4o',
        modelName: 'gpt-4o',
        modelVersion: '2024-08-06',
        capacity: new TerraformVariable(stack, 'gpt4o_capacity', { type: 'number' }).numberValue,
      },
    ],
  });
  const variable = (name: string, type: string, sensitive?: boolean) =>
    new TerraformVariable(stack, name, { type, sensitive });
  new SecurityMonitoring(stack, 'Monitoring', {
    account,
    retentionInDays: retention,
    // One element by reference in a literal list, and whole lists (dynamic blocks), one of them sensitive.
    securityTeam: {
      emailAddresses: ['secops@contoso.com', variable('security_email', 'string').stringValue],
      webhookUris: [variable('security_webhook', 'string', true).stringValue],
    },
    finOps: { emailAddresses: variable('finops_emails', 'list(string)').listValue },
    changeManagement: { webhookUris: variable('change_webhooks', 'list(string)', true).listValue },
  });
  return JSON.parse(Testing.synth(stack));
}

/** Good values for every variable of the guarded stack (terraform plan -var arguments). */
export const GUARDED_GOOD_VARS: Record<string, string> = {
  opt_out_expiry: '2099-12-31',
  retention_days: '365',
  gpt4o_capacity: '50',
  security_email: 'oncall@contoso.com',
  security_webhook: 'https://prod.logic.azure.com/workflows/x?sig=s3cr3t',
  finops_emails: '["finops@contoso.com","cfo@contoso.com"]',
  change_webhooks: '["https://hooks.contoso.com/change"]',
};

/** The stack's hardening record (terraform_data), its Log Analytics workspace and its action groups by audience. */
export function guardedParts(json: any): { record: any; workspace: any; groups: Record<string, any> } {
  const one = (type: string) => Object.values((json.resource[type] ?? {}) as Record<string, any>)[0];
  const groups = Object.fromEntries(
    Object.values<any>(json.resource.azurerm_monitor_action_group ?? {}).map((g) => [
      g.name.split('-').pop(),
      g,
    ]),
  );
  return { record: one('terraform_data'), workspace: one('azurerm_log_analytics_workspace'), groups };
}
