import { Testing, TerraformStack } from 'cdktf';
import * as fc from 'fast-check';
import {
  AccountKind,
  AccountRole,
  HardenedAzureOpenAI,
  HardenedAzureOpenAIProps,
  PrincipalType,
  SubscriptionCoverage,
} from '../lib';
import { newStack } from './helpers';
import { runChecks } from '../lib/checklist/engine';
import { loadModel } from '../lib/checklist/model';
import { ALL_RULES } from '../lib/checklist/rules';

// Bounded and reproducible: fast-check prints the seed and the shrunk counterexample on failure.
const RUNS = { numRuns: 25, seed: 20261128 };

const label = fc.stringMatching(/^[a-z][a-z0-9]{1,10}$/);
const guid = fc.uuid({ version: 4 });

/** A valid configuration: random names, kind, deployments, a /16 split into subnets, grants and blocklists. */
const validProps = fc
  .record({
    name: label.map((l) => `aoai-${l}`),
    kind: fc.constantFrom(AccountKind.OPENAI, AccountKind.AI_SERVICES),
    secondOctet: fc.integer({ min: 0, max: 255 }),
    deployments: fc.uniqueArray(label, { minLength: 1, maxLength: 5 }),
    apps: fc.integer({ min: 1, max: 4 }),
    apim: fc.boolean(),
    workloads: fc.uniqueArray(label, { maxLength: 3 }),
    groups: fc.uniqueArray(guid, { maxLength: 3 }),
    blockItems: fc.uniqueArray(
      fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0),
      { minLength: 1, maxLength: 10 },
    ),
    coverage: fc.constantFrom('this-stack', 'baseline-stack', 'managed-elsewhere'),
    emails: fc.array(
      label.map((l) => `${l}@contoso.com`),
      { maxLength: 3 },
    ),
  })
  .map((c): HardenedAzureOpenAIProps => ({
    account: {
      name: c.name,
      resourceGroupName: 'rg',
      location: 'swedencentral',
      kind: c.kind,
      deployments: c.deployments.map((d, i) => ({
        name: `d-${d}`,
        modelName: 'gpt-4o',
        modelVersion: '2024-08-06',
        capacity: i + 1,
      })),
    },
    networking: {
      newNetwork: {
        name: 'vnet',
        addressSpace: `10.${c.secondOctet}.0.0/16`,
        endpointSubnetCidr: `10.${c.secondOctet}.0.0/24`,
        appSubnetCidrs: Array.from({ length: c.apps }, (_, i) => `10.${c.secondOctet}.${i + 1}.0/24`),
        apimSubnetCidr: c.apim ? `10.${c.secondOctet}.200.0/24` : undefined,
      },
    },
    identity: {
      workloadIdentities: c.workloads.map((w) => ({ name: `id-${w}` })),
      grants: c.groups.map((g, i) => ({
        displayName: `group-${i}`,
        principalId: g,
        principalType: PrincipalType.GROUP,
        role: AccountRole.INVOKE,
      })),
    },
    contentFilter: {
      blocklists: [{ name: 'corp', items: [...new Set(c.blockItems)].map((pattern) => ({ pattern })) }],
    },
    monitoring: {
      securityTeam: { emailAddresses: [...new Set(c.emails)] },
      // Every way of covering the subscription must leave the error-level rules passing.
      subscriptionCoverage:
        c.coverage === 'this-stack'
          ? SubscriptionCoverage.inThisStack()
          : c.coverage === 'baseline-stack'
            ? SubscriptionCoverage.byBaselineStackName('aoai-subscription')
            : SubscriptionCoverage.managedElsewhere('platform team enables the plan through Azure Policy'),
    },
  }));

function synthReport(props: HardenedAzureOpenAIProps) {
  const stack = newStack();
  new HardenedAzureOpenAI(stack, 'AOAI', props);
  return runChecks(loadModel(JSON.parse(Testing.synth(stack))), { today: '2026-11-28' });
}

describe('secure by construction', () => {
  test('every error-level rule passes for random valid configurations', () => {
    const errorRules = ALL_RULES.filter((r) => r.severity === 'error').map((r) => r.id);
    fc.assert(
      fc.property(validProps, (props) => {
        const report = synthReport(props);
        const failing = report.findings.filter(
          (f) => f.status === 'non-compliant' && errorRules.includes(f.ruleId),
        );
        expect(failing).toEqual([]);
        expect(report.exemptions).toEqual([]);
      }),
      RUNS,
    );
  });
});

/** Each invalid input must throw an error naming its field; nothing is emitted. */
function expectRefused(props: HardenedAzureOpenAIProps, field: RegExp) {
  const stack = new TerraformStack(Testing.app(), 'bad');
  expect(() => new HardenedAzureOpenAI(stack, 'AOAI', props)).toThrow(field);
}

describe('invalid input is refused, never weakened', () => {
  const base = fc.sample(validProps, { numRuns: 1, seed: 1 })[0];
  test('malformed subdomains', () => {
    const bad = fc.oneof(
      fc.stringMatching(/^[A-Z][A-Za-z0-9]{2,10}$/),
      fc.stringMatching(/^[a-z]{2,8}_[a-z]{1,8}$/),
      fc.stringMatching(/^-[a-z]{2,8}$/),
      fc.string({ minLength: 65, maxLength: 80 }).map((s) => `a${s.replace(/[^a-z]/g, 'a')}`),
    );
    fc.assert(
      fc.property(bad, (sub) =>
        expectRefused(
          { ...base, account: { ...base.account, customSubdomainName: sub } },
          /customSubdomainName/,
        ),
      ),
      RUNS,
    );
  });
  test('malformed or misplaced CIDRs', () => {
    const bad = fc.oneof(
      fc
        .tuple(fc.integer({ min: 256, max: 999 }), fc.integer({ min: 0, max: 32 }))
        .map(([o, p]) => `10.${o}.1.0/${p}`),
      fc.integer({ min: 33, max: 99 }).map((p) => `10.1.1.0/${p}`),
      fc.integer({ min: 1, max: 255 }).map((o) => `172.16.${o}.0/24`),
      fc.constant('not-a-cidr'),
    );
    fc.assert(
      fc.property(bad, (cidr) =>
        expectRefused(
          {
            ...base,
            networking: { newNetwork: { ...base.networking!.newNetwork!, endpointSubnetCidr: cidr } },
          },
          /newNetwork\.endpointSubnetCidr/,
        ),
      ),
      RUNS,
    );
  });
  test('thresholds and filter names outside the vocabulary', () => {
    const bad = fc.oneof(
      fc
        .string({ minLength: 1, maxLength: 10 })
        .filter((s) => !['Low', 'Medium', 'High'].includes(s))
        .map((t) => ({ name: 'Hate', source: 'Prompt', severityThreshold: t })),
      fc.constantFrom('hate', 'self_harm', 'jailbreak', 'Toxic').map((n) => ({ name: n, source: 'Prompt' })),
    );
    fc.assert(
      fc.property(bad, (f) => expectRefused({ ...base, contentFilter: { filters: [f] } }, /filters\[0\]/)),
      RUNS,
    );
  });
  test('principal IDs that are not GUIDs', () => {
    const bad = fc
      .string({ minLength: 1, maxLength: 40 })
      .filter(
        (s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) && s.trim() !== '',
      );
    fc.assert(
      fc.property(bad, (id) =>
        expectRefused(
          {
            ...base,
            identity: {
              grants: [
                {
                  displayName: 'x',
                  principalId: id,
                  principalType: PrincipalType.GROUP,
                  role: AccountRole.INVOKE,
                },
              ],
            },
          },
          /grants\[x\]\.principalId/,
        ),
      ),
      RUNS,
    );
  });
});
