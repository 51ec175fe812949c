import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { applyGraphProblems } from './apply-graph';
import { runReadmeExample } from './readme-example';
import { FleetCollisions } from '../lib/fleet-collisions';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The README's construct example, run as written (its package import pointed at lib/). */
test("the README's example synthesizes and passes the checklist", () => {
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  dirs.push(dir);
  const stackDir = runReadmeExample(dir);
  const report = JSON.parse(readFileSync(join(stackDir, 'hardening-report.json'), 'utf8'));
  expect(report.summary.errors).toBe(0);
  const config = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  expect(Object.keys(config.resource.azurerm_role_assignment)).toHaveLength(3);
  // Literals backed by dependencies, writes on the account ordered, destroy in reverse (apply-graph.ts).
  expect(applyGraphProblems(config)).toEqual([]);
  // No ARM lock by default: day-2 deletes below the account are not blocked (day2.test.ts).
  expect(config.resource.azurerm_management_lock).toBeUndefined();

  // Hub and spoke: every link is in the hub subscription (where the zones live), none is an azurerm link (those
  // land in ARM_SUBSCRIPTION_ID's subscription), and no privatelink.* zone is created in the spoke.
  const HUB = '/subscriptions/22222222-2222-2222-2222-222222222222/';
  const links = Object.values<any>(config.resource.azapi_resource).filter((r) =>
    /^Microsoft\.Network\/privateDnsZones\/virtualNetworkLinks@/.test(r.type),
  );
  expect(links).toHaveLength(2);
  for (const link of links) expect(link.parent_id.startsWith(HUB)).toBe(true);
  expect(config.resource.azurerm_private_dns_zone_virtual_network_link).toBeUndefined();
  expect(config.resource.azurerm_private_dns_zone).toBeUndefined();

  // The subscription singletons are in the baseline stack only, which passes the checklist too.
  const baseline = JSON.parse(
    readFileSync(join(stackDir, '..', 'aoai-subscription-baseline', 'cdk.tf.json'), 'utf8'),
  );
  expect(Object.keys(baseline.resource.azurerm_security_center_subscription_pricing)).toHaveLength(1);
  expect(config.resource.azurerm_security_center_subscription_pricing).toBeUndefined();
  expect(
    JSON.parse(
      readFileSync(join(stackDir, '..', 'aoai-subscription-baseline', 'hardening-report.json'), 'utf8'),
    ).summary.errors,
  ).toBe(0);

  // No two resources of the app claim one name in one scope.
  const fleet = [
    { stackName: 'aoai-subscription-baseline', document: baseline },
    { stackName: 'aoai-prod-swedencentral', document: config },
  ];
  expect(FleetCollisions.find(fleet)).toEqual([]);
});

test("the README's single-phase example passes with one scope declaration, recorded in the report", () => {
  const dir = mkdtempSync(join(tmpdir(), 'readme-scope-'));
  dirs.push(dir);
  const stackDir = runReadmeExample(
    dir,
    '### Harden one phase of an existing account',
    'aoai-content-safety',
  );
  const report = JSON.parse(readFileSync(join(stackDir, 'hardening-report.json'), 'utf8'));
  expect(report.summary.errors).toBe(0);
  expect(report.managedElsewhere.map((e: any) => e.phase)).toEqual([
    'Network Isolation',
    'Identity and Access',
    'Monitoring',
  ]);
  // Every finding the declaration covers carries it; the content-safety rules are judged (and pass).
  const scoped = report.findings.filter((f: any) => f.exemption?.kind === 'scope');
  expect(scoped.length).toBeGreaterThan(10);
  expect(scoped.every((f: any) => f.status === 'suppressed' && !f.ruleId.startsWith('AOAI-CFP'))).toBe(true);
  expect(report.findings.filter((f: any) => f.ruleId === 'AOAI-CFP-002').map((f: any) => f.status)).toContain(
    'compliant',
  );
});
