/** What one attempt returns: a value, or a reason and whether trying again can help. */
export type Attempt<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly retry: boolean; readonly reason: string };

export interface RetryPolicy {
  readonly attempts: number;
  /** First delay; doubles per attempt up to maxBackoffMs, scaled by a jitter factor in [0.5, 1). */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Stop early (task deadline passed). */
  readonly signal?: AbortSignal;
}

export interface RetryOutcome<T> {
  readonly value?: T;
  /** The last attempt's reason when every attempt failed. */
  readonly error?: string;
  readonly attempts: number;
}

/** Runs `attempt` until it succeeds, says a retry cannot help, the attempts run out or the signal aborts. */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<Attempt<T>>,
  onRetry?: (n: number, reason: string, delayMs: number) => void,
): Promise<RetryOutcome<T>> {
  let reason = 'not attempted';
  for (let n = 1; n <= policy.attempts; n++) {
    if (policy.signal?.aborted) {
      return { error: `${reason}; stopped: ${abortReason(policy.signal)}`, attempts: n - 1 };
    }
    const result = await attempt(n);
    if (result.ok) return { value: result.value, attempts: n };
    reason = result.reason;
    if (!result.retry || n === policy.attempts) return { error: reason, attempts: n };
    const delay = Math.round(
      Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (n - 1)) * (0.5 + policy.random() / 2),
    );
    onRetry?.(n, reason, delay);
    await policy.sleep(delay);
  }
  return { error: reason, attempts: policy.attempts };
}

export function abortReason(signal: AbortSignal): string {
  const r = signal.reason;
  return r instanceof Error ? r.message : String(r ?? 'aborted');
}

/** A signal that aborts after `ms`, or when `parent` does; `clear` releases the timer. */
export function timeoutSignal(ms: number, parent?: AbortSignal): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${ms} ms`)), ms);
  const onParent = () => controller.abort(parent!.reason);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/** Retry statuses: 429 and 5xx are transient; other 4xx are final (401 token, 404, 422 payload). */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
