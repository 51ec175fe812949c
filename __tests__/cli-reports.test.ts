// `aoai-harden check` writes the reports CI tools read: SARIF whose every result names the file it checked and a
// line inside the finding's resource (GitHub code scanning refuses results without a file location), and JUnit
// XML (--junit, --format junit, --report-dir) that validates against the Surefire XSD. Fixture files only, no synth.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { fileURLToPath } from 'url';
import { expectPointsIntoResource, expectValidSarif, junitErrors } from './report-validators';
import { runName, sourceUri } from '../cli/src/commands/check';
import { main } from '../cli/src/main';

const TODAY = ['--today', '2026-06-01'];
const dir = mkdtempSync(join(tmpdir(), 'aoai-cli-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** A hand-written cdk.tf.json with the account's public access and keys switched on, laid out as cdktf writes it. */
const WEAK = {
  resource: {
    azurerm_cognitive_account: {
      aoai: {
        name: 'aoai-weak',
        kind: 'OpenAI',
        location: 'swedencentral',
        resource_group_name: 'rg-aoai',
        sku_name: 'S0',
        custom_subdomain_name: 'aoai-weak',
        public_network_access_enabled: true,
        local_auth_enabled: true,
      },
    },
    azurerm_cognitive_deployment: {
      gpt: {
        name: 'gpt-4o',
        cognitive_account_id: '${azurerm_cognitive_account.aoai.id}',
        model: { format: 'OpenAI', name: 'gpt-4o', version: '2024-08-06' },
        sku: { name: 'Standard' },
      },
    },
  },
};
const stackDir = join(dir, 'cdktf.out', 'stacks', 'aoai-weak');
mkdirSync(stackDir, { recursive: true });
const weakFile = join(stackDir, 'cdk.tf.json');
const weakText = `${JSON.stringify(WEAK, null, 2)}\n`;
writeFileSync(weakFile, weakText);

const located = (results: any[]) =>
  results.filter((r) => r.locations[0].logicalLocations[0].fullyQualifiedName !== 'configuration');

test('SARIF of a plan JSON in the repository: every result names the file, repository-relative, at its entry', async () => {
  const plan = join(__dirname, 'fixtures', 'terraform', 'weakened-first-plan.json');
  const { code, out } = await run('check', plan, '--format', 'sarif', ...TODAY);
  expect(code).toBe(1);
  const log = expectValidSarif(out);
  const [sarifRun] = log.runs;
  expect(sarifRun.automationDetails.id).toBe('aoai-harden/weakened-first-plan/');
  expect(sarifRun.results.some((r: any) => r.level === 'error')).toBe(true);
  const uri = relative(process.cwd(), plan).split('\\').join('/');
  for (const result of sarifRun.results) {
    expect(result.locations[0].physicalLocation.artifactLocation).toEqual({ uri, uriBaseId: '%SRCROOT%' });
  }
  const text = readFileSync(plan, 'utf8');
  expect(located(sarifRun.results).length).toBeGreaterThan(0);
  for (const result of located(sarifRun.results)) expectPointsIntoResource(text, result);
});

describe('a weakened cdk.tf.json outside the working directory, --sarif and --junit files', () => {
  const sarifFile = join(dir, 'out', 'check.sarif');
  const junitFile = join(dir, 'out', 'junit', 'check.xml');
  let code: number;
  let summary: { errors: number; warnings: number };
  beforeAll(async () => {
    ({ code } = await run('check', weakFile, '--sarif', sarifFile, '--junit', junitFile, ...TODAY));
    summary = JSON.parse((await run('check', weakFile, '--format', 'json', ...TODAY)).out).summary;
  });

  test('exits 1; SARIF valid, each result in the file it checked (a file URI) and inside its resource', () => {
    expect(code).toBe(1);
    const log = expectValidSarif(readFileSync(sarifFile, 'utf8'));
    const [sarifRun] = log.runs;
    // The stack folder names the run: one analysis per stack in code scanning.
    expect(sarifRun.automationDetails.id).toBe('aoai-harden/aoai-weak/');
    const errors = sarifRun.results.filter((r: any) => r.level === 'error').map((r: any) => r.ruleId);
    expect(errors).toEqual(expect.arrayContaining(['AOAI-NET-001', 'AOAI-IAM-001']));
    for (const result of sarifRun.results) {
      expect(fileURLToPath(result.locations[0].physicalLocation.artifactLocation.uri)).toBe(weakFile);
    }
    const net001 = sarifRun.results.find((r: any) => r.ruleId === 'AOAI-NET-001');
    expect(net001.locations[0].physicalLocation.region.startLine).toBe(4); // "aoai": { under the account type
    for (const result of located(sarifRun.results)) expectPointsIntoResource(weakText, result);
  });

  test('JUnit valid; errors fail with file, line and fix; --fail-on warning makes warnings fail too', async () => {
    const xml = readFileSync(junitFile, 'utf8');
    expect(await junitErrors(xml)).toEqual([]);
    expect([...xml.matchAll(/<failure /g)].length).toBe(summary.errors);
    expect(xml).toContain('classname="aoai-harden.aoai-weak.AOAI-NET-001"');
    expect(xml).toMatch(new RegExp(`at file://[^\\n]*/aoai-weak/cdk\\.tf\\.json:4:7\\nFix: Required: `));
    const strict = await run('check', weakFile, '--format', 'junit', '--fail-on', 'warning', ...TODAY);
    expect(strict.code).toBe(1);
    expect(await junitErrors(strict.out)).toEqual([]);
    expect(summary.warnings).toBeGreaterThan(0);
    expect([...strict.out.matchAll(/<failure /g)].length).toBe(summary.errors + summary.warnings);
  });

  test('--report-dir writes the JUnit report beside JSON, Markdown and SARIF; --name names the run', async () => {
    const reports = join(dir, 'reports');
    const { code: c, out } = await run(
      'check',
      weakFile,
      '--report-dir',
      reports,
      '--format',
      'junit',
      '--name',
      'prod-weu',
      ...TODAY,
    );
    expect(c).toBe(1);
    expect(readFileSync(join(reports, 'hardening-report.junit.xml'), 'utf8')).toBe(out);
    expect(out).toContain('<testsuite name="aoai-harden prod-weu"');
    const log = JSON.parse(readFileSync(join(reports, 'hardening-report.sarif'), 'utf8'));
    expect(log.runs[0].automationDetails.id).toBe('aoai-harden/prod-weu/');
    expect(log.runs[0].results.every((r: any) => r.locations[0].physicalLocation)).toBe(true);
  });
});

test.each([
  ['--junit naming a folder', ['--junit', 'DIR'], /--junit .*: is a directory; name the report file/],
  ['--sarif in a folder that is a file', ['--sarif', 'FILE/x.sarif'], /--sarif .* is not a directory/],
  ['--format xml', ['--format', 'xml'], /--format must be one of text, json, sarif, junit, not xml/],
  ['--name with a space', ['--name', 'my stack'], /--name must be letters, digits/],
])('%s exits 2 before any report is written', async (_label, flags, message) => {
  const args = flags.map((a) => (a === 'DIR' ? dir : a.replace('FILE', weakFile)));
  const { code, out, err } = await run('check', weakFile, ...args, ...TODAY);
  expect(code).toBe(2);
  expect(err).toMatch(message);
  expect(out).toBe('');
});

test('file URIs: relative to the working directory inside it, file:// outside; run names from the input', () => {
  expect(sourceUri('cdktf.out/stacks/a/cdk.tf.json', '/repo')).toBe('cdktf.out/stacks/a/cdk.tf.json');
  expect(sourceUri('/repo/plan.json', '/repo')).toBe('plan.json');
  expect(sourceUri('/elsewhere/plan.json', '/repo')).toBe('file:///elsewhere/plan.json');
  expect(sourceUri('../x/plan.json', '/repo')).toBe('file:///x/plan.json');
  expect(runName('cdktf.out/stacks/aoai-prod/cdk.tf.json')).toBe('aoai-prod');
  expect(runName('plans/prod plan.json')).toBe('prod-plan');
  expect(runName('main.tf.json')).toBe('main');
});
