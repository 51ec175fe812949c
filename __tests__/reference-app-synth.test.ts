/**
 * The reference app synthesizes the cdktf way: its stacks are plain TerraformStacks with a backend and a provider
 * (stacks/configured-stack.ts), so a reference from one of them to another becomes cdktf's cross-stack output and
 * remote state, and the stack that holds the reference depends on the other. (Before issue 23 the app's own
 * resolve skipped cdktf's preparing resolve and refused such a reference.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformOutput } from 'cdktf';
import { DEFAULT_CONFIG } from '../stacks/config';
import { HardenedOpenAIStack } from '../stacks/hardened-openai-stack';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('a reference from one reference-app stack to another', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'aoai-cross-stack-'));
  dirs.push(outdir);
  const app = new App({ outdir });
  const origin = new HardenedOpenAIStack(app, { ...DEFAULT_CONFIG, stackName: 'aoai-origin' });
  const user = new HardenedOpenAIStack(app, {
    ...DEFAULT_CONFIG,
    stackName: 'aoai-user',
    accountName: 'aoai-user',
    resourceGroupName: 'rg-aoai-user',
    // One subscription has one baseline owner (the origin's inThisStack): a second would fail synth.
    subscriptionCoverage: { managedElsewhere: 'test: the origin stack owns the subscription baseline' },
  });
  new TerraformOutput(user, 'origin_account_id', { value: origin.hardened.account.accountId });
  const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  // Not recorded for the Terraform corpus (setup.js): the corpus plans each stack on its own, and the user stack's
  // remote state only has the output once the origin stack is applied.
  const corpus = process.env.AOAI_TF_CORPUS_DIR;
  delete process.env.AOAI_TF_CORPUS_DIR;
  try {
    app.synth();
  } finally {
    if (corpus !== undefined) process.env.AOAI_TF_CORPUS_DIR = corpus;
    log.mockRestore();
  }
  const written = (stack: string): any =>
    JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  const originJson = written('aoai-origin');
  const userJson = written('aoai-user');

  test('the origin stack exports the value as a cross-stack output', () => {
    const exported = Object.entries<any>(originJson.output).filter(([name]) =>
      name.startsWith('cross-stack-output-'),
    );
    expect(exported).toHaveLength(1);
    expect(exported[0][1].value).toMatch(/^\$\{azurerm_cognitive_account\.[A-Za-z0-9_]+\.id\}$/);
    expect(exported[0][1].sensitive).toBe(true);
  });

  test("the user stack reads it from the origin stack's state (terraform_remote_state), not from a resource it lacks", () => {
    const remote = Object.entries<any>(userJson.data.terraform_remote_state);
    expect(remote).toHaveLength(1);
    const [remoteName, config] = remote[0];
    // The origin's own local backend state file.
    expect(config.backend).toBe('local');
    expect(config.config.path).toMatch(/terraform\.aoai-origin\.tfstate$/);
    const exportedName = Object.keys(originJson.output).find((name) =>
      name.startsWith('cross-stack-output-'),
    );
    expect(userJson.output.origin_account_id.value).toBe(
      `\${data.terraform_remote_state.${remoteName}.outputs.${exportedName}}`,
    );
  });

  test('the user stack depends on the origin stack (deployed after it)', () => {
    expect(user.dependencies.map((d) => d.node.id)).toEqual(['aoai-origin']);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['aoai-user'].dependencies).toEqual(['aoai-origin']);
    expect(manifest.stacks['aoai-origin'].dependencies).toEqual([]);
  });

  test('both stacks still pass the checklist', () => {
    for (const stack of ['aoai-origin', 'aoai-user']) {
      const report = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'hardening-report.json'), 'utf8'));
      expect([stack, report.summary.errors]).toEqual([stack, 0]);
    }
  });
});
