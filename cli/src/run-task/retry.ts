/**
 * What one attempt returns: a value, or a reason and whether trying again can help. `waitMs` is the server's own
 * wait (Retry-After), used instead of the backoff; `notReady` marks an answer that is not a failure (the plan
 * API's 204 while the plan is not finished): it uses no attempt and is retried until the deadline.
 */
export type Attempt<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly retry: boolean;
      readonly reason: string;
      readonly waitMs?: number;
      readonly notReady?: boolean;
    };

export interface RetryPolicy {
  readonly attempts: number;
  /** First delay; doubles per attempt up to maxBackoffMs, scaled by a jitter factor in [0.5, 1). */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Stop early (task deadline passed). Required to retry `notReady` answers, which use no attempt. */
  readonly signal?: AbortSignal;
}

export interface RetryOutcome<T> {
  readonly value?: T;
  /** The last attempt's reason when every attempt failed. */
  readonly error?: string;
  readonly attempts: number;
}

/**
 * Runs `attempt` until it succeeds, says a retry cannot help, the attempts run out or the signal aborts. A
 * `notReady` answer uses no attempt (with a signal to stop it); a server's Retry-After replaces the backoff.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<Attempt<T>>,
  onRetry?: (n: number, reason: string, delayMs: number) => void,
): Promise<RetryOutcome<T>> {
  let reason = 'not attempted';
  let n = 0;
  for (let tries = 1; ; tries++) {
    if (policy.signal?.aborted) {
      return { error: `${reason}; stopped: ${abortReason(policy.signal)}`, attempts: tries - 1 };
    }
    const result = await attempt(tries);
    if (result.ok) return { value: result.value, attempts: tries };
    reason = result.reason;
    const free = result.notReady === true && policy.signal !== undefined;
    if (!free) n++;
    if (!result.retry || n >= policy.attempts) return { error: reason, attempts: tries };
    const backoff = Math.round(
      Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, (free ? tries : n) - 1)) *
        (0.5 + policy.random() / 2),
    );
    const delay = result.waitMs ?? backoff;
    onRetry?.(tries, reason, delay);
    await policy.sleep(delay);
  }
}

/** The longest Retry-After honoured; a task's deadline stops the waiting anyway. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * A Retry-After header in milliseconds (delay-seconds or an HTTP-date, RFC 9110 10.2.3), capped at `maxMs`;
 * undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | null, now: number, maxMs: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = Math.max(0, date - now);
  }
  return Math.min(ms, maxMs);
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
