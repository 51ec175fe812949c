// Terraform core in the loop on the reference stack: Terraform itself validates, plans, applies (against the
// stub providers in tools/tf-stub, with parallelism 10) and destroys it, and its real plan JSON feeds the
// checklist. One apply serves the apply-order and destroy-order assertions.
import { readFileSync } from 'fs';
import { runChecks } from '../../lib/checklist/engine';
import { loadModel } from '../../lib/checklist/model';
import { referenceJson } from '../reference';
import {
  Scratch,
  TfResult,
  Write,
  dependencyEdges,
  orderViolations,
  readApplyLog,
  runTf,
  stateResources,
  writesFrom,
} from './tf';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const config = referenceJson();
const ACCOUNT = Object.keys(config.resource.azurerm_cognitive_account)[0];
const managedCount = Object.entries<any>(config.resource).reduce((n, [, r]) => n + Object.keys(r).length, 0);
// terraform_data is Terraform's own (built-in provider): every other resource is written through a stub.
const stubWrites = managedCount - Object.keys(config.resource.terraform_data ?? {}).length;
// Dependency edges between resources the stubs write (the ones the ordering assertions can check).
const providerEdges = dependencyEdges(config).filter(
  ([a, b]) => !`${a} ${b}`.includes('terraform_data.'),
).length;

describe('reference stack: validate and plan', () => {
  const stackDir = scratch.stack('reference', config);
  let plan: any;

  beforeAll(async () => {
    const r = await runTf('plan', stackDir, { workDir: scratch.workDir('plan') });
    expect(r.output).toContain(`Plan: ${managedCount} to add, 0 to change, 0 to destroy.`);
    expect(r.code).toBe(0);
    plan = JSON.parse(readFileSync(r.planJson!, 'utf8'));
  });

  test('terraform validate accepts it', async () => {
    const r = await runTf('validate', stackDir, { workDir: scratch.workDir('validate') });
    expect(r.output).toContain('Success! The configuration is valid');
    expect(r.code).toBe(0);
  });

  test("Terraform's plan JSON creates every resource and knows the hardened values before apply", () => {
    expect(plan.format_version).toMatch(/^1\./);
    const changes = plan.resource_changes.filter((c: any) => c.mode === 'managed');
    expect(changes).toHaveLength(managedCount);
    expect(new Set(changes.map((c: any) => c.change.actions.join(',')))).toEqual(new Set(['create']));
    const account = changes.find((c: any) => c.address === `azurerm_cognitive_account.${ACCOUNT}`).change;
    expect(account.after.public_network_access_enabled).toBe(false);
    expect(account.after.local_auth_enabled).toBe(false);
    expect(account.after.network_acls[0].default_action).toBe('Deny');
    // The ID is Azure's to assign: unknown in the plan, bound to nothing in the configuration.
    expect(account.after_unknown.id).toBe(true);
  });

  test("the checklist judges the hardened account properties on Terraform's real plan JSON", () => {
    const report = runChecks(loadModel(plan, 'plan.json'), { today: '2026-11-28' });
    expect(report.format).toBe('plan-json');
    const account = `azurerm_cognitive_account.${ACCOUNT}`;
    for (const id of ['AOAI-NET-001', 'AOAI-NET-002', 'AOAI-NET-003', 'AOAI-IAM-001']) {
      expect(report.findings.find((f) => f.ruleId === id && f.address === account)?.status).toBe('compliant');
    }
  });

  // Found by this test on 2026-11-28 (issue 11) and fixed in the model and rules, each against what Terraform
  // 1.11.4 really writes: `action_groups: [null]` with after_unknown [true]; `metric: []` and
  // `retention_policy: []` (unset block lists); `enabled` null or unknown where the configuration leaves the
  // provider default; a .tf.json template kept as `constant_value` (the grant's role GUID after a subscription
  // taken from the account ID).
  test("the checklist finds no error on Terraform's real plan JSON of the reference stack", () => {
    const report = runChecks(loadModel(plan, 'plan.json'), { today: '2026-11-28' });
    expect(report.findings.filter((f) => f.severity === 'error' && f.status === 'non-compliant')).toEqual([]);
  });
});

describe('reference stack: apply with parallelism 10, then destroy', () => {
  const stackDir = scratch.stack('reference-apply', config);
  // Deletion protection off: the same stack as an operator would destroy it (prevent_destroy lifted).
  const unprotected = scratch.stack('reference-unprotected', referenceJson({ deletionProtection: false }));
  const workDir = scratch.workDir('apply');
  let apply: TfResult;
  let applyWrites: Write[];
  let stateAfterApply: Map<string, string>;
  let replan: TfResult;
  let refusedDestroy: TfResult;
  let destroy: TfResult;
  let destroyWrites: Write[];

  beforeAll(async () => {
    // Each stub write takes 100 ms, so any two writes Terraform schedules concurrently visibly overlap.
    apply = await runTf('apply', stackDir, { workDir, applyDelayMs: 100, extraArgs: ['-parallelism=10'] });
    applyWrites = writesFrom(readApplyLog(apply.applyLog));
    stateAfterApply = stateResources(workDir);
    replan = await runTf('plan', stackDir, { workDir });
    refusedDestroy = await runTf('destroy', stackDir, { workDir });
    destroy = await runTf('destroy', unprotected, {
      workDir,
      applyDelayMs: 100,
      extraArgs: ['-parallelism=10'],
    });
    destroyWrites = writesFrom(readApplyLog(destroy.applyLog));
  });

  test('apply succeeds: every postcondition holds on the applied values', () => {
    expect(apply.output).toContain(
      `Apply complete! Resources: ${managedCount} added, 0 changed, 0 destroyed.`,
    );
    expect(apply.code).toBe(0);
    expect(stateAfterApply.size).toBe(managedCount);
  });

  test('apply followed the dependency graph: no resource was written before what it references', () => {
    const { checked, violations } = orderViolations(
      dependencyEdges(config),
      stateAfterApply,
      applyWrites,
      'apply',
    );
    expect(checked).toBe(providerEdges);
    expect(violations).toEqual([]);
    // Parallelism really happened, or the ordering assertions would prove nothing.
    const overlapping = applyWrites.filter((w) =>
      applyWrites.some((v) => v !== w && v.start < w.end && w.start < v.end),
    );
    expect(overlapping.length).toBeGreaterThan(1);
  });

  // Issue 12, item 5: Azure rejects a write on an account while another is running on it (409 RequestConflict,
  // "Another operation is being performed on the parent resource": docs/azure-facts.md,
  // "Parallel-deployment conflict"). azurerm's and azapi's in-process locks do not span both providers, and the
  // stub models neither, so this is Terraform's own schedule: what the dependency graph guarantees.
  //
  // Before issue 12's per-account write chain landed, this test found 19 concurrent pairs with -parallelism=10
  // (e.g. the three blocklist items with each other and with the RAI policy on apply; blocklist items and the
  // Defender setting with the gpt-4o deployment on destroy).
  test("no two writes on the account overlap in Terraform's schedule (apply and destroy)", () => {
    const accountId = stateAfterApply.get(`azurerm_cognitive_account.${ACCOUNT}`)!.split(' ')[1];
    // The writes on the account really were seen: deployment, RAI policy, blocklist, its items, Defender
    // setting, private endpoint (so the assertion below is not vacuous).
    const onThisAccount = applyWrites.filter((w) => onAccount(w, accountId)).map((w) => w.type);
    expect(onThisAccount.length).toBeGreaterThanOrEqual(8);
    expect(new Set(onThisAccount)).toEqual(
      new Set([
        'azurerm_cognitive_deployment',
        'azapi_resource',
        'azapi_update_resource',
        'azurerm_private_endpoint',
      ]),
    );
    const overlaps = [
      ...accountOverlaps(applyWrites, accountId),
      ...accountOverlaps(destroyWrites, accountId),
    ];
    expect(overlaps).toEqual([]);
  });

  test('a plan right after apply has no changes (no perpetual diff)', () => {
    expect(replan.code).toBe(0);
    expect(replan.output).toContain('No changes. Your infrastructure matches the configuration.');
  });

  // A day-2 plan (state exists, so references are known IDs rather than unknowns bound in the configuration) is
  // what every HCP Terraform run after the first judges: the account's children must still be linked to it.
  test('the checklist finds no error on the day-2 plan of the applied reference stack', () => {
    const plan = JSON.parse(readFileSync(replan.planJson!, 'utf8'));
    const report = runChecks(loadModel(plan, 'plan.json'), { today: '2026-11-28' });
    expect(report.findings.filter((f) => f.severity === 'error' && f.status === 'non-compliant')).toEqual([]);
  });

  test('deletion protection: Terraform refuses to destroy the account (prevent_destroy)', () => {
    expect(refusedDestroy.code).toBe(1);
    expect(refusedDestroy.output).toContain('Error: Instance cannot be destroyed');
    expect(refusedDestroy.output).toContain(`azurerm_cognitive_account.${ACCOUNT}`);
  });

  test('destroy with deletion protection lifted empties the state', () => {
    expect(destroy.output).toContain(`Destroy complete! Resources: ${managedCount} destroyed.`);
    expect(destroy.code).toBe(0);
    expect(stateResources(workDir).size).toBe(0);
    expect(destroyWrites.every((w) => w.action === 'delete')).toBe(true);
  });

  test('destroy ran in reverse dependency order: nothing was deleted before what depends on it', () => {
    const { checked, violations } = orderViolations(
      dependencyEdges(config),
      stateAfterApply,
      destroyWrites,
      'destroy',
    );
    expect(checked).toBe(providerEdges);
    expect(violations).toEqual([]);
    expect(new Set(destroyWrites.map((w) => w.key)).size).toBe(stubWrites);
  });
});

/**
 * Writes on one account: its child resources (ID under the account's, not an extension resource under
 * /providers/), updates of the account by another resource (imported-account lockdown), and private endpoints
 * to it (they add a private endpoint connection to the account).
 */
function onAccount(w: Write, accountId: string): boolean {
  if (w.id.startsWith(`${accountId}/`)) return !w.id.slice(accountId.length).includes('/providers/');
  if (w.id === accountId) return w.type !== 'azurerm_cognitive_account';
  return w.type === 'azurerm_private_endpoint' && w.refs.includes(accountId);
}

function accountOverlaps(writes: Write[], accountId: string): string[] {
  const mine = writes.filter((w) => onAccount(w, accountId));
  const out: string[] = [];
  mine.forEach((a, i) =>
    mine.slice(i + 1).forEach((b) => {
      if (a.start < b.end && b.start < a.end) {
        const name = (w: Write) =>
          `${w.action} ${w.type} ${w.id.startsWith(accountId) ? w.id.slice(accountId.length) : w.id}`;
        out.push(`${name(a)} overlaps ${name(b)}`);
      }
    }),
  );
  return out;
}
