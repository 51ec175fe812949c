// Deliberately broken and weakened copies of the reference stack, judged by Terraform itself (against the stub
// providers): each fails with Terraform's own error naming the problem, and each hardened property that a
// postcondition guards fails apply when flipped.
import { readFileSync } from 'fs';
import { runChecks } from '../../lib/checklist/engine';
import { loadModel } from '../../lib/checklist/model';
import { referenceJson } from '../reference';
import { Scratch, TfResult, copyOf, runTf } from './tf';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const reference = referenceJson();
const [ACCOUNT] = Object.keys(reference.resource.azurerm_cognitive_account);
const [RG] = Object.keys(reference.resource.azurerm_resource_group);
const accountOf = (config: any) => config.resource.azurerm_cognitive_account[ACCOUNT];

/** A copy of the reference stack with one change applied to the account (or the whole configuration). */
function variant(change: (config: any, account: any) => void): any {
  const config = copyOf(reference);
  change(config, accountOf(config));
  return config;
}

describe('broken copies: terraform validate fails with its own error', () => {
  const cases: Array<[string, any, string[]]> = [
    [
      'a misspelled argument',
      variant((_, a) => {
        a.public_network_acess_enabled = a.public_network_access_enabled;
        delete a.public_network_access_enabled;
      }),
      [
        'No argument or block type is named "public_network_acess_enabled"',
        'Did you mean "public_network_access_enabled"?',
      ],
    ],
    [
      'a reference to a missing resource',
      variant((_, a) => {
        a.resource_group_name = '${azurerm_resource_group.DoesNotExist.name}';
      }),
      ['Reference to undeclared resource', 'azurerm_resource_group" "DoesNotExist" has not been declared'],
    ],
    [
      'a list where a string belongs',
      variant((_, a) => {
        a.kind = ['OpenAI'];
      }),
      ['Incorrect attribute value type', 'Inappropriate value for attribute "kind": string required'],
    ],
    [
      'a dependency cycle',
      variant((config) => {
        // The account already references the resource group (resource_group_name).
        config.resource.azurerm_resource_group[RG].depends_on = [`azurerm_cognitive_account.${ACCOUNT}`];
      }),
      ['Error: Cycle:', `azurerm_cognitive_account.${ACCOUNT}`, `azurerm_resource_group.${RG}`],
    ],
  ];
  const results = new Map<string, TfResult>();

  beforeAll(async () => {
    await Promise.all(
      cases.map(async ([name, config], i) => {
        const dir = scratch.stack(`broken-${i}`, config);
        results.set(name, await runTf('validate', dir, { workDir: scratch.workDir(`broken-${i}`) }));
      }),
    );
  });

  test.each(cases)('%s', (name, _config, messages) => {
    const r = results.get(name)!;
    expect(r.code).toBe(1);
    // Terraform wraps long lines: compare with whitespace collapsed.
    const output = r.output.replace(/\s+/g, ' ');
    for (const m of messages) expect(output).toContain(m);
    // Terraform points at the file and line (a cycle is a property of the graph: it names the resources instead).
    if (name !== 'a dependency cycle') {
      expect(output).toMatch(/on cdk\.tf\.json line \d+, in resource\.azurerm_cognitive_account/);
    }
  });
});

describe('weakened copies: apply fails on the postcondition that guards each hardened property', () => {
  const conditions: Array<{ error_message: string }> = accountOf(reference).lifecycle.postcondition;
  const message = (fragment: string) =>
    conditions.find((c) => c.error_message.includes(fragment))!.error_message;
  const cases: Array<[string, any, string]> = [
    [
      'public network access on',
      variant((_, a) => {
        a.public_network_access_enabled = true;
      }),
      message('public network access'),
    ],
    [
      'key (local) authentication on',
      variant((_, a) => {
        a.local_auth_enabled = true;
      }),
      message('local) authentication'),
    ],
    [
      'network ACL default action Allow',
      variant((_, a) => {
        a.network_acls.default_action = 'Allow';
      }),
      message('default action'),
    ],
  ];
  const results = new Map<string, TfResult>();

  beforeAll(async () => {
    await Promise.all(
      cases.map(async ([name, config], i) => {
        const dir = scratch.stack(`weak-${i}`, config);
        results.set(name, await runTf('apply', dir, { workDir: scratch.workDir(`weak-${i}`) }));
      }),
    );
  });

  test('the reference stack has exactly these three account postconditions', () => {
    expect(conditions).toHaveLength(3);
    expect(new Set(cases.map(([, , m]) => m)).size).toBe(3);
  });

  test.each(cases)('%s', (name, _config, expected) => {
    const r = results.get(name)!;
    expect(r.code).toBe(1);
    // Terraform wraps long lines: compare with whitespace collapsed.
    const output = r.output.replace(/\s+/g, ' ');
    expect(output).toContain('Error: Resource postcondition failed');
    expect(output).toContain(expected);
    // Only the flipped property's condition failed.
    for (const other of cases.map(([, , m]) => m).filter((m) => m !== expected)) {
      expect(output).not.toContain(other);
    }
  });
});

describe("the checklist on Terraform's real plan of a weakened copy without postconditions", () => {
  // A stack that weakens all three properties and drops the postconditions (as a hand-written stack would):
  // Terraform plans it, and the checklist run on Terraform's plan JSON names each weakness.
  const weakened = variant((_, a) => {
    a.public_network_access_enabled = true;
    a.local_auth_enabled = true;
    a.network_acls.default_action = 'Allow';
    delete a.lifecycle.postcondition;
  });
  let plan: any;

  beforeAll(async () => {
    const r = await runTf('plan', scratch.stack('weak-unguarded', weakened), {
      workDir: scratch.workDir('weak-unguarded'),
    });
    expect(r.code).toBe(0);
    plan = JSON.parse(readFileSync(r.planJson!, 'utf8'));
  });

  test('AOAI-NET-001, AOAI-IAM-001 and AOAI-NET-002 fail on the account, with the planned values', () => {
    const report = runChecks(loadModel(plan, 'plan.json'), { today: '2026-11-28' });
    const finding = (id: string) =>
      report.findings.find((f) => f.ruleId === id && f.address === `azurerm_cognitive_account.${ACCOUNT}`);
    expect(finding('AOAI-NET-001')).toMatchObject({ status: 'non-compliant', value: true });
    expect(finding('AOAI-IAM-001')).toMatchObject({ status: 'non-compliant', value: true });
    expect(finding('AOAI-NET-002')).toMatchObject({ status: 'non-compliant', value: 'Allow' });
  });
});
