// Day 2 in the landing zone (issue 24): the README's account stack, applied into the landing-zone fixture with its
// policies on, then edited as its owners would edit it. Each edit must apply, and must write only the resources it
// is about (the stub provider's apply log lists every write Terraform made). Then two account stacks share the
// spoke, and destroying one leaves the platform's and the other stack's resources as they were.
import { readFileSync } from 'fs';
import { join } from 'path';
import { runReadmeExample } from '../readme-example';
import { Estate, LZ, flat } from './estate';
import { Scratch, TfResult } from './tf';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const LZ_HEADING = '## Deploy into a landing zone';

/** The landing-zone fixture, applied once for this file; each scenario works on its own copy. */
let landingZone: Promise<Estate> | undefined;
const landingZoneCopy = async (name: string) =>
  (await (landingZone ??= Estate.landingZone(scratch))).copy(name);

/** The README example's account stack, edited (each edit must change the source), as Terraform JSON. */
function readmeStack(name: string, ...edits: Array<(src: string) => string>): any {
  const edit = edits.length ? (src: string) => edits.reduce((s, e) => e(s), src) : undefined;
  const dir = runReadmeExample(join(scratch.root, name), undefined, undefined, edit);
  return JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
}

function stackOf(outdir: string, heading: string, stack: string, edit?: (src: string) => string): any {
  const dir = runReadmeExample(join(scratch.root, outdir), heading, stack, edit);
  return JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
}

const prependSource = (src: string) =>
  src.replace(
    "allowedSources: [{ name: 'aks',",
    "allowedSources: [{ name: 'batch', cidr: '10.50.16.0/24' }, { name: 'aks',",
  );
const addDeployment = (src: string) =>
  src.replace(
    "deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],",
    "deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }, { name: 'gpt-4o-mini', modelName: 'gpt-4o-mini', modelVersion: '2024-07-18' }],",
  );
const rotateBlocklistItem = (src: string) =>
  src.replace("items: [{ pattern: 'Project Bluebird' }]", "items: [{ pattern: 'Project Redwing' }]");
const addGrant = (src: string) =>
  src.replace(
    'aoai.account.grantInvoke(',
    "aoai.account.grantInvoke({ displayName: 'reporting-job', principalId: '55555555-5555-5555-5555-555555555555', principalType: PrincipalType.SERVICE_PRINCIPAL });\naoai.account.grantInvoke(",
  );

/** Every write Terraform made in one run: [action, resource type, name or, for a nameless write, its target]. */
function writes(r: TfResult): string[][] {
  return readFileSync(r.applyLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((w) => w.event === 'start')
    .map((w) => [w.action, w.type, String(w.name ?? w.id ?? '')])
    .sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

function applied(r: TfResult): void {
  expect([r.code, flat(r).match(/Error: [^.]*/g)]).toEqual([0, null]);
}

/** The platform's resources the fixture made, as they must stay whatever the account stacks do. */
function expectPlatformIntact(estate: Estate): void {
  expect(estate.resource(LZ.peSubnet)?.properties.networkSecurityGroup.id).toBe(LZ.peNsg);
  expect(estate.resource(`${LZ.peNsg}/securityRules/deny-internet-inbound`)?.properties.priority).toBe(4000);
  for (const zone of LZ.zones) {
    expect(estate.resource(LZ.link(zone))?.properties.virtualNetwork.id).toBe(LZ.vnet);
  }
  expect(estate.resource(LZ.defenderForAi)?.properties.pricingTier).toBe('Standard');
  expect(estate.resource(LZ.activityLogSetting)?.properties.workspaceId).toBe(LZ.workspace);
}

const roleAssignments = (estate: Estate) =>
  Object.values(estate.document().resources).filter((r) =>
    /^\/subscriptions\/[^/]+\/resourceGroups\/rg-aoai-prod\/providers\/Microsoft\.CognitiveServices\/accounts\/aoai-prod-swc\/providers\/Microsoft\.Authorization\/roleAssignments\//i.test(
      r.id,
    ),
  );

const accountRules = (estate: Estate, nsg: string, account: string) =>
  Object.values(estate.document().resources)
    .filter((r) => r.id.toLowerCase().startsWith(`${nsg}/securityRules/`.toLowerCase()))
    .map((r) => r.id.split('/').pop()!)
    .filter((n) => n.includes(account))
    .sort();

describe('day 2 of the README stack in the landing zone: each edit writes only its own resources', () => {
  let estate: Estate;
  beforeAll(async () => {
    estate = await landingZoneCopy('day2');
    applied(await estate.apply('stack', readmeStack('day0')));
  }, 600000);

  test('1. prepend an allowed source: one rule created, the others keep their priorities', async () => {
    const before = accountRules(estate, LZ.peNsg, 'aoai-prod-swc');
    const r = await estate.apply('stack', readmeStack('day2-1', prependSource));
    applied(r);
    expect(writes(r)).toEqual([['create', 'azapi_resource', 'Allow-aoai-prod-swc-batch-443']]);
    expect(accountRules(estate, LZ.peNsg, 'aoai-prod-swc')).toEqual(
      [...before, 'Allow-aoai-prod-swc-batch-443'].sort(),
    );
    expectPlatformIntact(estate);
  });

  test('2. remove that source, add a deployment, rotate a blocklist item, add a grant: exactly those writes', async () => {
    const grantsBefore = roleAssignments(estate).length;
    const r = await estate.apply(
      'stack',
      readmeStack('day2-2', addDeployment, rotateBlocklistItem, addGrant),
    );
    applied(r);
    expect(writes(r)).toEqual([
      ['create', 'azapi_resource', 'item-93d24fb40fba5a5b'], // sha256("lit:Project Redwing"), first 16 hex digits
      ['create', 'azurerm_cognitive_deployment', 'gpt-4o-mini'],
      ['create', 'azurerm_role_assignment', ''], // its name (a GUID) is chosen at apply
      ['delete', 'azapi_resource', 'Allow-aoai-prod-swc-batch-443'],
      ['delete', 'azapi_resource', 'item-8f58cfb2cec4db75'], // sha256("lit:Project Bluebird")
    ]);
    expect(roleAssignments(estate)).toHaveLength(grantsBefore + 1);
    expect(accountRules(estate, LZ.peNsg, 'aoai-prod-swc')).not.toContain('Allow-aoai-prod-swc-batch-443');
    expectPlatformIntact(estate);
  });

  test('3. remove the grant: one role assignment deleted', async () => {
    const grantsBefore = roleAssignments(estate).length;
    const r = await estate.apply('stack', readmeStack('day2-3', addDeployment, rotateBlocklistItem));
    applied(r);
    expect(writes(r).map(([a, t]) => [a, t])).toEqual([['delete', 'azurerm_role_assignment']]);
    expect(roleAssignments(estate)).toHaveLength(grantsBefore - 1);
    expectPlatformIntact(estate);
  });
});

describe('two account stacks in one spoke: destroying one leaves the platform and the other stack intact', () => {
  let estate: Estate;
  const B_ACCOUNT = 'aoai-lz-prod';
  beforeAll(async () => {
    estate = await landingZoneCopy('two-stacks');
    const out = join(scratch.root, 'two-stacks-readme');
    const accountA = JSON.parse(readFileSync(join(runReadmeExample(out), 'cdk.tf.json'), 'utf8'));
    const baseline = JSON.parse(
      readFileSync(join(out, 'stacks', 'aoai-subscription-baseline', 'cdk.tf.json'), 'utf8'),
    );
    // The landing-zone example, its endpoint in the spoke's other subnet (whose NSG the platform also owns).
    const accountB = stackOf('two-stacks-lz', LZ_HEADING, B_ACCOUNT, (src) =>
      src
        .replace('vnet-spoke/subnets/snet-pe`', 'vnet-spoke/subnets/snet-app`')
        .replace('networkSecurityGroups/nsg-snet-pe`', 'networkSecurityGroups/nsg-snet-app`'),
    );
    applied(await estate.apply('baseline', baseline));
    const [a, b] = await Promise.all([estate.apply('a', accountA), estate.apply('b', accountB)]);
    applied(a);
    applied(b);
  }, 600000);

  test('destroying account stack A removes its rules and account only', async () => {
    const bRules = accountRules(estate, LZ.appNsg, B_ACCOUNT);
    expect(bRules.length).toBeGreaterThan(1);
    expect(accountRules(estate, LZ.peNsg, 'aoai-prod-swc').length).toBeGreaterThan(1);
    // Decommissioning: deletion protection (prevent_destroy, the default) is turned off first, then the stack goes.
    const unprotected = readmeStack('two-stacks-decommission', (src) =>
      src.replace("location: 'swedencentral',\n", "location: 'swedencentral', deletionProtection: false,\n"),
    );
    applied(await estate.apply('a', unprotected));
    const r = await estate.destroy('a');
    applied(r);
    // No write of A's touched a resource of the platform or of B (the IDs each write names).
    const touched = readFileSync(r.applyLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .flatMap((w) => [w.id, ...(w.refs ?? [])])
      .filter((id): id is string => typeof id === 'string');
    expect(
      touched.filter((id) =>
        /aoai-lz-prod|nsg-snet-app|privateDnsZones\/[^/]+\/virtualNetworkLinks/i.test(id),
      ),
    ).toEqual([]);
    expect(accountRules(estate, LZ.peNsg, 'aoai-prod-swc')).toEqual([]);
    expect(accountRules(estate, LZ.appNsg, B_ACCOUNT)).toEqual(bRules);
    expect(estate.resource(`${LZ.appNsg}/securityRules/deny-internet-inbound`)).toBeDefined();
    expect(estate.resource(LZ.appSubnet)?.properties.networkSecurityGroup.id).toBe(LZ.appNsg);
    expectPlatformIntact(estate);
  });

  test('destroying the baseline stack leaves the Defender for AI plan Standard (no Free on destroy)', async () => {
    const r = await estate.destroy('baseline');
    applied(r);
    expect(estate.resource(LZ.defenderForAi)?.properties.pricingTier).toBe('Standard');
    expectPlatformIntact(estate);
  });
});
