/**
 * The reference app's stacks skip cdktf's preparing resolve (ConfiguredStack). That is only sound while they hold no
 * token of another stack: here the whole fleet app (a subscription baseline and three account stacks) and the
 * built-in stack are synthesized with the override and with cdktf's own TerraformStack.prototype.prepareStack, and
 * every file App.synth writes (manifest, each cdk.tf.json, each report) must be byte-identical.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
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

/** Synthesize the reference app for `configFile` into a fresh folder; returns every file written. */
function synth(configFile: string | undefined, withCdktfPrepare: boolean): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'aoai-prepare-'));
  dirs.push(outdir);
  const own = Object.getOwnPropertyDescriptor(ConfiguredStack.prototype, 'prepareStack')!;
  if (withCdktfPrepare) {
    // eslint-disable-next-line @typescript-eslint/unbound-method
    Object.defineProperty(ConfiguredStack.prototype, 'prepareStack', {
      value: TerraformStack.prototype.prepareStack,
      configurable: true,
    });
  }
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const app = new App({ outdir, skipValidation: false });
    addReferenceStacks(app, configFile);
    app.synth();
  } finally {
    Object.defineProperty(ConfiguredStack.prototype, 'prepareStack', own);
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

describe.each([
  ['the fleet fixture', join(__dirname, 'fixtures', 'fleet.json')],
  ['the built-in stack', undefined],
])("%s: skipping cdktf's preparing resolve changes no byte", (_name, configFile) => {
  const skipped = synth(configFile, false);
  const prepared = synth(configFile, true);

  test('the same files, each byte-identical', () => {
    expect(Object.keys(skipped).sort()).toEqual(Object.keys(prepared).sort());
    for (const [file, content] of Object.entries(prepared)) {
      expect([file, skipped[file]]).toEqual([file, content]);
    }
    expect(Object.keys(skipped).filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(0);
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
