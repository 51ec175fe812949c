import { IResolvable, Lazy, TerraformResource, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { OptOut } from './opt-out';

/** Marks the terraform_data resource that carries opt-outs and suppressions in Terraform JSON. */
export const HARDENING_RECORD_KIND = 'aoai-hardening-record';

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
  private readonly entries: Array<{ target: IConstruct; exemption: RecordedExemption }> = [];
  private synthChecksOptOut?: { property: string; optOut: OptOut };

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const resource = new TerraformResource(this, 'Resource', { terraformResourceType: 'terraform_data' });
    resource.addOverride('input', Lazy.anyValue({ produce: () => this.render() }) as IResolvable);
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

  private guards(): Array<{ address: string; postconditions: string[] }> {
    return guardsOf(TerraformStack.of(this));
  }

  private render(): Record<string, unknown> {
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
      guards: this.guards(),
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
 * The apply-time postconditions each resource of the stack was constructed with, so the checklist can tell when
 * one was removed or disarmed afterwards (an escape-hatch override or an edit of the JSON; AOAI-CHK-004).
 */
function guardsOf(stack: IConstruct): Array<{ address: string; postconditions: string[] }> {
  return stack.node
    .findAll()
    .filter((c): c is TerraformResource => c instanceof TerraformResource)
    .map((r) => ({
      address: `${r.terraformResourceType}.${r.friendlyUniqueId}`,
      postconditions: (r.lifecycle?.postcondition ?? [])
        .map((p) => p.condition)
        .filter((c): c is string => typeof c === 'string')
        // Recorded as text: "$${" is Terraform's escape for a literal "${" (self is not valid in terraform_data).
        .map((c) => c.replace(/\$\{/g, () => '$${')),
    }))
    .filter((g) => g.postconditions.length > 0)
    .sort((a, b) => a.address.localeCompare(b.address));
}

/** @internal Terraform addresses (type.logicalId) of every resource in a construct's subtree. */
export function resourceAddresses(target: IConstruct): string[] {
  return target.node
    .findAll()
    .filter((c): c is TerraformResource => c instanceof TerraformResource)
    .map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`);
}
