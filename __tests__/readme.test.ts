import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { applyGraphProblems } from './apply-graph';
import { runReadmeExample } from './readme-example';
import { FleetCollisions } from '../lib/checklist/fleet-collisions';

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

  // Hub and spoke: the hub already links the spoke to its zones, so no link (azapi or azurerm) and no privatelink.*
  // zone is created here (DnsZoneLinkExists, Deny-Private-DNS-Zones in the estate model).
  const links = Object.values<any>(config.resource.azapi_resource).filter((r) =>
    /^Microsoft\.Network\/privateDnsZones\/virtualNetworkLinks@/.test(r.type),
  );
  expect(links).toEqual([]);
  expect(config.resource.azurerm_private_dns_zone_virtual_network_link).toBeUndefined();
  expect(config.resource.azurerm_private_dns_zone).toBeUndefined();
  // The platform's NSG stays on the subnet: no NSG and no association written (SubnetAlreadyHasNsg); the allow and
  // deny-all rules are its children.
  expect(config.resource.azurerm_network_security_group).toBeUndefined();
  expect(config.resource.azurerm_subnet_network_security_group_association).toBeUndefined();
  const rules = Object.values<any>(config.resource.azapi_resource).filter((r) =>
    /^Microsoft\.Network\/networkSecurityGroups\/securityRules@/.test(r.type),
  );
  expect(rules.map((r) => [r.name, r.parent_id.split('/').pop()]).sort()).toEqual([
    ['Allow-aoai-prod-swc-aks-443', 'nsg-snet-pe'],
    ['Deny-aoai-prod-swc-All-Inbound', 'nsg-snet-pe'],
  ]);

  // The subscription singletons are in the baseline stack only, which passes the checklist too.
  const baseline = JSON.parse(
    readFileSync(join(stackDir, '..', 'aoai-subscription-baseline', 'cdk.tf.json'), 'utf8'),
  );
  const plans = (json: any) =>
    Object.values<any>(json.resource.azapi_update_resource ?? {}).filter((r) =>
      /^Microsoft\.Security\/pricings@/.test(r.type),
    );
  expect(plans(baseline)).toHaveLength(1);
  expect(plans(config)).toEqual([]);
  // The platform already exports the Activity Log to log-platform: the baseline declares it instead of a second
  // export of the same categories (DiagnosticCategorySinkConflict in the estate model).
  expect(baseline.resource.azurerm_monitor_diagnostic_setting).toBeUndefined();
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

/** The README's landing-zone example, run as written: it adopts what the platform owns and passes the checklist. */
test("the README's landing-zone example synthesizes, adopts the platform's NSG, zones and links, and passes", () => {
  const dir = mkdtempSync(join(tmpdir(), 'readme-lz-'));
  dirs.push(dir);
  const stackDir = runReadmeExample(dir, '## Deploy into a landing zone', 'aoai-lz-prod');
  const report = JSON.parse(readFileSync(join(stackDir, 'hardening-report.json'), 'utf8'));
  expect(report.summary.errors).toBe(0);
  const config = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  const r = config.resource;
  // Nothing the platform owns is created or replaced.
  for (const type of [
    'azurerm_network_security_group',
    'azurerm_subnet_network_security_group_association',
    'azurerm_private_dns_zone',
    'azurerm_private_dns_zone_virtual_network_link',
    'azurerm_security_center_subscription_pricing',
    'azurerm_subnet',
  ]) {
    expect([type, r[type]]).toEqual([type, undefined]);
  }
  const azapi = Object.values<any>(r.azapi_resource);
  expect(azapi.filter((x) => /virtualNetworkLinks@/.test(x.type))).toEqual([]);
  expect(azapi.filter((x) => /virtualNetworks\/subnets@/.test(x.type))).toEqual([]);
  expect(azapi.filter((x) => /Microsoft\.Security\/pricings@/.test(x.type))).toEqual([]);
  // No subnet patch: the subnet's owner sets its network policies.
  expect(Object.values<any>(r.azapi_update_resource).filter((x) => /subnets@/.test(x.type))).toEqual([]);
  // The rules go into the platform's NSG; the endpoint into the spoke's region, subscription and resource group.
  const rules = azapi.filter((x) => /securityRules@/.test(x.type));
  expect(rules.map((x) => x.name).sort()).toEqual([
    'Allow-aoai-lz-prod-aks-443',
    'Allow-aoai-lz-prod-functions-443',
    'Deny-aoai-lz-prod-All-Inbound',
  ]);
  expect(new Set(rules.map((x) => x.parent_id)).size).toBe(1);
  const pe = Object.values<any>(r.azurerm_private_endpoint)[0];
  expect([pe.provider, pe.location, pe.resource_group_name]).toEqual([
    'azurerm.spoke',
    'swedencentral',
    'rg-net',
  ]);
  // The ARM-event detections are activity log alerts on the account, with status filters.
  const alerts = Object.values<any>(r.azurerm_monitor_activity_log_alert)
    .map((a) => a.criteria.status)
    .sort();
  expect(alerts).toEqual(['Failed', 'Succeeded']);
  expect(JSON.stringify(r.azurerm_monitor_scheduled_query_rules_alert_v2)).not.toMatch(/AzureActivity/);
  // Required tags reach the RAI policy and blocklists too.
  const rai = azapi.filter((x) => /raiPolicies@/.test(x.type));
  expect(rai.map((x) => x.tags)).toEqual([{ costCenter: 'cc-4711', owner: 'ai-platform' }]);
  expect(applyGraphProblems(config)).toEqual([]);
});
