// Reports CI tools accept: SARIF 2.1.0 valid against the OASIS schema, with a file and a line inside each
// finding's resource, fingerprints, tool version and one automation ID per stack; JUnit XML valid against the
// Surefire XSD GitLab, Azure DevOps and Jenkins read; the fix in every human report. The schemas are vendored
// (fixtures/report-schemas/README.md names their sources).
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fileURLToPath } from 'url';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { referenceJson } from './reference';
import { expectPointsIntoResource, expectValidSarif, junitErrors } from './report-validators';
import { AccountKind, HardenedAzureOpenAI, HardeningSuppressions, SubscriptionCoverage } from '../lib';
import { checkDocument, Report } from '../lib/checklist/engine';
import { DOCS_BASE_URL, PACKAGE_VERSION } from '../lib/checklist/package-info';
import {
  ReportSource,
  fixAdvice,
  ruleHelpUri,
  toJunit,
  toMarkdown,
  toSarif,
  toText,
} from '../lib/checklist/reporters';
import { cdktfJsonText } from '../lib/checklist/written-json';

const TODAY = '2026-06-01';
const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'aoai-reports-'));
  dirs.push(d);
  return d;
};

/**
 * A user stack on the composition: passes, with warnings (action groups without receivers) and a suppressed
 * warning (no custom blocklist).
 */
function userApp(outdir: string, id: string): App {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, id);
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const hardened = new HardenedAzureOpenAI(stack, 'AzureOpenAI', {
    account: {
      name: `aoai-${id}`,
      resourceGroupName: 'rg',
      location: 'swedencentral',
      kind: AccountKind.of('OpenAI'),
      deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
    },
    networking: {
      newNetwork: {
        name: 'vnet',
        addressSpace: '10.0.0.0/16',
        endpointSubnetCidr: '10.0.1.0/24',
        appSubnetCidrs: ['10.0.2.0/24'],
      },
    },
    monitoring: {
      subscriptionCoverage: SubscriptionCoverage.managedElsewhere('the platform team deploys the baseline'),
    },
  });
  HardeningSuppressions.addResourceSuppressions(hardened, [
    {
      ruleId: 'AOAI-CFP-006',
      reason: 'no custom blocklist until legal names the terms',
      expiresOn: '2099-01-01',
    },
  ]);
  return app;
}

describe('synth writes SARIF and JUnit beside cdk.tf.json', () => {
  const outdir = tempDir();
  userApp(outdir, 'user-reports').synth();
  const stackDir = join(outdir, 'stacks', 'user-reports');
  const written = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');
  const sarifText = readFileSync(join(stackDir, 'hardening-report.sarif'), 'utf8');

  test('the text the reports are located in is byte-identical to the cdk.tf.json cdktf wrote', () => {
    expect(cdktfJsonText(JSON.parse(written))).toBe(written);
  });

  test('SARIF validates against the 2.1.0 schema; every result is in the written file, inside its resource', () => {
    const log = expectValidSarif(sarifText);
    const run = log.runs[0];
    expect(run.results.length).toBeGreaterThanOrEqual(4); // three receiver warnings and the suppressed rule
    expect(run.results.some((r: any) => r.suppressions?.[0].status === 'accepted')).toBe(true);
    for (const result of run.results) {
      const location = result.locations[0].physicalLocation;
      expect(fileURLToPath(location.artifactLocation.uri)).toBe(join(stackDir, 'cdk.tf.json'));
      expect(location.region.startLine).toBeGreaterThan(1);
      expectPointsIntoResource(written, result);
      expect(result.partialFingerprints['aoaiHardenFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(run.tool.driver.version).toBe(pkg.version);
    expect(run.automationDetails.id).toBe('aoai-harden/user-reports/');
    for (const rule of run.tool.driver.rules) {
      expect(rule.helpUri).toBe(`${DOCS_BASE_URL}/rules.md#${rule.id.toLowerCase()}`);
      expect(rule.help.text).toContain(`Required: `);
    }
  });

  test('a second synth writes the same SARIF: fingerprints and locations do not move', () => {
    const again = tempDir();
    userApp(again, 'user-reports').synth();
    const other = readFileSync(join(again, 'stacks', 'user-reports', 'hardening-report.sarif'), 'utf8');
    expect(other.split(again).join('<outdir>')).toBe(sarifText.split(outdir).join('<outdir>'));
  });

  test('JUnit validates against the XSD and counts the suite', async () => {
    const xml = readFileSync(join(stackDir, 'hardening-report.junit.xml'), 'utf8');
    expect(await junitErrors(xml)).toEqual([]);
    const report = JSON.parse(readFileSync(join(stackDir, 'hardening-report.json'), 'utf8'));
    expect(xml).toContain(
      `<testsuite name="aoai-harden user-reports" tests="${report.findings.length}" failures="0"`,
    );
    expect(xml).toMatch(/<skipped message="suppression: no custom blocklist until legal/);
  });

  test('one suppression on the composition is one row, with the resources it covers (not one per resource)', () => {
    const json = JSON.parse(readFileSync(join(stackDir, 'hardening-report.json'), 'utf8'));
    const entries = json.exemptions.filter((e: any) => e.ruleId === 'AOAI-CFP-006');
    // The record keeps one entry per resource under the composition (the engine matches by address)...
    expect(entries.length).toBeGreaterThan(20);
    // ...the Markdown and text reports show the one suppression the user wrote, naming every resource.
    const md = readFileSync(join(stackDir, 'hardening-report.md'), 'utf8');
    const section = md.slice(md.indexOf('## Opt-outs and suppressions'), md.indexOf('## Findings'));
    const rows = section.split('\n').filter((l) => l.startsWith('| AOAI-CFP-006 |'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(
      `| ${entries.length} resources: ${entries.map((e: any) => e.address).join(', ')} |`,
    );
    expect(rows[0]).toContain('| no custom blocklist until legal names the terms | 2099-01-01 |');
    const report = checkDocument(JSON.parse(written), { today: TODAY });
    const lines = toText(report)
      .split('\n')
      .filter((l) => l.startsWith('EXEMPT AOAI-CFP-006 '));
    expect(lines).toEqual([
      `EXEMPT AOAI-CFP-006 ${entries.length} resources: ${entries.map((e: any) => e.address).join(', ')} (suppression by user-reports/AzureOpenAI, expires 2099-01-01): no custom blocklist until legal names the terms`,
    ]);
  });

  test('the Markdown report says how to fix each failing rule', () => {
    const md = readFileSync(join(stackDir, 'hardening-report.md'), 'utf8');
    expect(md).toMatch(/## How to fix\n\n(- .*\n)*- \*\*AOAI-MON-014\*\* \(3 findings\): Required: /);
    expect(md).toContain(ruleHelpUri('AOAI-MON-014'));
  });
});

describe('reports of a failing configuration, by file', () => {
  const weak = referenceJson();
  const account = Object.values<any>(weak.resource.azurerm_cognitive_account)[0];
  account.public_network_access_enabled = true;
  account.local_auth_enabled = true;
  const text = cdktfJsonText(weak);
  const report: Report = checkDocument(JSON.parse(text), { today: TODAY });
  const source: ReportSource = { uri: 'cdktf.out/stacks/aoai-hardened-dev/cdk.tf.json', text };

  test('SARIF: errors located in the account block, a repository-relative URI, valid', () => {
    const log = expectValidSarif(toSarif(report, { sources: [source], name: 'aoai-hardened-dev' }));
    const results = log.runs[0].results;
    const errors = results.filter((r: any) => r.level === 'error');
    expect(errors.map((r: any) => r.ruleId)).toEqual(
      expect.arrayContaining(['AOAI-NET-001', 'AOAI-IAM-001']),
    );
    for (const r of results) {
      expect(r.locations[0].physicalLocation.artifactLocation).toEqual({
        uri: source.uri,
        uriBaseId: '%SRCROOT%',
      });
      expectPointsIntoResource(text, r);
    }
    // The same finding in a run of another stack keeps its fingerprint (rule and address, not the file).
    const other = JSON.parse(toSarif(report, { sources: [{ ...source, uri: 'elsewhere.json' }] }));
    expect(other.runs[0].results.map((r: any) => r.partialFingerprints)).toEqual(
      results.map((r: any) => r.partialFingerprints),
    );
    expect(new Set(errors.map((r: any) => r.partialFingerprints['aoaiHardenFinding/v1'])).size).toBe(
      new Set(errors.map((r: any) => `${r.ruleId} ${r.locations[0].logicalLocations[0].fullyQualifiedName}`))
        .size,
    );
  });

  test('JUnit: each error is a failure with its file and line and the fix; warnings fail only when asked', async () => {
    const xml = toJunit(report, { sources: [source], name: 'aoai-hardened-dev' });
    expect(await junitErrors(xml)).toEqual([]);
    const failures = [...xml.matchAll(/<failure type="(\w+)"/g)].map((m) => m[1]);
    expect(failures.length).toBe(report.summary.errors);
    expect(new Set(failures)).toEqual(new Set(['error']));
    expect(xml).toMatch(
      /AOAI-NET-001 azurerm_cognitive_account\.[^"]+" classname="aoai-harden\.aoai-hardened-dev\.AOAI-NET-001"/,
    );
    expect(xml).toMatch(/at cdktf\.out\/stacks\/aoai-hardened-dev\/cdk\.tf\.json:\d+:\d+\nFix: Required: /);
    const strict = toJunit(report, { sources: [source], failOnWarnings: true });
    expect([...strict.matchAll(/<failure /g)].length).toBe(report.summary.errors + report.summary.warnings);
    expect(await junitErrors(strict)).toEqual([]);
  });

  test('JUnit escapes what XML cannot hold as text', async () => {
    const tricky = checkDocument(
      JSON.parse(text.replace(/"aoai-hardened-dev-[a-z0-9]*"/, '"a<b & \\"c\\" \\u0001d"')),
      { today: TODAY },
    );
    expect(await junitErrors(toJunit(tricky, { sources: [source] }))).toEqual([]);
  });

  test('text and Markdown reports carry the fix for each failing finding', () => {
    const rule = report.rules.find((r) => r.id === 'AOAI-NET-001')!;
    expect(toText(report)).toMatch(
      /^ERROR AOAI-NET-001 azurerm_cognitive_account\.\S+: .*\n {6}fix: Required: /m,
    );
    expect(toText(report)).toContain(fixAdvice(rule));
    expect(toMarkdown(report)).toMatch(
      /- \*\*AOAI-NET-001\*\* \(1 finding\): Required: Public network access/,
    );
  });
});

describe('reports of a plan JSON', () => {
  const plan = JSON.parse(
    readFileSync(join(__dirname, 'fixtures', 'terraform', 'weakened-first-plan.json'), 'utf8'),
  );
  const report = checkDocument(plan, { today: TODAY });

  // `terraform show -json` writes one line; the fixture is pretty-printed. Both are located.
  test.each([
    ['as terraform show -json writes it (one line)', JSON.stringify(plan)],
    ['pretty-printed', JSON.stringify(plan, null, 1)],
  ])('SARIF results point at the planned_values entry of their resource, %s', (_form, text) => {
    const log = expectValidSarif(toSarif(report, { sources: [{ uri: 'plan.json', text }], name: 'prod' }));
    const results = log.runs[0].results;
    expect(results.filter((r: any) => r.level === 'error').length).toBeGreaterThan(0);
    for (const r of results) {
      if (r.locations[0].logicalLocations[0].fullyQualifiedName === 'configuration') continue;
      expectPointsIntoResource(text, r);
    }
  });
});

test('the package version and the docs base URL come from .projenrc.ts (package.json agrees)', () => {
  expect(PACKAGE_VERSION).toBe(pkg.version);
  expect(`${DOCS_BASE_URL}/`).toMatch(new RegExp(`^${pkg.homepage}/blob/main/docs/`));
  expect(pkg.repository.url).toBe(`git+${pkg.homepage}.git`);
});

test('every rule has its anchor on the rules page the SARIF helpUri names', () => {
  const page = readFileSync(join(__dirname, '..', 'docs', 'rules.md'), 'utf8');
  const report = checkDocument(referenceJson(), { today: TODAY });
  for (const rule of report.rules) {
    expect(ruleHelpUri(rule.id)).toBe(`${DOCS_BASE_URL}/rules.md#${rule.id.toLowerCase()}`);
    expect(page).toContain(`<a id="${rule.id.toLowerCase()}"></a>${rule.id}`);
  }
});
