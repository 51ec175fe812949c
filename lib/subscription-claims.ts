/**
 * @internal The App-wide view of who owns each subscription's singletons (the Activity Log export and the Defender
 * for AI plan, which Azure allows once per subscription). Every `SubscriptionBaseline` and every
 * `SubscriptionCoverage` declaration registers here; each stack involved gets one validation that sees the whole
 * App at synth (cdktf runs a stack's validations before it writes the stack), so
 *
 * - a baseline stack that does not exist, is misspelled or holds no SubscriptionBaseline fails synth, naming the
 *   declaring construct and the stacks that do hold one;
 * - two SubscriptionBaselines for one subscription (two baseline stacks, or several stacks each declaring
 *   `inThisStack()`) fail synth, naming both stacks;
 * - a declaration records the stack dependency (`TerraformStack.addDependency`), so `cdktf deploy` orders them.
 *
 * Only cdktf's public API: `node.addValidation`, `TerraformStack.isStack`, `addDependency`, the provider's
 * `subscriptionId`.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { TerraformStack, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { fail } from './validation';

/** A declaration `byBaselineStack(stack)` (stack known) or `byBaselineStackName(name)` (looked up at synth). */
interface CoverageClaim {
  readonly declaredBy: IConstruct;
  readonly baselineStack?: TerraformStack;
  readonly baselineStackName?: string;
}

interface Claims {
  readonly baselines: IConstruct[];
  readonly coverages: CoverageClaim[];
  readonly validatedStacks: WeakSet<TerraformStack>;
}

const byRoot = new WeakMap<IConstruct, Claims>();

function claimsOf(scope: IConstruct): Claims {
  const root = scope.node.root;
  let claims = byRoot.get(root);
  if (!claims) {
    claims = { baselines: [], coverages: [], validatedStacks: new WeakSet() };
    byRoot.set(root, claims);
  }
  return claims;
}

/** @internal Register a SubscriptionBaseline (an owner of its subscription's singletons). */
export function registerBaseline(baseline: IConstruct): void {
  const claims = claimsOf(baseline);
  claims.baselines.push(baseline);
  validateAtSynth(claims, TerraformStack.of(baseline));
}

/** @internal Register a byBaselineStack declaration; records the stack dependency when the stack is known. */
export function registerCoverage(claim: CoverageClaim): void {
  const claims = claimsOf(claim.declaredBy);
  const stack = TerraformStack.of(claim.declaredBy);
  if (claim.baselineStack) recordDependency(claim, stack, claim.baselineStack);
  claims.coverages.push(claim);
  validateAtSynth(claims, stack);
}

function validateAtSynth(claims: Claims, stack: TerraformStack): void {
  if (claims.validatedStacks.has(stack)) return;
  claims.validatedStacks.add(stack);
  stack.node.addValidation({ validate: () => validateStack(claims, stack) });
}

function validateStack(claims: Claims, stack: TerraformStack): string[] {
  const errors: string[] = [];
  for (const claim of claims.coverages.filter((c) => TerraformStack.of(c.declaredBy) === stack)) {
    errors.push(...coverageProblems(claims, stack, claim));
  }
  for (const baseline of claims.baselines.filter((b) => TerraformStack.of(b) === stack)) {
    errors.push(...duplicateBaselines(claims, baseline));
  }
  return errors;
}

/** Where a byBaselineStack declaration points, and what is wrong with it. */
function coverageProblems(claims: Claims, stack: TerraformStack, claim: CoverageClaim): string[] {
  const where = `${claim.declaredBy.node.path}: subscriptionCoverage`;
  const holders = [...new Set(claims.baselines.map((b) => TerraformStack.of(b)))];
  const holderNames = holders.map((s) => `"${s.node.id}"`).join(', ') || 'none';
  let target = claim.baselineStack;
  if (!target) {
    target = stacksOf(stack.node.root).find((s) => s.node.id === claim.baselineStackName);
    if (!target) {
      return [
        `${where}: byBaselineStackName(${JSON.stringify(claim.baselineStackName)}) names no stack of this app ` +
          `(stacks holding a SubscriptionBaseline: ${holderNames}). Pass the baseline stack itself: ` +
          'SubscriptionCoverage.byBaselineStack(baselineStack).',
      ];
    }
    if (target === stack) return [`${where}: ${selfReference(stack)}`];
    stack.addDependency(target);
  }
  if (!holders.includes(target)) {
    return [
      `${where}: the baseline stack "${target.node.id}" holds no SubscriptionBaseline, so nothing provides the ` +
        `Activity Log export and the Defender for AI plan (stacks holding one: ${holderNames}). Add ` +
        `new SubscriptionBaseline(...) to "${target.node.id}", or point at the stack that has it.`,
    ];
  }
  const [mine, theirs] = [subscriptionOf(stack), subscriptionOf(target)];
  if (mine.known && theirs.known && mine.key !== theirs.key) {
    return [
      `${where}: stack "${stack.node.id}" deploys to ${mine.label}, but its baseline stack "${target.node.id}" ` +
        `covers ${theirs.label}. Point at the baseline stack of ${mine.label}.`,
    ];
  }
  return [];
}

/** Another SubscriptionBaseline for the same subscription: each subscription has one owner. */
function duplicateBaselines(claims: Claims, baseline: IConstruct): string[] {
  const mine = subscriptionOf(TerraformStack.of(baseline));
  if (!mine.known) return [];
  const other = claims.baselines.find(
    (b) => b !== baseline && subscriptionOf(TerraformStack.of(b)).key === mine.key,
  );
  if (!other) return [];
  const [a, b] = [baseline, other].sort((x, y) => x.node.path.localeCompare(y.node.path));
  return [
    `${a.node.path} and ${b.node.path}: stacks "${TerraformStack.of(a).node.id}" and ` +
      `"${TerraformStack.of(b).node.id}" both create the Activity Log export and the Defender for AI plan of ` +
      `${mine.label}, which exist once per subscription (the second apply fails or takes over the first). ` +
      'Keep one SubscriptionBaseline (its own stack, or inThisStack() in a single-stack subscription) and declare ' +
      'SubscriptionCoverage.byBaselineStack(<that stack>) in the others; if the stacks deploy to different ' +
      "subscriptions, set subscriptionId on each stack's AzurermProvider.",
  ];
}

function recordDependency(claim: CoverageClaim, stack: TerraformStack, target: TerraformStack): void {
  const field = 'subscriptionCoverage.byBaselineStack';
  if (target === stack) fail(field, target.node.id, selfReference(stack), claim.declaredBy);
  if (target.node.root !== stack.node.root) {
    fail(
      field,
      target.node.id,
      'The baseline stack belongs to another app, so the deploy order cannot be recorded. Use SubscriptionCoverage.managedElsewhere(reason).',
      claim.declaredBy,
    );
  }
  stack.addDependency(target);
}

const selfReference = (stack: TerraformStack) =>
  `the baseline stack is this stack itself ("${stack.node.id}"); use SubscriptionCoverage.inThisStack() for a single-stack subscription.`;

function stacksOf(root: IConstruct): TerraformStack[] {
  return root.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
}

/**
 * The subscription a stack deploys to, as far as synth can tell: its default azurerm provider's literal
 * subscriptionId, or "the environment's" (ARM_SUBSCRIPTION_ID) when none is set. A subscription given by reference
 * is unknown until plan and is compared with nothing.
 */
function subscriptionOf(stack: TerraformStack): { known: boolean; key: string; label: string } {
  const provider = stack.node
    .findAll()
    .find((c): c is AzurermProvider => c instanceof AzurermProvider && c.alias === undefined);
  const id = provider?.subscriptionId;
  if (id === undefined || id === '') {
    return {
      known: true,
      key: '',
      label: 'the subscription ARM_SUBSCRIPTION_ID names (no subscriptionId is set)',
    };
  }
  if (Token.isUnresolved(id)) return { known: false, key: '', label: '' };
  return { known: true, key: id.toLowerCase(), label: `subscription ${id}` };
}
