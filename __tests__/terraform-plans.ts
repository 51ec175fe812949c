// Plan JSON that Terraform itself wrote, committed as fixtures for the fast unit suite (which must not spawn
// Terraform): the first plan of the reference stack, planned by Terraform core against the stub providers
// (tools/tf-stub) and written by `terraform show -json`. `npm run tf:fixtures` regenerates them
// (scripts/tf-fixtures.js, through __tests__/terraform/generate-plans.ts); __tests__/terraform/plan-fixtures.tf.test.ts
// regenerates them in a scratch folder and
// fails when the committed files differ from what Terraform writes today.
//
// Deterministic by construction: the synthesized stack is byte-identical across runs, the stubs' fake values are
// derived from the configuration, and the one field that changes on every run, the plan's `timestamp`
// (https://developer.hashicorp.com/terraform/internals/json-format, "Plan Representation"), is dropped.
// Nothing else in the plan names the machine: Terraform runs in a work folder, and the plan JSON holds no paths.
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { TerraformStack, Testing } from 'cdktf';
import { closedWorldEvasionsJson } from './evasion/closed-world-corpus';
import { referenceJson } from './reference';

/** The folder of the committed plan fixtures. */
export const PLAN_FIXTURE_DIR = join(__dirname, 'fixtures', 'terraform');
export const REFRESH_COMMAND = 'npm run tf:fixtures';

export interface PlanFixture {
  /** File name under __tests__/fixtures/terraform/. */
  readonly file: string;
  /** What the plan is of, for the index and the messages. */
  readonly description: string;
  /** The synthesized configuration Terraform plans. */
  readonly config: () => any;
}

export const PLAN_FIXTURES: readonly PlanFixture[] = [
  {
    file: 'reference-first-plan.json',
    description: 'first plan (no state) of the reference stack, referenceJson()',
    config: () => referenceJson(),
  },
  {
    file: 'weakened-first-plan.json',
    description:
      'first plan of the reference stack weakened (public access and key auth on, the deployment on Microsoft.Default) ' +
      'with its postconditions removed, as a configuration written without this package would plan',
    config: () => weakenedReferenceJson(),
  },
  {
    file: 'closed-world-evasions-first-plan.json',
    description:
      'first plan of the reference stack with every planned evasion case of issue 25 in it (__tests__/evasion/closed-world-corpus.ts)',
    config: () => closedWorldEvasionsJson(),
  },
  {
    file: 'grant-by-role-name-first-plan.json',
    description: 'first plan of a small user stack: an account and a grant on it by role name',
    config: () => grantByRoleNameJson(),
  },
];

/**
 * A user's own small stack: an account and a grant on it by role name (azurerm computes role_definition_id from the
 * name at apply, so Terraform's plan shows the ID null or unknown). The checklist warned AOAI-IAM-005 on the plan
 * only, until plan and configuration verdicts were compared stack by stack.
 */
export function grantByRoleNameJson(): any {
  const stack = new TerraformStack(Testing.app(), 'grant-by-role-name');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const account = new CognitiveAccount(stack, 'aoai', {
    name: 'aoai-grant',
    location: 'swedencentral',
    resourceGroupName: 'rg-grant',
    kind: 'OpenAI',
    skuName: 'S0',
    customSubdomainName: 'aoai-grant',
    publicNetworkAccessEnabled: false,
    localAuthEnabled: false,
  });
  new RoleAssignment(stack, 'app', {
    scope: account.id,
    roleDefinitionName: 'Cognitive Services OpenAI User',
    principalId: '11111111-2222-3333-4444-555555555555',
    principalType: 'ServicePrincipal',
  });
  return JSON.parse(Testing.synth(stack));
}

/**
 * The reference stack with three hardened values flipped and every postcondition removed (with them, Terraform
 * refuses to plan it: __tests__/terraform/broken-copies.tf.test.ts), so Terraform writes the plan a weak
 * configuration gets and the checklist must catch.
 */
export function weakenedReferenceJson(): any {
  const config = referenceJson();
  const [account] = Object.values<any>(config.resource.azurerm_cognitive_account);
  account.public_network_access_enabled = true;
  account.local_auth_enabled = true;
  for (const deployment of Object.values<any>(config.resource.azurerm_cognitive_deployment)) {
    deployment.rai_policy_name = 'Microsoft.Default';
  }
  for (const instances of Object.values<any>(config.resource)) {
    for (const body of Object.values<any>(instances)) {
      if (body.lifecycle) delete body.lifecycle.postcondition;
    }
  }
  return config;
}

/** The index records, per fixture, the hash of the configuration it was planned from (checked by the unit suite). */
export const INDEX_FILE = 'index.json';

export function configSha256(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/**
 * Terraform's plan JSON without its run timestamp, one-space indented (reviewable diffs, about 220 KB), with
 * `relevant_attributes` sorted: Terraform 1.11.4 lists them in a different order from run to run (measured
 * 2026-11-28: two plans of the same stack differed only there), and the order carries no meaning (a set of
 * resource attributes that contributed to the plan; json-format docs, "Plan Representation").
 */
export function renderPlan(plan: any): string {
  const { timestamp: _timestamp, ...rest } = plan;
  if (Array.isArray(rest.relevant_attributes)) {
    const key = (a: any) => JSON.stringify([a.resource, a.attribute]);
    rest.relevant_attributes = [...rest.relevant_attributes].sort((a, b) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0,
    );
  }
  return `${JSON.stringify(rest, null, 1)}\n`;
}

export interface IndexEntry {
  readonly description: string;
  /** sha256 of the synthesized configuration (JSON.stringify of the parsed cdk.tf.json) it was planned from. */
  readonly configSha256: string;
  readonly terraformVersion: string;
}

export function renderIndex(entries: Record<string, IndexEntry>): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}

export function committedIndex(): Record<string, IndexEntry> {
  return JSON.parse(readFileSync(join(PLAN_FIXTURE_DIR, INDEX_FILE), 'utf8'));
}

/** A committed plan fixture, parsed (e.g. 'reference-first-plan.json'). */
export function committedPlan(file: string): any {
  return JSON.parse(readFileSync(join(PLAN_FIXTURE_DIR, file), 'utf8'));
}

/** The same, as the text Terraform wrote (minus its timestamp), e.g. to serve it over HTTP. */
export function committedPlanText(file: string): string {
  return readFileSync(join(PLAN_FIXTURE_DIR, file), 'utf8');
}
