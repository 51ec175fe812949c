import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { CORPUS, EvasionCase } from './corpus';
import { main } from '../../cli/src/main';
import { HardeningChecks, checkDocument, checkDocuments } from '../../lib';
import { parseTerraformJsonText } from '../../lib/checklist/json-text';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { HardenedOpenAIStack } from '../../stacks/hardened-openai-stack';
import { referenceJson, referenceStack } from '../reference';

const TODAY = '2026-11-28';
const compliant = referenceJson();
const dir = mkdtempSync(join(tmpdir(), 'aoai-evasion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The documents a case produces: one edited cdk.tf.json (or plan/state), or several files. */
function documentsOf(c: EvasionCase, base: any): Record<string, unknown> {
  if (c.files) return c.files(structuredClone(base));
  if (c.text) return { 'cdk.tf.json': c.text(structuredClone(base)) };
  const copy = structuredClone(base);
  return { 'cdk.tf.json': c.json!(copy) ?? copy };
}

function engineFindings(raw: Record<string, unknown>) {
  // A document given as text is parsed as the CLI parses files (as Terraform reads JSON).
  const docs = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? parseTerraformJsonText(v, k) : v]),
  );
  const names = Object.keys(docs);
  const report =
    names.length === 1
      ? checkDocument(docs[names[0]], { today: TODAY })
      : checkDocuments(
          names.map((name) => ({ name, document: docs[name] })),
          { today: TODAY },
        );
  return report.findings.filter((f) => f.status === 'non-compliant' && f.severity === 'error');
}

async function cli(docs: Record<string, unknown>, label: string) {
  const caseDir = mkdtempSync(join(dir, 'case-'));
  const files = Object.entries(docs).map(([name, doc]) => {
    const file = join(caseDir, name);
    writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
    return file;
  });
  let out = '';
  let err = '';
  const code = await main(['check', ...files, '--today', TODAY], {
    out: (s) => (out += s),
    err: (s) => (err += s),
  });
  return { code, out, err, label };
}

test('the reference stack passes: the corpus starts from a compliant configuration', () => {
  expect(checkDocument(compliant, { today: TODAY }).summary.errors).toBe(0);
});

test('every bypass class of issue 11 has at least one case', () => {
  const classes = new Set(CORPUS.map((c) => c.bypassClass));
  for (let n = 1; n <= 9; n++) expect(classes).toContain(n);
});

const jsonCases = CORPUS.filter((c) => c.json || c.files || c.text);
const constructCases = CORPUS.filter((c) => c.construct);

describe.each(jsonCases.map((c) => [`${c.bypassClass}. ${c.name}`, c] as const))('JSON edit: %s', (_n, c) => {
  test(`caught by ${c.ruleId} through the engine and the CLI`, async () => {
    const docs = documentsOf(c, compliant);
    expect(engineFindings(docs).map((f) => f.ruleId)).toContain(c.ruleId);
    const run = await cli(docs, c.name);
    expect(run.err).toBe('');
    expect(run.code).toBe(1);
    expect(run.out).toMatch(new RegExp(`^ERROR ${c.ruleId} `, 'm'));
  });
});

describe.each(constructCases.map((c) => [`${c.bypassClass}. ${c.name}`, c] as const))(
  'construct edit: %s',
  (_n, c) => {
    test(`caught by ${c.ruleId} through the Aspect and the CLI`, async () => {
      const stack = referenceStack();
      c.construct!(stack);
      const json = JSON.parse(Testing.synth(stack));
      expect(engineFindings({ 'cdk.tf.json': json }).map((f) => f.ruleId)).toContain(c.ruleId);
      const run = await cli({ 'cdk.tf.json': json }, c.name);
      expect(run.code).toBe(1);
      expect(run.out).toMatch(new RegExp(`^ERROR ${c.ruleId} `, 'm'));
      // The reference stack carries the HardeningChecks Aspect: its stack validation (what `Testing.synth(stack,
      // true)` and `cdktf synth` run after the Aspects, before writing) fails naming the rule. The Aspects have
      // run once already (Testing.synth above), so the same stack is validated instead of building a second one.
      expect(() => stack.runAllValidations()).toThrow(new RegExp(`\\[${c.ruleId}\\]`));
    });
  },
);

describe('synth-time checks that a flag would skip', () => {
  // Found by the red team: `new App({ skipValidation: true })` synthesized a stack with public access enabled
  // and exit 0, because the checklist runs as a stack validation and cdktf 0.21 skips every validation then
  // (StackSynthesizer.synthesize, App.synth); the CLI still failed the written JSON (AOAI-NET-001).
  const skipping = () => new App({ outdir: mkdtempSync(join(dir, 'skip-')), skipValidation: true });

  test('an App with skipValidation refuses the default checks of HardenedAzureOpenAI, naming the fix', () => {
    expect(() => new HardenedOpenAIStack(skipping(), { ...DEFAULT_CONFIG })).toThrow(
      /App\.skipValidation: invalid value true\..*hardeningChecksOptOut/,
    );
  });

  test('an explicit HardeningChecks on a stack of such an App fails the synth instead of writing it', () => {
    const app = skipping();
    const stack = new TerraformStack(app, 'plain');
    Aspects.of(stack).add(new HardeningChecks({ writeReports: false }));
    expect(() => app.synth()).toThrow(/App\.skipValidation/);
    expect(existsSync(join(app.outdir, 'stacks', 'plain', 'cdk.tf.json'))).toBe(false);
  });

  test('negative control: the same App without skipValidation synthesizes the reference stack', () => {
    const app = new App({ outdir: mkdtempSync(join(dir, 'noskip-')) });
    new HardenedOpenAIStack(app, { ...DEFAULT_CONFIG });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('files Terraform loads with the one checked', () => {
  // Found by the red team: `aoai-harden check cdk.tf.json` passed while a zz_override.tf.json next to it, which
  // Terraform merges into the same configuration, reopened public access (exit 0).
  const stackDir = (files: Record<string, string>) => {
    const d = mkdtempSync(join(dir, 'siblings-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
    return d;
  };
  const acct = Object.keys(compliant.resource.azurerm_cognitive_account)[0];
  const reopen = JSON.stringify({
    resource: { azurerm_cognitive_account: { [acct]: { public_network_access_enabled: true } } },
  });
  const check = async (file: string) => {
    let out = '';
    let err = '';
    const code = await main(['check', file, '--today', TODAY], {
      out: (s) => (out += s),
      err: (s) => (err += s),
    });
    return { code, out, err };
  };

  test('an override file in the same directory is checked with cdk.tf.json (AOAI-NET-001)', async () => {
    const d = stackDir({ 'cdk.tf.json': JSON.stringify(compliant), 'zz_override.tf.json': reopen });
    const run = await check(join(d, 'cdk.tf.json'));
    expect(run.code).toBe(1);
    expect(run.err).toContain(`also checked ${join(d, 'zz_override.tf.json')}`);
    expect(run.out).toMatch(new RegExp(`^ERROR AOAI-NET-001 azurerm_cognitive_account\\.${acct}:`, 'm'));
  });

  test('an HCL file in the same directory is refused (exit 2): the checklist cannot read it', async () => {
    const d = stackDir({
      'cdk.tf.json': JSON.stringify(compliant),
      'extra.tf': 'resource "azurerm_role_assignment" "owner" {}\n',
    });
    const run = await check(join(d, 'cdk.tf.json'));
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/extra\.tf: Terraform loads this HCL file/);
  });

  test('negative control: hidden and editor files, and non-Terraform files, are not loaded', async () => {
    const d = stackDir({
      'cdk.tf.json': JSON.stringify(compliant),
      '.zz_override.tf.json': reopen,
      'zz_override.tf.json~': reopen,
      'hardening-report.json': reopen,
    });
    const run = await check(join(d, 'cdk.tf.json'));
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
  });
});
