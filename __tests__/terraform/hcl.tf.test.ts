// The reference stack synthesized to HCL (SYNTH_HCL_OUTPUT=true, as `cdktf synth --hcl` writes cdk.tf) is valid for
// Terraform, and Terraform plans it to exactly what it plans for the JSON form of the same stack, the form the
// checklist judges at synth. The offline runner takes a folder of .tf files as it takes one with cdk.tf.json.
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App } from 'cdktf';
import { Scratch, runTf } from './tf';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { HardenedOpenAIStack } from '../../stacks/hardened-openai-stack';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

/** The reference stack's folder as `cdktf synth` writes it, with HCL output on or off. */
function synthReference(hcl: boolean): string {
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = hcl ? 'true' : 'false';
  try {
    const app = new App({ outdir: join(scratch.root, hcl ? 'hcl-out' : 'json-out'), stackTraces: false });
    const stack = new HardenedOpenAIStack(app, DEFAULT_CONFIG);
    app.synth();
    const dir = join(scratch.root, 'stacks', hcl ? 'hcl' : 'json');
    mkdirSync(dir, { recursive: true });
    const file = hcl ? 'cdk.tf' : 'cdk.tf.json';
    cpSync(join(app.outdir, 'stacks', stack.node.id, file), join(dir, file));
    return dir;
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
}

/** Each planned resource's actions and after-values, by address. */
function planned(planJson: string): Map<string, unknown> {
  const plan = JSON.parse(readFileSync(planJson, 'utf8'));
  return new Map(
    plan.resource_changes.map((c: any) => [
      c.address,
      { actions: c.change.actions, after: c.change.after, after_unknown: c.change.after_unknown },
    ]),
  );
}

/**
 * The HCL value with each multi-line string's one trailing newline dropped where the JSON value lacks it: cdktf
 * writes a multi-line string as a heredoc, which ends in a newline (cdktf 0.21 lib/hcl/render.js renderString;
 * docs/terraform-facts.md). Nothing else is forgiven.
 */
function withoutHeredocNewline(hcl: unknown, json: unknown): unknown {
  if (typeof hcl === 'string' && typeof json === 'string') return hcl === `${json}\n` ? json : hcl;
  if (Array.isArray(hcl) && Array.isArray(json)) return hcl.map((v, i) => withoutHeredocNewline(v, json[i]));
  if (hcl && json && typeof hcl === 'object' && typeof json === 'object') {
    return Object.fromEntries(
      Object.entries(hcl).map(([k, v]) => [k, withoutHeredocNewline(v, (json as any)[k])]),
    );
  }
  return hcl;
}

describe('the reference stack in HCL', () => {
  const hclDir = synthReference(true);
  const jsonDir = synthReference(false);
  let hclPlan: Map<string, unknown>;
  let jsonPlan: Map<string, unknown>;

  beforeAll(async () => {
    const [h, j] = await Promise.all([
      runTf('plan', hclDir, { workDir: scratch.workDir('hcl-plan') }),
      runTf('plan', jsonDir, { workDir: scratch.workDir('json-plan') }),
    ]);
    expect(h.output).not.toContain('Error');
    expect(h.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
    expect(h.code).toBe(0);
    expect(j.code).toBe(0);
    hclPlan = planned(h.planJson!);
    jsonPlan = planned(j.planJson!);
  });

  test('the folder holds cdk.tf only, and Terraform plans it with no error (plan validates first)', () => {
    expect(readdirSync(hclDir)).toEqual(['cdk.tf']);
    expect(hclPlan.size).toBeGreaterThan(40);
  });

  test('Terraform plans the HCL exactly as the JSON the checklist judged: every resource, every value', () => {
    expect([...hclPlan.keys()].sort()).toEqual([...jsonPlan.keys()].sort());
    expect(hclPlan.size).toBeGreaterThan(40);
    for (const [address, json] of jsonPlan) {
      expect({ address, planned: withoutHeredocNewline(hclPlan.get(address), json) }).toEqual({
        address,
        planned: json,
      });
    }
  });

  test('the azapi resources keep type, name, parent_id and body in the plan of the HCL', () => {
    const azapi = [...hclPlan].filter(([address]) => address.startsWith('azapi_'));
    const types = azapi.map(([, c]: [string, any]) => c.after.type).sort();
    expect(types).toEqual([
      'Microsoft.CognitiveServices/accounts/defenderForAISettings@2025-06-01',
      'Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems@2025-06-01',
      'Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems@2025-06-01',
      'Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems@2025-06-01',
      'Microsoft.CognitiveServices/accounts/raiBlocklists@2025-06-01',
      'Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01',
      // The endpoint, app and APIM subnets, each written with its NSG.
      'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
      'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
      'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
      // The Defender for AI plan, an update of the subscription's plan (SubscriptionBaseline).
      'Microsoft.Security/pricings@2024-01-01',
    ]);
    // The endpoint subnet's NSG survives the HCL round trip: a reference to the endpoint NSG in the planned body.
    const pe: any = azapi.find(([, c]: [string, any]) => c.after.name === 'snet-private-endpoints')![1];
    expect(pe.after.body.properties.privateEndpointNetworkPolicies).toBe('Enabled');
    expect(pe.after_unknown.body.properties.networkSecurityGroup.id).toBe(true);
    const policy: any = azapi.find(([, c]: [string, any]) => c.after.type.includes('raiPolicies@'))![1];
    expect(policy.after.name).toBe('strict-production-filter');
    expect(policy.after_unknown.parent_id).toBe(true); // the account's ID, known at apply
    expect(policy.after.body.properties.basePolicyName).toBe('Microsoft.DefaultV2');
    expect(policy.after.body.properties.customBlocklists.map((b: any) => b.blocklistName)).toEqual([
      'corp-confidential',
      'corp-confidential',
    ]);
    const items = azapi.filter(([, c]: [string, any]) => c.after.type.includes('raiBlocklistItems@'));
    expect(items.map(([, c]: [string, any]) => c.after.body.properties.pattern).sort()).toEqual([
      'Project Bluebird',
      'do not distribute',
      'internal-only',
    ]);
  });
});

describe('the offline runner on HCL folders', () => {
  const hcl = [
    'terraform {',
    '  required_providers {',
    '    azurerm = { source = "hashicorp/azurerm", version = "4.55.0" }',
    '  }',
    '  backend "local" {',
    '    path = "elsewhere.tfstate" # a backend would make Terraform ask for init',
    '  }',
    '}',
    'provider "azurerm" {',
    '  features {}',
    '}',
    'resource "azurerm_resource_group" "rg" {',
    '  name     = "rg-{hcl}"',
    '  location = "swedencentral"',
    '}',
    '',
  ].join('\n');

  test('plans a hand-written .tf folder with a backend and leaves the folder as it was', async () => {
    const dir = join(scratch.root, 'stacks', 'hand-written');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.tf'), hcl);
    const r = await runTf('plan', dir, { workDir: scratch.workDir('hand-written') });
    expect(r.output).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['main.tf']);
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe(hcl);
    expect(readFileSync(join(r.workDir, 'main.tf'), 'utf8')).not.toContain('backend');
  });

  test('refuses a folder with both cdk.tf and cdk.tf.json (Terraform would load both)', async () => {
    const dir = join(scratch.root, 'stacks', 'both');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cdk.tf'), hcl);
    writeFileSync(join(dir, 'cdk.tf.json'), '{}');
    await expect(runTf('validate', dir, { workDir: scratch.workDir('both') })).rejects.toThrow(
      /both cdk\.tf\.json and cdk\.tf/,
    );
  });
});
