import {
  HardeningConfigError,
  InputError,
  OpenAIAccount,
  RuleIds,
  checkDocument,
  checkDocuments,
} from '../lib';
import * as api from '../lib';
import { newStack } from './helpers';
import { referenceJson } from './reference';
import { ALL_RULES } from '../lib/checklist/rules';

const TODAY = '2026-11-28';

describe('programmatic API', () => {
  test('RuleIds names every rule, in report order, and nothing else', () => {
    expect(RuleIds.all()).toEqual(ALL_RULES.map((r) => r.id));
  });
  test('checkDocument judges a parsed cdk.tf.json and reports its form', () => {
    const report = checkDocument(referenceJson(), { today: TODAY });
    expect(report.format).toBe('terraform-json');
    expect(report.summary.errors).toBe(0);
    expect(report.findings.find((f) => f.ruleId === RuleIds.NET_PUBLIC_ACCESS)!.status).toBe('compliant');
  });
  test('checkDocument detects plan and state JSON', () => {
    const plan = { format_version: '1.2', resource_changes: [] };
    expect(checkDocument(plan, { today: TODAY }).format).toBe('plan-json');
    const state = {
      format_version: '1.0',
      terraform_version: '1.9.8',
      values: { root_module: { resources: [] } },
    };
    expect(checkDocument(state, { today: TODAY }).format).toBe('state-json');
    // Both are empty: nothing judged is an error, never a pass.
    expect(checkDocument(state, { today: TODAY }).summary.errors).toBe(1);
  });
  test('a document that is not Terraform throws InputError', () => {
    expect(() => checkDocument({ hello: 'world' })).toThrow(InputError);
    expect(() => checkDocument([])).toThrow(InputError);
    expect(() => checkDocuments([])).toThrow(InputError);
  });
  test('HardeningConfigError is exported and is what constructs throw', () => {
    let thrown: unknown;
    try {
      new OpenAIAccount(newStack(), 'A', {
        name: 'aoai-x',
        resourceGroupName: 'rg',
        location: 'swedencentral',
        skuName: 'P9',
      });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(HardeningConfigError);
    expect((thrown as Error).message).toMatch(/^test\/A: skuName: invalid value "P9"/);
  });
  test('internal helpers are not part of the public API', () => {
    for (const name of [
      'validateOptOut',
      'azapiProviderFor',
      'azapiResourceConfig',
      'resourceAddresses',
      'runChecks',
    ]) {
      expect(api).not.toHaveProperty(name);
    }
  });
  test('extra exemptions are validated like recorded ones: a wildcard is refused', () => {
    expect(() =>
      checkDocument(referenceJson(), {
        today: TODAY,
        extraExemptions: [
          { address: '*', ruleId: 'AOAI-NET-001', kind: 'suppression', reason: 'because we said so' },
        ],
      }),
    ).toThrow(/wildcards are never accepted/);
  });
});

describe('declared scope: bad input names the field, the value and the fix', () => {
  test('an unknown phase name, an empty phase list and a short reason are refused', () => {
    expect(() => api.HardeningPhase.of('Networking')).toThrow(/phase: invalid value "Networking"\./);
    expect(() => api.HardeningScope.only([], 'the platform team owns the network')).toThrow(
      /phases: invalid value "\[\]"\. Name at least one phase/,
    );
    expect(() => api.HardeningScope.only([api.HardeningPhase.NETWORK_ISOLATION], 'short')).toThrow(
      /reason: invalid value "short"\. Say why the phase is managed elsewhere/,
    );
  });

  test('a valid declaration leaves every other phase managed elsewhere, with its reason', () => {
    const scope = api.HardeningScope.only(
      [api.HardeningPhase.NETWORK_ISOLATION],
      'account owned by the AI team',
    );
    expect(scope.excluded.map((e) => e.phase.name)).toEqual([
      'Identity and Access',
      'Content Safety',
      'Monitoring',
    ]);
    expect(scope.excluded.every((e) => e.reason === 'account owned by the AI team')).toBe(true);
  });
});
