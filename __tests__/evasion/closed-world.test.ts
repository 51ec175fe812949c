import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { CLOSED_WORLD_CORPUS, ClosedWorldCase } from './closed-world-corpus';
import { checkDocument } from '../../lib';
import { CheckOptions, Report } from '../../lib/checklist/engine';
import { firstOf, referenceJson } from '../reference';
import { PLAN_FIXTURE_DIR } from '../terraform-plans';

const TODAY = '2026-11-28';
const reference = referenceJson();
const check = (doc: unknown, options: CheckOptions = {}): Report =>
  checkDocument(doc, { today: TODAY, ...options });
const failing = (report: Report, c: ClosedWorldCase) =>
  report.findings.filter(
    (f) =>
      f.status === 'non-compliant' &&
      f.severity === 'error' &&
      f.ruleId === c.ruleId &&
      f.address === c.address,
  );
const edited = (c: ClosedWorldCase) => {
  const j = structuredClone(reference);
  c.edit(j);
  return j;
};

test('the reference stack passes the closed world: every type it writes is judged or inert', () => {
  const report = check(reference);
  expect(report.summary.errors).toBe(0);
  expect(report.findings.filter((f) => f.ruleId === 'AOAI-CHK-005').map((f) => f.status)).toEqual([
    'compliant',
  ]);
});

test('every class of issue 25 has cases of its own', () => {
  const classes = new Set(CLOSED_WORLD_CORPUS.map((c) => c.cls));
  for (const cls of [
    'writers',
    'permissions',
    'resolution',
    'templates',
    'matching',
    'singletons',
    'properties',
  ]) {
    expect(classes).toContain(cls);
  }
});

describe.each(CLOSED_WORLD_CORPUS.map((c) => [`${c.cls}: ${c.name}`, c] as const))(
  'cdk.tf.json: %s',
  (_n, c) => {
    test(`fails ${c.ruleId} at ${c.address}`, () => {
      // Negative control: the reference stack does not fail the rule there.
      expect(failing(check(reference), c)).toEqual([]);
      const found = failing(check(edited(c)), c);
      expect(found.length).toBeGreaterThan(0);
      if (c.ruleId === 'AOAI-CHK-005') expect(found[0].message).toMatch(/exempt it with a reason/);
    });
  },
);

const PLAN = join(PLAN_FIXTURE_DIR, 'closed-world-evasions-first-plan.json');
describe('the plan JSON Terraform writes for every planned case at once', () => {
  const plan = existsSync(PLAN) ? JSON.parse(readFileSync(PLAN, 'utf8')) : undefined;
  const report = plan ? check(plan) : undefined;
  test('the fixture exists (npm run tf:fixtures writes it)', () =>
    expect(plan?.format_version).toBeDefined());
  test.each(CLOSED_WORLD_CORPUS.filter((c) => !c.notPlanned).map((c) => [c.name, c] as const))(
    '%s',
    (_n, c) => {
      expect(report!.format).toBe('plan-json');
      expect(failing(report!, c).length).toBeGreaterThan(0);
    },
  );
});

describe('closed world: exemptions and what stays compliant', () => {
  const script = CLOSED_WORLD_CORPUS.find((c) => c.address === 'terraform_data.reopen')!;
  test('a finding of AOAI-CHK-005 is exempted by address with a reason, and the report records it', () => {
    const report = check(edited(script), {
      extraExemptions: [
        {
          address: 'terraform_data.reopen',
          ruleId: 'AOAI-CHK-005',
          kind: 'suppression',
          reason: 'reviewed: the script only tags the account (change CR-1234)',
        },
      ],
    });
    const f = report.findings.filter(
      (x) => x.ruleId === 'AOAI-CHK-005' && x.address === 'terraform_data.reopen',
    );
    expect(f.map((x) => x.status)).toEqual(['suppressed']);
    expect(f[0].exemption?.reason).toMatch(/CR-1234/);
  });

  test('negative controls: terraform_data without a provisioner, a policy assignment without identity, a DCR without a transformation', () => {
    const j = structuredClone(reference);
    const rgId = `\${azurerm_resource_group.${firstOf(j, 'azurerm_resource_group')[0]}.id}`;
    j.resource.terraform_data.plain = { input: 'x' };
    j.resource.azurerm_resource_group_policy_assignment = {
      audit: {
        name: 'audit',
        resource_group_id: rgId,
        policy_definition_id:
          '/providers/Microsoft.Authorization/policyDefinitions/0a914e76-4921-4c19-b460-a2d36003525a',
      },
    };
    j.resource.azurerm_monitor_data_collection_rule = {
      keep: { name: 'keep', data_flow: [{ streams: ['Microsoft-Syslog'], destinations: ['ws'] }] },
    };
    const report = check(j);
    expect(report.findings.filter((f) => f.ruleId === 'AOAI-CHK-005').map((f) => f.status)).toEqual([
      'compliant',
    ]);
  });

  test('a provisioner of any kind fails, and an unknown type names itself', () => {
    const j = structuredClone(reference);
    j.resource.terraform_data.copy = { input: 'x', provisioner: { file: { source: 'a', destination: 'b' } } };
    j.resource.azurerm_key_vault = { kv: { name: 'kv' } };
    const bad = check(j).findings.filter((f) => f.ruleId === 'AOAI-CHK-005' && f.status === 'non-compliant');
    expect(bad.map((f) => f.address).sort()).toEqual(['azurerm_key_vault.kv', 'terraform_data.copy']);
    expect(bad.find((f) => f.address === 'azurerm_key_vault.kv')!.message).toMatch(
      /unknown to the checklist/,
    );
  });
});

describe('declared scope covers only what this input does not hold', () => {
  const network = [{ phase: 'Network Isolation', reason: 'the platform team owns the endpoint network' }];
  test('a declared account that opens public access still fails AOAI-NET-001 with Network Isolation declared elsewhere', () => {
    const j = structuredClone(reference);
    firstOf(j, 'azurerm_cognitive_account')[1].public_network_access_enabled = true;
    const report = check(j, { managedElsewhere: network });
    expect(report.managedElsewhere).toEqual(network);
    expect(report.findings.filter((f) => f.ruleId === 'AOAI-NET-001').map((f) => f.status)).toEqual([
      'non-compliant',
    ]);
  });
  test('a grant written here still fails with Identity and Access declared elsewhere', () => {
    const c = CLOSED_WORLD_CORPUS.find((x) => x.address === 'azurerm_role_assignment.nsg_owner')!;
    const report = check(edited(c), {
      managedElsewhere: [
        { phase: 'Identity and Access', reason: 'the identity team grants access centrally' },
      ],
    });
    expect(failing(report, c).length).toBe(1);
  });
  test('the checklist integrity phase, an unknown phase, a phase twice or a short reason is refused', () => {
    expect(() =>
      check(reference, { managedElsewhere: [{ phase: 'Checklist Integrity', reason: 'not mine at all' }] }),
    ).toThrow(/not a phase that can be managed elsewhere/);
    expect(() =>
      check(reference, { managedElsewhere: [{ phase: 'Network', reason: 'not mine at all' }] }),
    ).toThrow(/Network Isolation, Identity and Access, Content Safety, Monitoring/);
    expect(() => check(reference, { managedElsewhere: [...network, ...network] })).toThrow(/declared twice/);
    expect(() => check(reference, { managedElsewhere: [{ phase: 'Monitoring', reason: 'no' }] })).toThrow(
      /at least 10 characters/,
    );
  });
});
