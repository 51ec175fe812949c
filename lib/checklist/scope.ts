import { InputError } from './model';

/**
 * A scope mistake, worded as the constructs word theirs (field, value, fix). Thrown as the checklist core's
 * InputError: the core loads no construct module (lib/validation.ts imports cdktf).
 */
function fail(field: string, value: unknown, fix: string): never {
  throw new InputError(`${field}: invalid value ${JSON.stringify(value)}. ${fix}`);
}

/** A phase of the hardening guide whose rules the checklist runs. Enum-like: use the static members. */
export class HardeningPhase {
  /** Public access, ACLs, the private endpoint, DNS and the endpoint NSG (AOAI-NET-*). */
  public static readonly NETWORK_ISOLATION = new HardeningPhase('Network Isolation');
  /** Key auth, the account identity and role grants (AOAI-IAM-*). */
  public static readonly IDENTITY_AND_ACCESS = new HardeningPhase('Identity and Access');
  /** Content filter policies, blocklists and pinned model versions (AOAI-CFP-*). */
  public static readonly CONTENT_SAFETY = new HardeningPhase('Content Safety');
  /** Diagnostics, retention, alerts, detections and Defender for AI (AOAI-MON-*). */
  public static readonly MONITORING = new HardeningPhase('Monitoring');

  /** Every phase a scope can leave to someone else (the checklist's own integrity rules always run). */
  public static all(): HardeningPhase[] {
    return [
      HardeningPhase.NETWORK_ISOLATION,
      HardeningPhase.IDENTITY_AND_ACCESS,
      HardeningPhase.CONTENT_SAFETY,
      HardeningPhase.MONITORING,
    ];
  }

  /** Parse a phase name (as the report and docs/rules.md spell it); anything else is refused. */
  public static of(name: string): HardeningPhase {
    return (
      HardeningPhase.all().find((p) => p.name === name) ??
      fail(
        'phase',
        name,
        `Use one of ${HardeningPhase.all()
          .map((p) => `"${p.name}"`)
          .join(', ')} (the checklist's integrity rules cannot be left out).`,
      )
    );
  }

  private constructor(
    /** The phase as rules and reports name it. */
    public readonly name: string,
  ) {}
}

/** A phase whose controls are managed elsewhere (another team, another stack), with the reason. */
export interface PhaseManagedElsewhere {
  /** The phase whose controls this configuration does not hold. */
  readonly phase: HardeningPhase;
  /** Why this configuration does not hold the phase's controls (at least 10 characters). */
  readonly reason: string;
}

/** What a checklist run judges: every phase, or some of them with the others declared managed elsewhere. */
export class HardeningScope {
  /** Every phase (the default). */
  public static all(): HardeningScope {
    return new HardeningScope([]);
  }

  /**
   * Only the given phases: every other phase is managed elsewhere, for one reason. One declaration for a stack
   * that applies one phase to an account it does not own.
   */
  public static only(phases: HardeningPhase[], reason: string): HardeningScope {
    if (!phases.length) fail('phases', '[]', 'Name at least one phase this configuration hardens.');
    return new HardeningScope(
      HardeningPhase.all()
        .filter((p) => !phases.includes(p))
        .map((phase) => ({ phase, reason: checkedReason(reason) })),
    );
  }

  /** Every phase except the given ones, each with its own reason. */
  public static managedElsewhere(phases: PhaseManagedElsewhere[]): HardeningScope {
    return new HardeningScope(phases.map((p) => ({ phase: p.phase, reason: checkedReason(p.reason) })));
  }

  private constructor(
    /** The phases this scope leaves to someone else, each with its reason. */
    public readonly excluded: PhaseManagedElsewhere[],
  ) {}
}

function checkedReason(reason: string): string {
  const r = String(reason ?? '').trim();
  if (r.length < 10) {
    fail('reason', reason, 'Say why the phase is managed elsewhere (at least 10 characters).');
  }
  return r;
}
