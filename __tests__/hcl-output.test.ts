// HCL output (SYNTH_HCL_OUTPUT=true, `cdktf synth --hcl`): the azapi bindings write every argument, strings keep
// their meaning (escapes, digits-only strings, null), lifecycle conditions are blocks, and the reference stack
// synthesized to HCL passes the checklist, which judges the JSON form of the same stack (the Terraform-core task
// plans the HCL and the JSON and compares the plans: __tests__/terraform/hcl.tf.test.ts).
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { App, Fn, TerraformStack, Testing } from 'cdktf';
import { AzapiProvider, AzapiResource, AzapiUpdateResource } from '../lib';
import { hclTemplateText } from '../lib/hcl';
import { DEFAULT_CONFIG } from '../stacks/config';
import { HardenedOpenAIStack } from '../stacks/hardened-openai-stack';

// The HCL outline reader of the offline runner: masks strings, heredocs and comments so braces can be counted.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { mask } = require('../tools/tf-stub/hcl-skeleton') as { mask(text: string): string };

/** The text of `resource "<type>" "<name>" { ... }` (App.synth writes HCL unformatted: braces are counted). */
function block(hcl: string, type: string, name: string): string {
  const start = hcl.indexOf(`resource "${type}" "${name}" {\n`);
  if (start < 0) throw new Error(`no ${type}.${name} in the HCL`);
  const masked = mask(hcl);
  let depth = 0;
  for (let i = hcl.indexOf('{', start); i < hcl.length; i++) {
    if (masked[i] === '{') depth++;
    else if (masked[i] === '}' && --depth === 0) return hcl.slice(start, i + 1);
  }
  throw new Error(`${type}.${name}: unbalanced braces`);
}

/** The value text of a one-line argument `name = value` at the block's top level. */
function argument(text: string, name: string): string | undefined {
  const masked = mask(text);
  let depth = 0;
  let at = 0;
  for (const row of text.split('\n')) {
    const m = new RegExp(`^\\s*${name}\\s*=\\s*(.*?)\\s*$`).exec(row);
    if (depth === 1 && m) return m[1];
    for (const c of masked.slice(at, at + row.length)) depth += c === '{' ? 1 : c === '}' ? -1 : 0;
    at += row.length + 1;
  }
  return undefined;
}

/** A line `key = value` (any spacing, optional list comma) somewhere in the text. */
function line(key: string, value: string): RegExp {
  // `key[]`: an element of a list of plain values, on its own line inside `key = [ ... ]`.
  if (key.endsWith('[]')) {
    return new RegExp(`^\\s*${key.slice(0, -2)}\\s*=\\s*\\[[^\\]]*^\\s*${escapeRegExp(value)},?\\s*$`, 'm');
  }
  return new RegExp(`^\\s*${key}\\s*=\\s*${escapeRegExp(value)},?\\s*$`, 'm');
}

/**
 * Build a stack and synthesize its app with HCL output on, as `cdktf synth --hcl` does (cdktf reads
 * SYNTH_HCL_OUTPUT when the App and each stack are constructed); returns the stack's folder.
 */
function synthHclApp(build: (app: App) => TerraformStack): string {
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    const app = Testing.app() as App;
    const stack = build(app);
    app.synth();
    return join(app.outdir, 'stacks', stack.node.id);
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
}

/** The stack of the binding tests: a provider with an alias, a resource with every argument, an update resource. */
function bindingStack(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'hcl');
  new AzapiProvider(stack, 'azapi', { useOidc: true, tenantId: 't-1', alias: 'second' });
  const policy = new AzapiResource(stack, 'Policy', {
    type: 'Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01',
    name: '2025',
    parentId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a',
    location: 'swedencentral',
    body: {
      properties: {
        pattern: 'id\\d{3}-"x"',
        multiline: 'a\nb',
        literalInterpolation: 'keep $${this} literal',
        digits: '007',
        count: 7,
        enabled: false,
        none: null,
        items: ['one', Fn.lower('TWO')],
      },
    },
    locks: ['/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a'],
    tags: { owner: 'secops' },
    schemaValidationEnabled: false,
    responseExportValues: ['properties.mode'],
    lifecycle: {
      postcondition: [
        { condition: '${self.name == "2025"}', errorMessage: 'Hardening: the "name" must stay.' },
      ],
    },
  });
  new AzapiUpdateResource(stack, 'Patch', {
    type: 'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
    name: 'pe',
    parentId: policy.id,
    body: { properties: { privateEndpointNetworkPolicies: 'Enabled' } },
    locks: [policy.id],
  });
  return stack;
}

describe('azapi bindings in HCL output', () => {
  const hcl = readFileSync(join(synthHclApp(bindingStack), 'cdk.tf'), 'utf8');
  const resource = block(hcl, 'azapi_resource', 'Policy');

  test('every argument of azapi_resource is written, with its value', () => {
    expect(argument(resource, 'type')).toBe('"Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01"');
    // A digits-only name stays a string (cdktf's untyped writer would have made it the number 2025).
    expect(argument(resource, 'name')).toBe('"2025"');
    expect(argument(resource, 'parent_id')).toBe(
      '"/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a"',
    );
    expect(argument(resource, 'location')).toBe('"swedencentral"');
    expect(argument(resource, 'schema_validation_enabled')).toBe('false');
    expect(argument(resource, 'body')).toBe('{');
    expect(argument(resource, 'locks')).toBe('[');
    expect(resource).toMatch(
      /locks\s*=\s*\[\s*"\/subscriptions\/s\/resourceGroups\/r\/providers\/Microsoft.CognitiveServices\/accounts\/a",\s*\]/,
    );
    expect(resource).toMatch(/tags\s*=\s*\{\s*owner\s*=\s*"secops"\s*\}/);
    expect(resource).toMatch(/response_export_values\s*=\s*\[\s*"properties.mode",\s*\]/);
  });

  test('body strings are HCL strings with the same value: escapes, newlines, digits, null, functions', () => {
    expect(resource).toMatch(line('pattern', '"id\\\\d{3}-\\"x\\""'));
    expect(resource).toMatch(line('multiline', '"a\\nb"'));
    expect(resource).toMatch(line('literalInterpolation', '"keep $${this} literal"'));
    expect(resource).toMatch(line('digits', '"007"'));
    expect(resource).toMatch(line('count', '7'));
    expect(resource).toMatch(line('enabled', 'false'));
    expect(resource).toMatch(line('none', '"${null}"'));
    expect(resource).toMatch(/items\s*=\s*\[\s*"one",\s*"\$\{lower\("TWO"\)\}",\s*\]/);
  });

  test('lifecycle conditions are blocks (cdktf 0.21 writes an argument list Terraform refuses)', () => {
    expect(resource).not.toMatch(/postcondition\s*=/);
    expect(resource).toMatch(
      /lifecycle \{\s*postcondition \{\s*condition\s*=\s*"\$\{self.name == "2025"\}"\s*error_message\s*=\s*"Hardening: the \\"name\\" must stay."\s*\}\s*\}/,
    );
  });

  test('every argument of azapi_update_resource is written; references stay references', () => {
    const patch = block(hcl, 'azapi_update_resource', 'Patch');
    expect(argument(patch, 'type')).toBe('"Microsoft.Network/virtualNetworks/subnets@2024-05-01"');
    expect(argument(patch, 'name')).toBe('"pe"');
    expect(argument(patch, 'parent_id')).toBe('"${azapi_resource.Policy.id}"');
    expect(patch).toMatch(
      /body\s*=\s*\{\s*properties\s*=\s*\{\s*privateEndpointNetworkPolicies\s*=\s*"Enabled"\s*\}\s*\}/,
    );
    expect(patch).toMatch(/locks\s*=\s*\[\s*"\$\{azapi_resource.Policy.id\}",\s*\]/);
  });

  test('the provider writes its settings and its alias, in HCL and in JSON', () => {
    expect(hcl).toMatch(
      /provider "azapi" \{\s*tenant_id\s*=\s*"t-1"\s*use_oidc\s*=\s*true\s*alias\s*=\s*"second"\s*\}/,
    );
    // toTerraform(), not Testing.synth: the Terraform corpus (setup.js) does not mount aliased providers.
    expect(bindingStack(Testing.app()).toTerraform().provider.azapi).toEqual([
      { tenant_id: 't-1', use_oidc: true, alias: 'second' },
    ]);
  });

  test('an object key HCL cannot take as written fails at synth, naming the construct path and the key', () => {
    const build = (app: App) => {
      const s = new TerraformStack(app, 'bad-key');
      new AzapiProvider(s, 'azapi');
      new AzapiResource(s, 'Odd', { type: 'T@1', name: 'n', parentId: '/p', body: { 'a"b': 1 } });
      return s;
    };
    expect(() => synthHclApp(build)).toThrow(
      /bad-key\/Odd\.body: the object key "a\\"b" cannot be written in HCL output/,
    );
  });
});

describe('hclTemplateText: a Terraform template string as the inside of an HCL quoted template', () => {
  test.each([
    ['plain', 'plain'],
    ['back\\slash', 'back\\\\slash'],
    ['say "hi"', 'say \\"hi\\"'],
    ['tab\tand\r\n', 'tab\\tand\\r\\n'],
    ['${var.x == "a"}', '${var.x == "a"}'],
    ['pre "${f("}")}" post', 'pre \\"${f("}")}\\" post'],
    ['$${literal "q"}', '$${literal \\"q\\"}'],
    ['%{ if x }"y"%{ endif }', '%{ if x }\\"y\\"%{ endif }'],
  ])('%j', (input, expected) => {
    expect(hclTemplateText(input)).toBe(expected);
  });
});

describe('the reference stack with SYNTH_HCL_OUTPUT=true', () => {
  const dir = synthHclApp((app) => new HardenedOpenAIStack(app, DEFAULT_CONFIG));
  const hcl = readFileSync(join(dir, 'cdk.tf'), 'utf8');
  const json = JSON.parse(Testing.synth(new HardenedOpenAIStack(Testing.app(), DEFAULT_CONFIG)));

  test('writes cdk.tf and no JSON beside it', () => {
    expect(dir).toMatch(/stacks\/aoai-hardened-dev$/);
    expect(existsSync(join(dir, 'cdk.tf.json'))).toBe(false);
  });

  test('passes the checklist with 0 errors (judged on the JSON form of the same stack)', () => {
    const report = JSON.parse(readFileSync(join(dir, 'hardening-report.json'), 'utf8'));
    expect(report.summary.errors).toBe(0);
    expect(report.summary.compliant).toBeGreaterThan(50);
    // The content-filter rules read the RAI policy's and blocklists' type, name, parent_id and body.
    const raiRules = report.findings.filter((f: any) => /^AOAI-CFP-/.test(f.ruleId));
    expect(new Set(raiRules.map((f: any) => f.ruleId)).size).toBe(7);
    expect(raiRules.every((f: any) => f.status === 'compliant')).toBe(true);
  });

  test('writes whole azapi blocks: the RAI policy, the blocklist, its items and the update resources', () => {
    const azapi = { ...json.resource.azapi_resource, ...json.resource.azapi_update_resource };
    const types = new Set(Object.values<any>(azapi).map((r) => r.type));
    expect(types).toEqual(
      new Set([
        'Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01',
        'Microsoft.CognitiveServices/accounts/raiBlocklists@2025-06-01',
        'Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems@2025-06-01',
        'Microsoft.CognitiveServices/accounts/defenderForAISettings@2025-06-01',
        // The Defender for AI plan, written as an update (no Free-on-destroy).
        'Microsoft.Security/pricings@2024-01-01',
        'Microsoft.Network/virtualNetworks/subnets@2024-05-01',
      ]),
    );
    for (const [kind, instances] of Object.entries<any>({
      azapi_resource: json.resource.azapi_resource,
      azapi_update_resource: json.resource.azapi_update_resource,
    })) {
      for (const [name, r] of Object.entries<any>(instances)) {
        const text = block(hcl, kind, name);
        expect(argument(text, 'type')).toBe(`"${r.type}"`);
        if (r.name === undefined) {
          // An update addressed by its resource ID (the Defender plan): no name or parent.
          expect(argument(text, 'resource_id')).toBe(`"${r.resource_id}"`);
        } else {
          expect(argument(text, 'name')).toBe(`"${r.name}"`);
          expect(argument(text, 'parent_id')).toBe(`"${r.parent_id}"`);
        }
        expect(argument(text, 'body')).toBe('{');
        // Every body leaf is written: each string, number and boolean of the JSON body appears as key = value.
        for (const [key, value] of leaves(r.body)) {
          expect(text).toMatch(
            line(key, typeof value === 'string' ? `"${hclTemplateText(value)}"` : String(value)),
          );
        }
      }
    }
  });

  test('the RAI policy keeps the hardened filters and the custom blocklist in its HCL body', () => {
    const [name] = Object.entries<any>(json.resource.azapi_resource).find(([, r]) =>
      r.type.includes('raiPolicies@'),
    )!;
    const text = block(hcl, 'azapi_resource', name);
    expect(text).toMatch(line('basePolicyName', '"Microsoft.DefaultV2"'));
    expect(text).toMatch(line('blocklistName', '"corp-confidential"'));
    expect(text.match(/severityThreshold\s*=\s*"Low"/g)).toHaveLength(8);
    expect(text.match(/blocking\s*=\s*true/g)!.length).toBeGreaterThanOrEqual(12);
    expect(text).not.toMatch(/blocking\s*=\s*false/);
  });
});

/** [key, value] of every scalar in a JSON body (object keys only; list items are keyed by their object's keys). */
function leaves(value: unknown, key = ''): Array<[string, unknown]> {
  // A list of plain values is written as a list (`key = [` then one value per line): its elements are leaves
  // without a key, matched as list items.
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    return value.map((v) => [`${key}[]`, v] as [string, unknown]);
  }
  if (Array.isArray(value)) return value.flatMap((v) => leaves(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, k));
  }
  return key ? [[key, value]] : [];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
