// The offline runner's own contract: it fails loudly (with install instructions) when Terraform is missing,
// and never writes into the stack folder it is given.
import { spawnSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Scratch, runTf } from './tf';

const ROOT = join(__dirname, '..', '..');
const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const config = {
  terraform: {
    required_providers: { azurerm: { source: 'azurerm', version: '4.55.0' } },
    backend: { local: { path: 'terraform.tfstate' } },
  },
  provider: { azurerm: [{ features: [{}] }] },
  resource: { azurerm_resource_group: { rg: { name: 'rg-runner', location: 'swedencentral' } } },
};

test('without Terraform the runner exits 2 and says how to install it', () => {
  const stackDir = scratch.stack('no-terraform', config);
  const r = spawnSync(process.execPath, ['scripts/tf.js', 'validate', stackDir], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TERRAFORM_BIN: join(scratch.root, 'no-such-terraform') },
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('Terraform not found');
  expect(r.stderr).toContain('https://developer.hashicorp.com/terraform/install');
});

test('apply works on a stack with a backend, and the stack folder is left exactly as it was', async () => {
  const stackDir = scratch.stack('untouched', config);
  const before = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');
  const r = await runTf('apply', stackDir, { workDir: scratch.workDir('untouched') });
  expect(r.output).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
  expect(r.code).toBe(0);
  expect(readdirSync(stackDir)).toEqual(['cdk.tf.json']);
  expect(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')).toBe(before);
  // The work copy has no backend (a local backend would make Terraform ask for init).
  expect(JSON.parse(readFileSync(join(r.workDir, 'cdk.tf.json'), 'utf8')).terraform.backend).toBeUndefined();
});
