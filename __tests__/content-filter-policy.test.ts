import { ContentFilterPolicy, ContentFilterPolicyProps, OpenAIAccount } from '../lib';
import { newStack, onlyResource, resourcesOf, synthJson } from './helpers';

function build(props: Partial<ContentFilterPolicyProps> = {}, deployments = 2) {
  const stack = newStack();
  const account = new OpenAIAccount(stack, 'Account', {
    name: 'aoai-cf',
    resourceGroupName: 'rg',
    location: 'swedencentral',
  });
  const policy = new ContentFilterPolicy(stack, 'Policy', { account, ...props });
  for (let i = 0; i < deployments; i++) {
    account.addDeployment({ name: `d${i}`, modelName: 'gpt-4o', modelVersion: '2024-08-06' });
  }
  const json = synthJson(stack);
  const azapi = Object.entries<any>(resourcesOf(json, 'azapi_resource'));
  return { policy, json, azapi, policyBody: azapi.find(([, r]) => /raiPolicies@/.test(r.type))![1] };
}

describe('the strict default policy', () => {
  const { policyBody } = build();
  const filters = policyBody.body.properties.contentFilters;
  test('azapi raiPolicies at the pinned API version, on the account, locked on the account', () => {
    expect(policyBody.type).toBe('Microsoft.CognitiveServices/accounts/raiPolicies@2025-06-01');
    expect(policyBody.name).toBe('strict-production-filter');
    expect(policyBody.parent_id).toBe('${azurerm_cognitive_account.Account_0D856946.id}');
    expect(policyBody.locks).toEqual(['${azurerm_cognitive_account.Account_0D856946.id}']);
    expect(policyBody.body.properties.basePolicyName).toBe('Microsoft.DefaultV2');
    expect(policyBody.body.properties.mode).toBe('Default');
  });
  test.each(
    ['Hate', 'Sexual', 'Violence', 'Selfharm'].flatMap((n) => [
      [n, 'Prompt'],
      [n, 'Completion'],
    ]),
  )('%s on %s: Low, enabled, blocking', (name, source) => {
    expect(filters.find((f: any) => f.name === name && f.source === source)).toEqual({
      name,
      source,
      enabled: true,
      blocking: true,
      severityThreshold: 'Low',
    });
  });
  test.each([
    ['Jailbreak', 'Prompt'],
    ['Indirect Attack', 'Prompt'],
    ['Protected Material Text', 'Completion'],
    ['Protected Material Code', 'Completion'],
  ])('%s on %s: enabled, blocking, no threshold', (name, source) => {
    expect(filters.find((f: any) => f.name === name && f.source === source)).toEqual({
      name,
      source,
      enabled: true,
      blocking: true,
    });
  });
  test('exactly twelve filters, no legacy allowedContentLevel', () => {
    expect(filters).toHaveLength(12);
    expect(JSON.stringify(policyBody)).not.toMatch(/allowedContentLevel/);
  });
});

describe('binding to every deployment', () => {
  const { json, policyBody, azapi } = build({}, 3);
  const policyAddress = `azapi_resource.${azapi.find(([, r]) => r === policyBody)![0]}`;
  const deployments = Object.values<any>(resourcesOf(json, 'azurerm_cognitive_deployment'));
  test('each deployment names the policy', () => {
    expect(deployments.map((d) => d.rai_policy_name)).toEqual([
      'strict-production-filter',
      'strict-production-filter',
      'strict-production-filter',
    ]);
  });
  test('the first deployment depends on the policy, the others chain after it', () => {
    const first = deployments.find((d) => d.name === 'd0');
    expect(first.depends_on).toEqual([policyAddress]);
    expect(deployments.find((d) => d.name === 'd1').depends_on).toEqual([
      expect.stringMatching(/^azurerm_cognitive_deployment\.Account_Deployments_d0_/),
    ]);
  });
});

describe('tags (required-tag deny policies apply to every taggable resource)', () => {
  test('the RAI policy, blocklists and items carry the given tags, top-level (never in the body)', () => {
    const tags = { costCenter: 'cc-4711' };
    const { azapi } = build({
      tags,
      blocklists: [{ name: 'corp', items: [{ pattern: 'Project Bluebird' }] }],
    });
    const rai = azapi
      .map(([, r]) => r)
      .filter((r) => /raiPolicies@|raiBlocklists@|raiBlocklistItems@/.test(r.type));
    expect(rai).toHaveLength(3);
    for (const r of rai) {
      expect(r.tags).toEqual(tags);
      expect(JSON.stringify(r.body)).not.toMatch(/cc-4711/);
    }
  });
});

describe('blocklists', () => {
  const { azapi, policyBody } = build({
    blocklists: [
      {
        name: 'corp',
        items: [{ pattern: 'Project Bluebird' }, { pattern: 'secret-\\d+', isRegex: true }],
        sources: ['Prompt'],
      },
    ],
  });
  const blocklist = azapi.find(([, r]) => /\/raiBlocklists@/.test(r.type))!;
  const items = azapi.filter(([, r]) => /raiBlocklistItems@/.test(r.type)).map(([, r]) => r);
  test('blocklist and items through azapi, items under the blocklist', () => {
    expect(blocklist[1]).toMatchObject({
      name: 'corp',
      parent_id: '${azurerm_cognitive_account.Account_0D856946.id}',
      locks: ['${azurerm_cognitive_account.Account_0D856946.id}'],
    });
    expect(items.map((i) => i.body.properties)).toEqual(
      expect.arrayContaining([
        { pattern: 'Project Bluebird', isRegex: false },
        { pattern: 'secret-\\d+', isRegex: true },
      ]),
    );
    expect(items).toHaveLength(2);
    for (const i of items) expect(i.parent_id).toBe(`\${azapi_resource.${blocklist[0]}.id}`);
    expect(items.map((i) => i.name)).toEqual([
      expect.stringMatching(/^item-[0-9a-f]{16}$/),
      expect.stringMatching(/^item-[0-9a-f]{16}$/),
    ]);
  });
  test('attached to the policy for the chosen source, policy created after the blocklist', () => {
    expect(policyBody.body.properties.customBlocklists).toEqual([
      { blocklistName: 'corp', blocking: true, source: 'Prompt' },
    ]);
    // The blocklist (named by the policy) and, through the account's write chain, the last blocklist item.
    const item = azapi.find(([, r]) => /raiBlocklistItems@/.test(r.type))![0];
    expect(policyBody.depends_on).toEqual([`azapi_resource.${blocklist[0]}`, `azapi_resource.${item}`]);
  });
});

describe('loosening needs an opt-out', () => {
  test('a Medium threshold without an opt-out is refused', () => {
    expect(() =>
      build({ filters: [{ name: 'Violence', source: 'Completion', severityThreshold: 'Medium' }] }),
    ).toThrow(
      /filters\[0\]: invalid value .*"severityThreshold":"Medium".*weaker than the strict default \(threshold Medium instead of Low\).*optOut/,
    );
  });
  test('Jailbreak off without an opt-out is refused; with one it is recorded', () => {
    expect(() => build({ filters: [{ name: 'Jailbreak', source: 'Prompt', enabled: false }] })).toThrow(
      /weaker than the strict default \(disabled\)/,
    );
    const { json, policyBody } = build({
      filters: [
        {
          name: 'Jailbreak',
          source: 'Prompt',
          enabled: false,
          optOut: { reason: 'red-team deployment, isolated subscription' },
        },
      ],
    });
    expect(policyBody.body.properties.contentFilters.find((f: any) => f.name === 'Jailbreak').enabled).toBe(
      false,
    );
    expect(onlyResource(json, 'terraform_data').input.exemptions.map((e: any) => e.rule_id)).toEqual([
      'AOAI-CFP-002',
      'AOAI-CFP-003',
      'AOAI-CFP-004',
    ]);
  });
  test('a streaming mode needs an opt-out', () => {
    expect(() => build({ mode: 'Asynchronous_filter' })).toThrow(
      /mode: invalid value "Asynchronous_filter".*modeOptOut/,
    );
  });
  test('a stricter override (adding Profanity) needs no opt-out', () => {
    const { policyBody } = build({ filters: [{ name: 'Profanity', source: 'Prompt' }] });
    expect(policyBody.body.properties.contentFilters).toHaveLength(13);
  });
});

describe('vocabulary errors name field, value and fix', () => {
  test.each([
    [
      'lower-case legacy name',
      { name: 'selfharm', source: 'Prompt' },
      /filters\[0\].name: invalid value "selfharm". The service spells it "Selfharm"/,
    ],
    [
      'snake_case legacy name',
      { name: 'indirect_attack', source: 'Prompt' },
      /The service spells it "Indirect Attack"/,
    ],
    [
      'unknown name',
      { name: 'Toxicity', source: 'Prompt' },
      /filters\[0\].name: invalid value "Toxicity". Use one of: Hate/,
    ],
    [
      'threshold on an on/off filter',
      { name: 'Jailbreak', source: 'Prompt', severityThreshold: 'Low' },
      /filters\[0\].severityThreshold: invalid value "Low". Jailbreak is an on\/off filter/,
    ],
    [
      'unsupported source',
      { name: 'Jailbreak', source: 'Completion' },
      /filters\[0\].source: invalid value "Completion". Jailbreak only applies to Prompt/,
    ],
    [
      'bad threshold',
      { name: 'Hate', source: 'Prompt', severityThreshold: 'Strict' },
      /severityThreshold: invalid value "Strict"/,
    ],
  ])('%s', (_l, f, message) => expect(() => build({ filters: [f as any] })).toThrow(message));
  test('duplicates and unknown mode', () => {
    expect(() =>
      build({
        filters: [
          { name: 'Hate', source: 'Prompt' },
          { name: 'Hate', source: 'Prompt' },
        ],
      }),
    ).toThrow(/filters\[1\]: invalid value "Hate\/Prompt". Duplicate/);
    expect(() => build({ mode: 'Strict' })).toThrow(
      /mode: invalid value "Strict". Use one of: Default, Deferred, Blocking, Asynchronous_filter/,
    );
  });
  test('bad blocklists', () => {
    expect(() => build({ blocklists: [{ name: 'b', items: [] }] })).toThrow(
      /blocklists\[0\].items: invalid value \[\]/,
    );
    expect(() =>
      build({ blocklists: [{ name: 'b', items: [{ pattern: '([a-z', isRegex: true }] }] }),
    ).toThrow(/blocklists\[0\].items\[0\].pattern: .*not a valid regular expression/);
  });
});
