// `aoai-harden fleet` (issue 26): FleetCollisions over every stack of a synthesized app, from the command line. The
// app is a real cdktf App (app.synth(), its manifest.json) of raw provider resources: two stacks whose resource
// group, account subdomain and Defender plan collide in one subscription, and the same two stacks apart.
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { SecurityCenterSubscriptionPricing } from '@cdktf/provider-azurerm/lib/security-center-subscription-pricing';
import { App, TerraformStack } from 'cdktf';
import { main } from '../cli/src/main';

const work = mkdtempSync(join(tmpdir(), 'aoai-cli-fleet-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** Two stacks, each a resource group, an account and the subscription's Defender for AI plan. */
function synthApp(outdir: string, names: (stack: string) => { rg: string; subdomain: string; sub?: string }) {
  const app = new App({ outdir });
  for (const id of ['aoai-dev', 'aoai-prod']) {
    const n = names(id);
    const stack = new TerraformStack(app, id);
    new AzurermProvider(stack, 'azurerm', { features: [{}], ...(n.sub ? { subscriptionId: n.sub } : {}) });
    const rg = new ResourceGroup(stack, 'rg', { name: n.rg, location: 'swedencentral' });
    new CognitiveAccount(stack, 'aoai', {
      name: `aoai-${id}`,
      kind: 'OpenAI',
      location: 'swedencentral',
      resourceGroupName: rg.name,
      skuName: 'S0',
      customSubdomainName: n.subdomain,
    });
    new SecurityCenterSubscriptionPricing(stack, 'defender', { tier: 'Standard', resourceType: 'AI' });
  }
  app.synth();
  return outdir;
}

const colliding = synthApp(join(work, 'colliding'), () => ({ rg: 'rg-aoai', subdomain: 'aoai-shared' }));
const apart = synthApp(join(work, 'apart'), (id) => ({
  rg: `rg-${id}`,
  subdomain: id,
  sub: id === 'aoai-dev' ? '00000000-0000-0000-0000-00000000000d' : '00000000-0000-0000-0000-00000000000f',
}));

test('collisions across the stacks of cdktf.out: each named, with both claimants; exit 1', async () => {
  const { code, out, err } = await run('fleet', colliding);
  expect(err).toBe('');
  expect(code).toBe(1);
  const lines = out.trim().split('\n');
  expect(lines).toEqual(
    expect.arrayContaining([
      'COLLISION Microsoft.Resources/resourceGroups "rg-aoai" in /subscriptions/(arm_subscription_id): claimed by aoai-dev: azurerm_resource_group.rg; aoai-prod: azurerm_resource_group.rg',
      'COLLISION cognitive services custom subdomain "aoai-shared" in (global): claimed by aoai-dev: azurerm_cognitive_account.aoai; aoai-prod: azurerm_cognitive_account.aoai',
      'COLLISION Microsoft.Security/pricings "ai" in /subscriptions/(arm_subscription_id): claimed by aoai-dev: azurerm_security_center_subscription_pricing.defender; aoai-prod: azurerm_security_center_subscription_pricing.defender',
    ]),
  );
  expect(lines[lines.length - 1]).toMatch(
    /^3 collision\(s\) among \d+ named identities of 2 stack\(s\) \(aoai-dev, aoai-prod\)\.$/,
  );
});

test('the same stacks in two subscriptions, with their own names: no collision, exit 0', async () => {
  const { code, out } = await run('fleet', apart);
  expect(code).toBe(0);
  expect(out).toMatch(
    /^0 collision\(s\) among \d+ named identities of 2 stack\(s\) \(aoai-dev, aoai-prod\)\.\n$/,
  );
});

test('--format json; cdktf.out/stacks and the stack files give the same collisions', async () => {
  const json = async (...inputs: string[]) => {
    const r = await run('fleet', ...inputs, '--format', 'json');
    expect(r.code).toBe(1);
    return JSON.parse(r.out);
  };
  const fromApp = await json(colliding);
  expect(fromApp.stacks).toEqual(['aoai-dev', 'aoai-prod']);
  expect(fromApp.collisions.map((c: any) => c.type)).toEqual(
    expect.arrayContaining(['Microsoft.Resources/resourceGroups', 'Microsoft.Security/pricings']),
  );
  expect(await json(join(colliding, 'stacks'))).toEqual(fromApp);
  const files = ['aoai-dev', 'aoai-prod'].map((s) => join(colliding, 'stacks', s, 'cdk.tf.json'));
  expect(await json(...files)).toEqual(fromApp);
});

test('an override file in a stack folder is applied before names are compared', async () => {
  const dir = join(work, 'override');
  synthApp(dir, () => ({ rg: 'rg-aoai', subdomain: 'aoai-shared' }));
  expect((await run('fleet', dir)).code).toBe(1);
  // Rename every claim of aoai-prod, as an override file would.
  writeFileSync(
    join(dir, 'stacks', 'aoai-prod', 'names_override.tf.json'),
    JSON.stringify({
      provider: {},
      resource: {
        azurerm_resource_group: { rg: { name: 'rg-aoai-prod' } },
        azurerm_cognitive_account: { aoai: { custom_subdomain_name: 'aoai-prod' } },
      },
    }),
  );
  const { out } = await run('fleet', dir, '--format', 'json');
  expect(JSON.parse(out).collisions.map((c: any) => c.type)).toEqual(['Microsoft.Security/pricings']);
});

test.each([
  [
    'a plan JSON',
    () => [join(__dirname, 'fixtures', 'weakened-plan.json')],
    /weakened-plan\.json: a plan; fleet reads the Terraform JSON configuration/,
  ],
  ['no input', () => [], /no input: name cdktf\.out/],
  ['--format sarif', () => [colliding, '--format', 'sarif'], /--format must be text or json, not sarif/],
])('%s: exit 2, one line and the help hint', async (_label, args, message) => {
  const { code, out, err } = await run('fleet', ...args());
  expect(code).toBe(2);
  expect(out).toBe('');
  expect(err).toMatch(message);
  expect(err).toMatch(/\nsee aoai-harden fleet --help\n$/);
});
