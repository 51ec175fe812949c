// `aoai-harden check` of a whole synthesized app (issue 26): cdktf.out, cdktf.out/stacks, a stack folder or the
// stacks' cdk.tf.json files judge each stack on its own and report per stack (a text and Markdown section, one SARIF
// run with its automationDetails.id and one JUnit test suite per stack); the exit status is the worst stack's.
// The app is a real cdktf App synthesized with app.synth() (its manifest.json as cdktf writes it), two small stacks
// of raw provider resources; no construct of this package, so the file stays fast.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { expectValidSarif, junitErrors } from './report-validators';
import { main } from '../cli/src/main';

const TODAY = ['--today', '2026-06-01'];
// The one rule these stacks are judged on (the rest would fail both: they are bare accounts, not hardened ones).
const NET_ONLY = ['--check', 'AOAI-NET-001', '--skip-reason', 'the stacks hold a bare account'];
const work = mkdtempSync(join(tmpdir(), 'aoai-cli-stacks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** A two-stack app: aoai-dev with public network access on, aoai-prod with it off. */
function synthApp(outdir: string): void {
  const app = new App({ outdir });
  for (const [id, publicAccess] of [
    ['aoai-dev', true],
    ['aoai-prod', false],
  ] as const) {
    const stack = new TerraformStack(app, id);
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    new CognitiveAccount(stack, 'aoai', {
      name: id,
      kind: 'OpenAI',
      location: 'swedencentral',
      resourceGroupName: `rg-${id}`,
      skuName: 'S0',
      customSubdomainName: id,
      publicNetworkAccessEnabled: publicAccess,
      localAuthEnabled: false,
    });
  }
  app.synth();
}

const out = join(work, 'cdktf.out');
synthApp(out);
const stackFile = (id: string) => join(out, 'stacks', id, 'cdk.tf.json');

describe('a synthesized app (cdktf.out, read through its manifest.json)', () => {
  test('each stack judged apart: sections per stack, the totals, exit 1 from the failing stack', async () => {
    const { code, out: text, err } = await run('check', out, ...NET_ONLY, ...TODAY);
    expect(err).toBe('');
    expect(code).toBe(1);
    const [dev, prod] = text.split(/^== /m).slice(1);
    expect(dev).toMatch(/^aoai-dev \(.*stacks\/aoai-dev\/cdk\.tf\.json\)\n/);
    expect(dev).toContain(
      'ERROR AOAI-NET-001 azurerm_cognitive_account.aoai: public network access is enabled',
    );
    expect(dev).toMatch(/^1 error\(s\)/m);
    expect(prod).toMatch(/^aoai-prod \(/);
    expect(prod).not.toContain('ERROR');
    expect(prod).toMatch(/^0 error\(s\)/m);
    expect(text).toMatch(/\n2 stacks: 1 error\(s\), .* Errors in: aoai-dev\.\n$/);
  });

  test('the passing stack alone exits 0; the exit status is the worst stack, not the last', async () => {
    expect((await run('check', join(out, 'stacks', 'aoai-prod'), ...NET_ONLY, ...TODAY)).code).toBe(0);
    const reversed = await run('check', stackFile('aoai-prod'), stackFile('aoai-dev'), ...NET_ONLY, ...TODAY);
    expect(reversed.code).toBe(1);
  });

  test('cdktf.out, cdktf.out/stacks and the stacks/*/cdk.tf.json files give the same per-stack verdicts', async () => {
    const verdicts = async (...inputs: string[]) => {
      const r = await run('check', ...inputs, '--format', 'json', ...TODAY);
      expect(r.code).toBe(1);
      const json = JSON.parse(r.out);
      return json.stacks.map((s: any) => ({
        name: s.name,
        summary: s.summary,
        errors: s.findings.filter((f: any) => f.status === 'non-compliant').map((f: any) => f.ruleId),
      }));
    };
    const fromApp = await verdicts(out);
    expect(fromApp.map((s: any) => s.name)).toEqual(['aoai-dev', 'aoai-prod']);
    expect(fromApp[0].errors).toContain('AOAI-NET-001');
    expect(fromApp[1].errors).not.toContain('AOAI-NET-001');
    expect(await verdicts(join(out, 'stacks'))).toEqual(fromApp);
    // Before issue 26 this exited 2: "declared in two files" (the two stacks merged into one configuration).
    expect(await verdicts(stackFile('aoai-dev'), stackFile('aoai-prod'))).toEqual(fromApp);
  });

  test('JSON: the totals are the sum of the stacks', async () => {
    const json = JSON.parse((await run('check', out, '--format', 'json', ...TODAY)).out);
    expect(json.stacks.map((s: any) => s.inputs)).toEqual([
      [expect.stringMatching(/stacks\/aoai-dev\/cdk\.tf\.json$/)],
      [expect.stringMatching(/stacks\/aoai-prod\/cdk\.tf\.json$/)],
    ]);
    for (const key of ['errors', 'warnings', 'suppressed', 'compliant', 'notApplicable']) {
      expect(json.summary[key]).toBe(json.stacks[0].summary[key] + json.stacks[1].summary[key]);
    }
  });

  test('SARIF: one valid run per stack, each with its automationDetails.id and results in its own file', async () => {
    const sarifFile = join(work, 'reports', 'app.sarif');
    const junitFile = join(work, 'reports', 'app.junit.xml');
    const { code } = await run(
      'check',
      out,
      '--sarif',
      sarifFile,
      '--junit',
      junitFile,
      ...NET_ONLY,
      ...TODAY,
    );
    expect(code).toBe(1);
    const log = expectValidSarif(readFileSync(sarifFile, 'utf8'));
    expect(log.runs.map((r: any) => r.automationDetails.id)).toEqual([
      'aoai-harden/aoai-dev/',
      'aoai-harden/aoai-prod/',
    ]);
    for (const [i, id] of ['aoai-dev', 'aoai-prod'].entries()) {
      const sarifRun = log.runs[i];
      expect(sarifRun.artifacts).toHaveLength(1);
      expect(sarifRun.artifacts[0].location.uri).toMatch(new RegExp(`stacks/${id}/cdk\\.tf\\.json$`));
      for (const r of sarifRun.results) {
        expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe(sarifRun.artifacts[0].location.uri);
      }
    }
    // Unsuppressed errors (the rules skipped by --check are results with a suppression).
    const errors = (r: any) =>
      r.results.filter((x: any) => x.level === 'error' && !x.suppressions).map((x: any) => x.ruleId);
    expect(errors(log.runs[0])).toEqual(['AOAI-NET-001']);
    expect(errors(log.runs[1])).toEqual([]);

    const xml = readFileSync(junitFile, 'utf8');
    expect(await junitErrors(xml)).toEqual([]);
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"/g)];
    expect(suites.map((m) => [m[1], m[3]])).toEqual([
      ['aoai-harden aoai-dev', '1'],
      ['aoai-harden aoai-prod', '0'],
    ]);
    const total = /<testsuites name="aoai-harden" tests="(\d+)" failures="(\d+)"/.exec(xml)!;
    expect(Number(total[1])).toBe(Number(suites[0][2]) + Number(suites[1][2]));
    expect(total[2]).toBe('1');
  });

  test('--report-dir: the Markdown report has a row and a section per stack', async () => {
    const reports = join(work, 'report-dir');
    expect((await run('check', out, '--report-dir', reports, ...NET_ONLY, ...TODAY)).code).toBe(1);
    const md = readFileSync(join(reports, 'hardening-report.md'), 'utf8');
    expect(md).toMatch(/^\| aoai-dev \| .*aoai-dev\/cdk\.tf\.json \| 1 \| /m);
    expect(md).toMatch(/^\| aoai-prod \| .*aoai-prod\/cdk\.tf\.json \| 0 \| /m);
    expect(md).toContain('## Stack aoai-dev\n');
    expect(md).toContain('## Stack aoai-prod\n');
    expect(md).toContain('### How to fix');
    expect(JSON.parse(readFileSync(join(reports, 'hardening-report.json'), 'utf8')).stacks).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(reports, 'hardening-report.sarif'), 'utf8')).runs).toHaveLength(2);
  });
});

describe('folders: what is a stack, and inputs that cannot be judged', () => {
  const dir = (...parts: string[]) => {
    const path = join(work, ...parts);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const copyStack = (to: string) =>
    writeFileSync(join(to, 'cdk.tf.json'), readFileSync(stackFile('aoai-dev')));

  test('cdktf.out follows its manifest (a stale stack folder is left out); cdktf.out/stacks takes every folder', async () => {
    const app = join(work, 'stale-app');
    synthApp(app);
    copyStack(dir('stale-app', 'stacks', 'aoai-removed'));
    const names = async (input: string) =>
      JSON.parse((await run('check', input, '--format', 'json', ...TODAY)).out).stacks.map(
        (s: any) => s.name,
      );
    expect(await names(app)).toEqual(['aoai-dev', 'aoai-prod']);
    expect(await names(join(app, 'stacks'))).toEqual(['aoai-dev', 'aoai-prod', 'aoai-removed']);
  });

  test('a folder of hand-written *.tf.json files is one configuration, named by the folder', async () => {
    const folder = dir('handwritten', 'network');
    copyStack(folder);
    const { code, out: json } = await run('check', folder, '--format', 'sarif', ...NET_ONLY, ...TODAY);
    expect(code).toBe(1);
    expect(JSON.parse(json).runs.map((r: any) => r.automationDetails.id)).toEqual(['aoai-harden/network/']);
  });

  test.each([
    ['an empty folder', () => dir('empty'), /empty: no Terraform JSON here; give a plan or state JSON file/],
    [
      'a folder of HCL files',
      () => {
        const d = dir('hcl-only');
        writeFileSync(join(d, 'main.tf'), 'resource "azurerm_resource_group" "rg" {}\n');
        return d;
      },
      /hcl-only: holds HCL \(\*\.tf\) only, and the checklist reads JSON: check the plan JSON/,
    ],
    [
      'a stack synthesized as HCL (hclOutput)',
      () => {
        const d = dir('hcl-app', 'stacks', 'aoai-hcl');
        writeFileSync(join(d, 'cdk.tf'), 'resource "azurerm_resource_group" "rg" {}\n');
        return join(work, 'hcl-app');
      },
      /cdk\.tf: cdktf wrote HCL \(hclOutput\), and the checklist reads JSON/,
    ],
    [
      'two stacks with one name in two apps',
      () => {
        copyStack(dir('app-a', 'stacks', 'aoai-same'));
        copyStack(dir('app-b', 'stacks', 'aoai-same'));
        return [join(work, 'app-a', 'stacks'), join(work, 'app-b', 'stacks')];
      },
      /are both named "aoai-same" .*; check them in two runs, each with its own --name/,
    ],
    [
      '--name over several stacks',
      () => [out, '--name', 'prod'],
      /--name prod: names one run, and the input holds 2 stacks \(aoai-dev, aoai-prod\)/,
    ],
  ])('%s: exit 2, one message and the help hint', async (_label, make, message) => {
    const made = make();
    const { code, out: stdout, err } = await run('check', ...[made].flat(), ...TODAY);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(err).toMatch(message);
    expect(err).toMatch(/\nsee aoai-harden check --help\n$/);
    expect(err.split('\n')).toHaveLength(3);
  });
});

describe('short errors: one line naming the flag or value, and where to look; the usage only on --help', () => {
  const plan = join(__dirname, 'fixtures', 'weakened-plan.json');
  test.each([
    [
      '--today 2026-13-01 (no month 13)',
      ['check', plan, '--today', '2026-13-01'],
      /--today 2026-13-01: not a calendar date/,
    ],
    [
      '--today 2026-02-30 (no such day)',
      ['check', plan, '--today', '2026-02-30'],
      /--today 2026-02-30: not a calendar date/,
    ],
    [
      '--today 26-1-1',
      ['check', plan, '--today', '26-1-1'],
      /--today 26-1-1: not a calendar date; write YYYY-MM-DD/,
    ],
    ['an unknown flag', ['check', plan, '--colour', 'red'], /Unknown option '--colour'/],
    [
      '--format xml',
      ['check', plan, '--format', 'xml'],
      /--format must be one of text, json, sarif, junit, not xml/,
    ],
    ['no input', ['check'], /no input: name a plan or state JSON file/],
    [
      'a missing file',
      ['check', '/nonexistent/plan.json'],
      /input \/nonexistent\/plan\.json: cannot read it \(ENOENT\)/,
    ],
  ])('%s', async (_label, args, message) => {
    const { code, out: stdout, err } = await run(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(err).toMatch(message);
    const command = args[0];
    expect(err).toMatch(new RegExp(`\\nsee aoai-harden ${command} --help\\n$`));
    expect(err.split('\n')).toHaveLength(3);
    expect(err).not.toContain('usage:');
  });

  test.each([[[]], [['chek', 'plan.json']]])(
    'aoai-harden %j: one line, the commands and the hint',
    async (args) => {
      const { code, err } = await run(...args);
      expect(code).toBe(2);
      expect(err).toMatch(
        /^aoai-harden: (no command|unknown command "chek"): use check, fleet, verify or run-task\nsee aoai-harden --help\n$/,
      );
    },
  );

  test('--help prints the usage on stdout and exits 0 (run-task and verify: their own test files)', async () => {
    for (const args of [['--help'], ['check', '--help']]) {
      const { code, out: stdout, err } = await run(...args);
      expect([args, code, err]).toEqual([args, 0, '']);
      expect(stdout).toMatch(/usage: aoai-harden/);
    }
  });
});
