// The Terraform corpus recorder and mounter (tools/tf-stub/corpus.js), without Terraform: what the unit suite
// writes for the Terraform task, and the root configuration that mounts it (__tests__/terraform/corpus.tf.test.ts
// runs Terraform on it).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const corpus = require('../tools/tf-stub/corpus');

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'aoai-corpus-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const stack = (name: string) =>
  JSON.stringify({
    terraform: {
      required_providers: { azurerm: { source: 'azurerm', version: '4.55.0' } },
      backend: { local: { path: 'terraform.tfstate' } },
    },
    provider: { azurerm: [{ features: [{}] }] },
    variable: {
      cidr: { type: 'string' },
      hubs: { type: 'list(string)' },
      prio: { type: 'number' },
      named: { type: 'string', default: 'x' },
    },
    resource: { azurerm_resource_group: { rg: { name, location: 'swedencentral' } } },
  });

function withCorpusDir<T>(dir: string | undefined, fn: () => T): T {
  const before = process.env[corpus.CORPUS_ENV];
  if (dir) process.env[corpus.CORPUS_ENV] = dir;
  else delete process.env[corpus.CORPUS_ENV];
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env[corpus.CORPUS_ENV];
    else process.env[corpus.CORPUS_ENV] = before;
  }
}

test('records each distinct stack once, by content, with its test; a refused one apart; nothing without the variable', () => {
  const dir = temp();
  withCorpusDir(undefined, () => corpus.record(stack('rg-a'), { testName: 'off' }));
  expect(readdirSync(dir)).toEqual([]);
  withCorpusDir(dir, () => {
    corpus.record(stack('rg-a'), { testPath: join(__dirname, 'x.test.ts'), testName: 'first' });
    corpus.record(stack('rg-a'), { testName: 'second, same stack' });
    corpus.record(stack('rg-b'), {
      testName: 'weakened',
      expectRefusal: { error: 'postcondition', reason: 'on purpose' },
    });
    corpus.record(JSON.stringify({ terraform: {} }), { testName: 'no resources: nothing for Terraform' });
  });
  const entries = corpus.readCorpus(dir);
  expect(entries).toHaveLength(2);
  expect(readdirSync(dir).filter((f) => f.endsWith('.refused.json'))).toHaveLength(1);
  const a = entries.find((e: any) => e.config.resource.azurerm_resource_group.rg.name === 'rg-a');
  expect(a).toMatchObject({ testPath: '__tests__/x.test.ts', testName: 'first' });
});

test('mounts stacks as modules: no backend or provider blocks in them, one provider set at the root, inputs for variables without defaults', () => {
  const dir = temp();
  const entries = [JSON.parse(stack('rg-a')), JSON.parse(stack('rg-b'))].map((config, i) => ({
    hash: `${i}`.repeat(16),
    config,
  }));
  const { modules } = corpus.mountCorpus(entries, dir);
  expect([...modules.keys()]).toEqual(['s_0000000000000000', 's_1111111111111111']);
  const root = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
  expect(root.provider).toEqual({ azurerm: { features: [{}] } });
  expect(root.terraform.required_providers.azurerm.source).toBe('azurerm');
  expect(root.module.s_0000000000000000).toEqual({
    source: './stacks/0000000000000000',
    // Unknown scalars (the plan must hold for any value), known one-element lists (for_each needs them known).
    cidr: '${terraform_data.corpus_unknown.id}',
    hubs: ['https://stub-hubs-1@corpus.example'],
    prio: '${tonumber(terraform_data.corpus_unknown.id)}',
  });
  const mounted = JSON.parse(readFileSync(join(dir, 'stacks', '0000000000000000', 'cdk.tf.json'), 'utf8'));
  expect(mounted.terraform.backend).toBeUndefined();
  expect(mounted.provider).toBeUndefined();
  expect(mounted.resource.azurerm_resource_group.rg.name).toBe('rg-a');
});

test('a stack with an aliased provider (the spoke of a landing zone) is mounted with its alias passed explicitly', () => {
  const dir = temp();
  const config = JSON.parse(stack('rg-a'));
  config.provider.azurerm.push({ features: [{}], alias: 'spoke' });
  config.resource.azurerm_resource_group.rg.provider = 'azurerm.spoke';
  corpus.mountCorpus([{ hash: '2'.repeat(16), config }], dir);
  const root = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
  // The root holds the default and the aliased configuration; the call passes both.
  expect(root.provider.azurerm.map((b: any) => b.alias ?? null)).toEqual([null, 'spoke']);
  expect(root.module.s_2222222222222222.providers).toEqual({
    azurerm: 'azurerm',
    'azurerm.spoke': 'azurerm.spoke',
  });
  // The module declares the alias; the root declares none (configuration_aliases belong to child modules).
  const mounted = JSON.parse(readFileSync(join(dir, 'stacks', '2222222222222222', 'cdk.tf.json'), 'utf8'));
  expect(mounted.terraform.required_providers.azurerm.configuration_aliases).toEqual(['azurerm.spoke']);
  expect(root.terraform.required_providers.azurerm.configuration_aliases).toBeUndefined();
});
