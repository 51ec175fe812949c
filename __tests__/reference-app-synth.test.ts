/**
 * The reference app's stacks skip cdktf's preparing resolve and its second resolve of the merged stack
 * (ConfiguredStack.prepareStack and toTerraform). That is only sound while they hold no token of another stack and
 * no stack-level override: here the whole fleet app (a subscription baseline and three account stacks), stacks with
 * the cloud and azurerm state backends, and the built-in stack are synthesized with the overrides and with cdktf's
 * own TerraformStack.prototype.prepareStack and toTerraform, and every file App.synth writes (manifest, each
 * cdk.tf.json, each report) must be byte-identical.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { ConfiguredStack } from '../stacks/configured-stack';
import { addReferenceStacks } from '../stacks/reference-app';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** ConfiguredStack's own synth steps, which the comparison swaps for cdktf's. */
const OVERRIDDEN = ['prepareStack', 'toTerraform'] as const;

/** Synthesize the reference app for `configFile` into a fresh folder; returns every file written. */
function synth(configFile: string | undefined, withCdktfSteps: boolean): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'aoai-prepare-'));
  dirs.push(outdir);
  const own = OVERRIDDEN.map((name) => Object.getOwnPropertyDescriptor(ConfiguredStack.prototype, name)!);
  if (withCdktfSteps) {
    for (const name of OVERRIDDEN) {
      Object.defineProperty(ConfiguredStack.prototype, name, {
        // eslint-disable-next-line @typescript-eslint/unbound-method
        value: TerraformStack.prototype[name],
        configurable: true,
      });
    }
  }
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const app = new App({ outdir, skipValidation: false });
    addReferenceStacks(app, configFile);
    app.synth();
  } finally {
    OVERRIDDEN.forEach((name, i) => Object.defineProperty(ConfiguredStack.prototype, name, own[i]));
    log.mockRestore();
  }
  // The temp folder's name is in the reports' paths only through outdir; compare relative contents. The manifest's
  // annotations (the checklist's warnings) carry the stack trace of this test's call site, which differs per call.
  return Object.fromEntries(
    Object.entries(files(outdir)).map(([k, v]) => [
      k,
      v
        .split(outdir)
        .join('<outdir>')
        .replace(/"stacktrace": \[[^\]]*\]/gi, '"stacktrace": []'),
    ]),
  );
}

/** Two account stacks whose state lives in HCP Terraform and in Azure Storage: backends add stack metadata. */
function remoteBackendsConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-backends-'));
  dirs.push(dir);
  const file = join(dir, 'backends.json');
  const coverage = { managedElsewhere: 'test: the subscription baseline is not part of this app' };
  writeFileSync(
    file,
    JSON.stringify([
      {
        environment: 'cloud',
        subscriptionCoverage: coverage,
        backend: { type: 'cloud', organization: 'contoso', workspace: 'aoai-cloud' },
      },
      {
        environment: 'blob',
        subscriptionCoverage: coverage,
        backend: {
          type: 'azurerm',
          storageAccountName: 'sttfstate',
          containerName: 'tfstate',
          resourceGroupName: 'rg-tfstate',
        },
      },
    ]),
  );
  return file;
}

describe.each([
  ['the fleet fixture', join(__dirname, 'fixtures', 'fleet.json')],
  ['stacks with remote state backends', remoteBackendsConfig()],
  ['the built-in stack', undefined],
])("%s: skipping cdktf's preparing resolve and second resolve changes no byte", (_name, configFile) => {
  const skipped = synth(configFile, false);
  const prepared = synth(configFile, true);

  test('the same files, each byte-identical', () => {
    expect(Object.keys(skipped).sort()).toEqual(Object.keys(prepared).sort());
    for (const [file, content] of Object.entries(prepared)) {
      expect([file, skipped[file]]).toEqual([file, content]);
    }
    expect(Object.keys(skipped).filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(0);
    if (configFile?.endsWith('backends.json')) {
      // The backends' own stack metadata (cdktf's header) took part in the comparison.
      const json = Object.entries(skipped).filter(([f]) => f.endsWith('cdk.tf.json'));
      expect(json.map(([, c]) => JSON.parse(c)['//'].metadata.backend).sort()).toEqual(['azurerm', 'cloud']);
    }
  });
});

test('negative control: a cross-stack reference is lost without the preparing resolve, so the comparison can fail', () => {
  // App.synth's own steps (prepare every stack, then resolve each), without writing: these stacks are broken on
  // purpose and must not reach the Terraform corpus.
  const resolved = (withCdktfPrepare: boolean): string => {
    class Origin extends ConfiguredStack {
      constructor(scope: App, id: string) {
        super(scope, { stackName: id, backend: { type: 'local' } });
      }
    }
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'aoai-prepare-')) });
    dirs.push(app.outdir);
    const a = new Origin(app, 'a');
    const b = new Origin(app, 'b');
    const v = new TerraformVariable(a, 'v', { type: 'string', default: 'x' });
    new TerraformOutput(b, 'o', { value: v.stringValue });
    for (const stack of [a, b]) {
      if (withCdktfPrepare) TerraformStack.prototype.prepareStack.call(stack);
      else stack.prepareStack();
    }
    return JSON.stringify(b.toTerraform());
  };
  expect(resolved(true)).toMatch(/terraform_remote_state/);
  expect(resolved(false)).not.toMatch(/terraform_remote_state/);
});

/** A bare reference-app stack with one output, for the override tests. */
class Bare extends ConfiguredStack {
  constructor(scope: App, id: string) {
    super(scope, { stackName: id, backend: { type: 'local' } });
    new TerraformOutput(this, 'o', { value: 'x' });
  }
}

test("a stack-level override takes cdktf's own toTerraform, the one thing its second resolve is for", () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'aoai-override-')) });
  dirs.push(app.outdir);
  const stack = new Bare(app, 's');
  const withoutOverride = JSON.stringify(stack.toTerraform());
  expect(withoutOverride).toBe(JSON.stringify(TerraformStack.prototype.toTerraform.call(stack)));
  const version = new TerraformVariable(stack, 'v', { type: 'string', default: '>= 1.9' });
  stack.addOverride('terraform.required_version', version.stringValue);
  expect(stack.toTerraform().terraform.required_version).toBe('${var.v}');
  // Negative control: the one-resolve path does not merge stack overrides, so without the deferral the override
  // is lost and the byte comparison above would fail on it.
  (stack as unknown as { hasStackOverrides: boolean }).hasStackOverrides = false;
  expect(JSON.stringify(stack.toTerraform())).not.toMatch(/required_version/);
});
