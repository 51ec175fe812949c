import { InputError } from './model';

/**
 * Rules picked by name for one run, as checkov's `--check` / `--skip-check` pick checks: `check` lists the rules to
 * judge (every other rule is skipped), `skip` the rules to skip. Entries are rule IDs or prefixes ending in `*`
 * (`AOAI-MON-*`). A skipped rule still runs: its failures are reported as suppressed with the reason, so the report
 * shows what was not enforced. The checklist's own integrity rules (AOAI-CHK-*) are never skipped.
 */
export interface CheckSelection {
  /** Rules to judge; every other rule is skipped. @default - every rule */
  readonly check?: string[];
  /** Rules to skip. @default - none */
  readonly skip?: string[];
  /** Why rules are skipped (at least 10 characters), recorded with every finding it covers. */
  readonly reason: string;
}

/** A selection as applied: what was asked, and the rules it skipped. */
export interface AppliedSelection {
  /**
   * The `--check` entries, upper-cased.
   * @default - none given
   */
  readonly check?: string[];
  /**
   * The `--skip-check` entries, upper-cased.
   * @default - none given
   */
  readonly skip?: string[];
  /** Why the rules are skipped. */
  readonly reason: string;
  /** Every rule skipped, in rule order. */
  readonly skipped: string[];
}

/** The rule IDs a selection skips, validated against the rules that exist. */
export function applySelection(
  selection: CheckSelection,
  rules: ReadonlyArray<{ readonly id: string; readonly phase: string }>,
): AppliedSelection {
  const integrity = new Set(rules.filter((r) => r.phase === 'Checklist Integrity').map((r) => r.id));
  const matches = (entry: string, id: string) =>
    entry.endsWith('*') ? id.startsWith(entry.slice(0, -1)) : id === entry;
  const resolve = (field: string, entries: readonly string[] | undefined) =>
    (entries ?? []).map((raw) => {
      const entry = String(raw).trim().toUpperCase();
      if (!/^[A-Z0-9-]+\*?$/.test(entry) || !rules.some((r) => matches(entry, r.id))) {
        throw new InputError(
          `${field}: ${JSON.stringify(raw)} names no rule. Give rule IDs (AOAI-NET-001) or a prefix ending in * (AOAI-MON-*); docs/rules.md lists them.`,
        );
      }
      return entry;
    });
  const check = resolve('--check', selection.check);
  const skip = resolve('--skip-check', selection.skip);
  for (const entry of skip) {
    const protectedIds = [...integrity].filter((id) => matches(entry, id));
    if (protectedIds.length) {
      throw new InputError(
        `--skip-check: ${entry} would skip ${protectedIds.join(', ')}, the checklist's own integrity rules, which always run. A configuration without an Azure OpenAI account fails AOAI-CHK-001: check only configurations that hold one.`,
      );
    }
  }
  const skipped = rules
    .filter((r) => !integrity.has(r.id))
    .filter(
      (r) => (check.length && !check.some((e) => matches(e, r.id))) || skip.some((e) => matches(e, r.id)),
    )
    .map((r) => r.id);
  const reason = String(selection.reason ?? '').trim();
  if ((check.length || skip.length) && reason.length < 10) {
    throw new InputError(
      `--skip-reason: ${JSON.stringify(selection.reason ?? '')} is not a reason. Say why these rules are not enforced here (at least 10 characters); it is recorded in the report.`,
    );
  }
  return {
    ...(check.length ? { check } : {}),
    ...(skip.length ? { skip } : {}),
    reason,
    skipped,
  };
}
