import { IResolvable, IResolveContext, Lazy, TerraformResource, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { HclTerraformResource } from './hcl';
import { OptOut } from './opt-out';
import {
  HARDENING_RECORD_KIND,
  HardeningRecordInput,
  RecordGuardEntry,
  escapeCondition as escape,
  expiryGuardCondition,
  isReference,
} from './record-format';

// The record's kind and schema are the exchange format's (lib/record-format.ts), which the checklist reads.
export { HARDENING_RECORD_KIND };

/** One rule a resource is excused from, with the written reason. */
export interface RecordedExemption {
  /** Checklist rule ID, e.g. AOAI-NET-001. */
  readonly ruleId: string;
  /** Why the rule does not apply or is accepted. */
  readonly reason: string;
  /** "opt-out" (a construct property weakened a default) or "suppression" (a finding was accepted). */
  readonly kind: string;
  /**
   * The construct property that weakened the default.
   * @default - none (suppressions)
   */
  readonly property?: string;
  /**
   * Last day the exemption applies (YYYY-MM-DD).
   * @default - no expiry
   */
  readonly expiresOn?: string;
}

/**
 * Records opt-outs and suppressions in the synthesized Terraform as a `terraform_data` resource, so the
 * checklist engine (which reads Terraform JSON, not constructs) sees them in cdk.tf.json, in a plan, and in state.
 * One per stack; created on first use.
 */
export class HardeningRecord extends Construct {
  /** The stack's record, created on first use. */
  public static of(scope: IConstruct): HardeningRecord {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(HardeningRecord.ID);
    return (existing as HardeningRecord) ?? new HardeningRecord(stack, HardeningRecord.ID);
  }

  private static readonly ID = 'AoaiHardeningRecord';
  private readonly resource: TerraformResource;
  private readonly entries: Array<{ target: IConstruct; exemption: RecordedExemption }> = [];
  private synthChecksOptOut?: { property: string; optOut: OptOut };

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.resource = new HclTerraformResource(this, 'Resource', { terraformResourceType: 'terraform_data' });
    this.resource.addOverride('input', Lazy.anyValue({ produce: (ctx) => this.render(ctx) }) as IResolvable);
    // An expiry given by reference is judged by Terraform at plan (see record-format.ts); none: no lifecycle block.
    this.resource.addOverride(
      'lifecycle',
      Lazy.anyValue({
        produce: (ctx) => {
          const precondition = this.expiryPreconditions(ctx);
          return precondition.length ? { precondition } : undefined;
        },
      }) as IResolvable,
    );
  }

  /** Record an opt-out of the given rules for every resource under `target`. */
  public recordOptOut(target: IConstruct, ruleIds: string[], property: string, optOut: OptOut): void {
    for (const ruleId of ruleIds) {
      this.entries.push({
        target,
        exemption: { ruleId, reason: optOut.reason, kind: 'opt-out', property, expiresOn: optOut.expiresOn },
      });
    }
  }

  /** Record a suppression of one rule for every resource under `target`. */
  public recordSuppression(target: IConstruct, exemption: RecordedExemption): void {
    this.entries.push({ target, exemption: { ...exemption, kind: 'suppression' } });
  }

  /**
   * Record that the synth-time HardeningChecks were left out of this stack. It exempts no rule: `aoai-harden
   * check` on the output still judges everything; the record only says who turned synth checks off and why.
   */
  public recordSynthChecksOptOut(property: string, optOut: OptOut): void {
    this.synthChecksOptOut = { property, optOut };
  }

  /** The exemptions recorded so far (for reports and the access summary). */
  public get exemptions(): RecordedExemption[] {
    return this.entries.map((e) => e.exemption);
  }

  /**
   * One precondition per distinct expiry given by reference (an opt-out's or the synth-checks opt-out's): Terraform
   * refuses the plan unless it is a real calendar date that is not over.
   */
  private expiryPreconditions(ctx: IResolveContext): Array<{ condition: string; error_message: string }> {
    const expiries = [
      ...this.entries.map((e) => e.exemption.expiresOn),
      this.synthChecksOptOut?.optOut.expiresOn,
    ].map((value) => (value === undefined ? undefined : ctx.resolve(value)));
    return [...new Set(expiries.filter(isReference))].sort().map((resolved) => ({
      condition: expiryGuardCondition(resolved),
      error_message: `Hardening: an opt-out expiresOn (${resolved.replace(/\$\{/g, () => '$${')}) must be a real calendar date, YYYY-MM-DD, that is not over.`,
    }));
  }

  private guards(ctx: IResolveContext): RecordGuardEntry[] {
    const own = this.expiryPreconditions(ctx).map((p) => p.condition);
    const guards = guardsOf(TerraformStack.of(this), ctx);
    if (own.length) {
      guards.push({
        address: resourceAddresses(this.resource)[0],
        postconditions: [],
        preconditions: own.map(escape),
      });
      guards.sort((a, b) => a.address.localeCompare(b.address));
    }
    return guards;
  }

  private render(ctx: IResolveContext): HardeningRecordInput {
    const exemptions = this.entries.flatMap(({ target, exemption }) =>
      resourceAddresses(target).map((address) => ({
        address,
        rule_id: exemption.ruleId,
        kind: exemption.kind,
        author: target.node.path,
        reason: exemption.reason,
        ...(exemption.property ? { property: exemption.property } : {}),
        ...(exemption.expiresOn ? { expires_on: exemption.expiresOn } : {}),
      })),
    );
    exemptions.sort((a, b) => `${a.address} ${a.rule_id}`.localeCompare(`${b.address} ${b.rule_id}`));
    const checks = this.synthChecksOptOut;
    return {
      kind: HARDENING_RECORD_KIND,
      exemptions,
      guards: this.guards(ctx),
      ...(checks
        ? {
            synth_checks_opt_out: {
              property: checks.property,
              reason: checks.optOut.reason,
              ...(checks.optOut.expiresOn ? { expires_on: checks.optOut.expiresOn } : {}),
            },
          }
        : {}),
    };
  }
}

/**
 * The apply-time postconditions and plan-time preconditions each resource of the stack was constructed with, so
 * the checklist can tell when one was removed or disarmed afterwards (an escape-hatch override or an edit of the
 * JSON; AOAI-CHK-004), and accept a reference only while its guard stands (AOAI-CHK-003, AOAI-MON-002).
 */
function guardsOf(stack: IConstruct, ctx: IResolveContext): RecordGuardEntry[] {
  const conditions = (list: Array<{ condition: unknown }> | undefined) =>
    (list ?? [])
      .map((p) => ctx.resolve(p.condition))
      .filter((c): c is string => typeof c === 'string')
      .map(escape);
  return stack.node
    .findAll()
    .filter((c): c is TerraformResource => c instanceof TerraformResource)
    .map((r) => {
      const preconditions = conditions(r.lifecycle?.precondition);
      return {
        address: `${r.terraformResourceType}.${r.friendlyUniqueId}`,
        postconditions: conditions(r.lifecycle?.postcondition),
        ...(preconditions.length ? { preconditions } : {}),
      };
    })
    .filter((g) => g.postconditions.length + (g.preconditions?.length ?? 0) > 0)
    .sort((a, b) => a.address.localeCompare(b.address));
}

/** @internal Terraform addresses (type.logicalId) of every resource in a construct's subtree. */
export function resourceAddresses(target: IConstruct): string[] {
  return target.node
    .findAll()
    .filter((c): c is TerraformResource => c instanceof TerraformResource)
    .map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`);
}
