// The package's stacks applied into the landing zone (the estate model's fixture, policies on): which of Azure's
// constraints and the landing zone's policies refuse them today. Each refusal is a finding of issue 24; when the
// construct change that removes it lands, delete its name from EXPECTED (an empty list means the stack must apply).
import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdktf';
import { addReferenceStacks } from '../../stacks/reference-app';
import { runReadmeExample } from '../readme-example';
import { referenceJson } from '../reference';
import { Estate, LZ, flat } from './estate';
import { Scratch, TfResult } from './tf';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

/** Stack -> the constraints and policies that refuse it in the landing zone (empty: it applies). */
const EXPECTED: Record<string, string[]> = {
  // The Defender plan is an update of the existing plan (was PricingNotFree); the Activity Log export the platform
  // already has is declared, not written again (was DiagnosticCategorySinkConflict).
  'README: aoai-subscription-baseline': [],
  // The platform's NSG is adopted, its rules added (was SubnetAlreadyHasNsg); the hub's links to the spoke are
  // used, none is created (was DnsZoneLinkExists).
  'README: aoai-prod-swedencentral': [],
  // The "Deploy into a landing zone" example: the endpoint through the spoke's provider, nothing the platform owns.
  'README landing zone: aoai-lz-prod': [],
  // Its own privatelink.* zones (its subnets are written with their NSGs: no longer Deny-Subnet-Without-Nsg). In a
  // landing zone the reference app takes the hub's zones: see "the reference app's landing-zone fleet" below.
  'reference stack (default configuration)': ['Deny-Private-DNS-Zones'],
};

function stacks(): Array<[string, any]> {
  const out = join(scratch.root, 'readme-out');
  const dir = runReadmeExample(out);
  const read = (d: string) => JSON.parse(readFileSync(join(d, 'cdk.tf.json'), 'utf8'));
  const lz = runReadmeExample(
    join(scratch.root, 'readme-lz'),
    '## Deploy into a landing zone',
    'aoai-lz-prod',
  );
  return [
    ['README: aoai-subscription-baseline', read(join(out, 'stacks', 'aoai-subscription-baseline'))],
    ['README: aoai-prod-swedencentral', read(dir)],
    ['README landing zone: aoai-lz-prod', read(lz)],
    ['reference stack (default configuration)', referenceJson()],
  ];
}

/** The landing-zone fixture, applied once for this file; each scenario applies into its own copy. */
let fixture: Promise<Estate> | undefined;
const landingZone = () => (fixture ??= Estate.landingZone(scratch));

const results = new Map<string, { result: TfResult; estate: Estate }>();

beforeAll(async () => {
  const lz = await landingZone();
  await Promise.all(
    stacks().map(async ([name, config], i) => {
      const estate = lz.copy(`stack-${i}`);
      results.set(name, { result: await estate.apply('stack', config), estate });
    }),
  );
}, 600000);

describe.each(Object.keys(EXPECTED))('%s in the landing zone', (name) => {
  test(EXPECTED[name].length ? `is refused by ${EXPECTED[name].join(', ')}` : 'applies', () => {
    const { result } = results.get(name)!;
    const refusals = [...flat(result).matchAll(/Error: Estate (?:constraint|policy) ([\w-]+):/g)].map(
      (m) => m[1],
    );
    expect([...new Set(refusals)].sort()).toEqual(EXPECTED[name]);
    expect(result.code).toBe(EXPECTED[name].length ? 1 : 0);
  });

  test("leaves the platform's NSG, DNS links and Defender plan as they were", () => {
    const { estate } = results.get(name)!;
    expect(estate.resource(LZ.peSubnet)?.properties.networkSecurityGroup.id).toBe(LZ.peNsg);
    for (const zone of LZ.zones) {
      expect(estate.resource(LZ.link(zone))?.properties.virtualNetwork.id).toBe(LZ.vnet);
    }
    expect(estate.resource(LZ.defenderForAi)?.properties.pricingTier).toBe('Standard');
    expect(estate.resource(LZ.activityLogSetting)?.properties.workspaceId).toBe(LZ.workspace);
  });
});

// Day 2 (edits, and destroying one of two account stacks): estate-day2.tf.test.ts.

/**
 * The reference app in the landing zone: its fleet configuration for a spoke (fixtures/estate/landing-zone-fleet.json:
 * a subscription baseline declaring the platform's Activity Log export, and two account stacks, one per subnet,
 * each adding its rules to the platform's NSG on that subnet and using the hub's zones) applies stack after stack
 * into one landing zone, policies on.
 */
describe("the reference app's landing-zone fleet", () => {
  const applied = new Map<string, TfResult>();
  let estate: Estate;
  const config = join(__dirname, '..', 'fixtures', 'estate', 'landing-zone-fleet.json');
  beforeAll(async () => {
    estate = (await landingZone()).copy('fleet');
    const fleet = addReferenceStacks(Testing.app(), config).map(
      (s) => [s.node.id, JSON.parse(Testing.synth(s))] as const,
    );
    // The baseline first (the README's order), then the account stacks side by side.
    const [baseline, ...accounts] = fleet;
    applied.set(baseline[0], await estate.apply(baseline[0], baseline[1]));
    const runs = await Promise.all(accounts.map(([name, json]) => estate.apply(name, json)));
    accounts.forEach(([name], i) => applied.set(name, runs[i]));
  }, 600000);

  test('every stack applies: baseline, then both account stacks', () => {
    expect([...applied.keys()]).toEqual([
      'aoai-subscription-11111111',
      'aoai-prod-swedencentral',
      'aoai-prod-eastus2',
    ]);
    for (const [name, r] of applied) {
      expect([name, r.code, flat(r).match(/Error: [^.]*/g)]).toEqual([name, 0, null]);
    }
  });

  test("each account's rules are in the platform's NSG on its subnet; nothing of the platform's is replaced", () => {
    const rules = (nsg: string) =>
      Object.values(estate.document().resources)
        .filter((r) => r.id.toLowerCase().startsWith(`${nsg}/securityRules/`.toLowerCase()))
        .map((r) => r.id.split('/').pop())
        .sort();
    expect(rules(LZ.peNsg)).toEqual([
      'Allow-aoai-prod-swedencentral-aks-443',
      'Deny-aoai-prod-swedencentral-All-Inbound',
      'deny-internet-inbound',
    ]);
    expect(rules(LZ.appNsg)).toEqual([
      'Allow-aoai-prod-eastus2-aks-443',
      'Deny-aoai-prod-eastus2-All-Inbound',
      'deny-internet-inbound',
    ]);
    expect(estate.resource(LZ.peSubnet)?.properties.networkSecurityGroup.id).toBe(LZ.peNsg);
    expect(estate.resource(LZ.appSubnet)?.properties.networkSecurityGroup.id).toBe(LZ.appNsg);
    // Central DNS: no zone in the spoke, the hub's links untouched; one Activity Log export (the platform's).
    const resources = Object.values(estate.document().resources);
    expect(resources.filter((r) => /\/subscriptions\/1{8}-.*\/privateDnsZones\//i.test(r.id))).toEqual([]);
    for (const zone of LZ.zones) {
      expect(estate.resource(LZ.link(zone))?.properties.virtualNetwork.id).toBe(LZ.vnet);
    }
    expect(
      resources.filter((r) =>
        /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Insights\/diagnosticSettings\//i.test(r.id),
      ),
    ).toHaveLength(1);
    expect(estate.resource(LZ.defenderForAi)?.properties.pricingTier).toBe('Standard');
  });
});
