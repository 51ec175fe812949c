import { CheckDefinition, VerifyContext } from './model';

/** What the run has done so far, shared by the checks (probes feed the log, detection and alert checks). */
export interface RunState {
  /** When the run started (epoch ms, from the injected clock). */
  readonly startedAt: number;
  /** apim-request-id of data-plane calls the service accepted (Entra, 200): MO-1's correlation markers. */
  readonly acceptedRequestIds: string[];
  /** Accepted calls whose response had no apim-request-id header, so they cannot be found in the logs. */
  unmarkedAccepted: number;
  /** When the first of them was answered (MO-1 counts its time limit from there). */
  firstAcceptedAt?: number;
  /** When the last of them was answered (MO-1 waits --log-wait from there). */
  lastAcceptedAt?: number;
  /** Detection keys whose synthetic event was generated in this run, with what was sent. */
  readonly exercised: Map<string, string>;
  /** Detection keys whose burst was sent but did not exceed the threshold, with the tally. */
  readonly shortBursts: Map<string, string>;
  /** The RBAC probe (IA-3): when it was sent and ARM's correlation ID, once it ran. */
  rbacProbe?: { readonly at: number; readonly correlationId?: string };
  /** The token-limit parameter each deployment took (max_completion_tokens, or max_tokens after a refusal). */
  readonly tokenParameter: Map<string, 'max_completion_tokens' | 'max_tokens'>;
  /** Memoized shared lookups (one benign call, one workspace GET). */
  readonly memo: Map<string, Promise<unknown>>;
}

export interface Outcome {
  readonly status: 'pass' | 'fail' | 'inconclusive';
  readonly detail: string;
}

/**
 * A check: a definition plus its implementation. Probes send requests; observers poll logs and alerts for what
 * the probes caused, so they run after every probe, concurrently.
 */
export interface VerifyCheck extends CheckDefinition {
  readonly phase: 'probe' | 'observe';
  run(ctx: VerifyContext, state: RunState): Promise<Outcome>;
}

export function memo<T>(state: RunState, key: string, make: () => Promise<T>): Promise<T> {
  if (!state.memo.has(key)) state.memo.set(key, make());
  return state.memo.get(key) as Promise<T>;
}

/**
 * Poll until `probe` finds what it looks for or the deadline passes. Returns the finding, or undefined with the
 * last error: a deadline reached while the service was failing is an error, not "nothing found".
 */
export async function pollUntil<T>(
  ctx: VerifyContext,
  checkId: string,
  label: string,
  deadline: number,
  probe: () => Promise<T | undefined>,
): Promise<{ found?: T; lastError?: Error; attempts: number }> {
  let attempts = 0;
  let lastError: Error | undefined;
  const start = ctx.now();
  for (;;) {
    attempts++;
    try {
      const found = await probe();
      lastError = undefined;
      if (found !== undefined) return { found, attempts };
    } catch (e) {
      lastError = e as Error;
    }
    const now = ctx.now();
    if (now >= deadline) return { lastError, attempts };
    ctx.progress(
      checkId,
      `${label}: nothing yet after ${Math.round((now - start) / 1000)} s (gives up in ${Math.ceil((deadline - now) / 1000)} s)${lastError ? `; last error: ${lastError.message}` : ''}`,
    );
    await ctx.sleep(Math.min(ctx.config.pollSeconds * 1000, Math.max(0, deadline - now)));
  }
}
