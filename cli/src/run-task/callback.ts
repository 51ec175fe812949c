import { networkErrorText } from '../network-error';
import { refuseUrl } from './options';
import {
  Attempt,
  MAX_RETRY_AFTER_MS,
  RetryPolicy,
  abortReason,
  isTransientStatus,
  retryAfterMs,
  timeoutSignal,
  withRetries,
} from './retry';
import { TaskResultBody } from './task-result';

export interface CallbackDeps {
  readonly fetch: typeof globalThis.fetch;
  readonly allowedHosts: readonly string[];
  readonly callbackTimeoutMs: number;
  readonly now: () => number;
  readonly retry: RetryPolicy;
  readonly onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

/**
 * PATCH task_result_callback_url with the run's bearer token and a JSON:API body (docs/field-facts.md 3.5).
 * 200 is success; 429, 5xx and network errors are retried with backoff (or after the server's Retry-After);
 * 401 and 422 are final.
 * Resolves with the number of attempts; rejects with the last reason when the result could not be delivered.
 */
export async function sendTaskResult(
  url: string,
  token: string,
  body: TaskResultBody,
  deps: CallbackDeps,
): Promise<number> {
  const refused = refuseUrl(url, deps.allowedHosts);
  if (refused) throw new Error(`task_result_callback_url refused: ${refused}`);
  const payload = JSON.stringify(body);
  const outcome = await withRetries(deps.retry, () => attempt(url, token, payload, deps), deps.onRetry);
  if (outcome.error !== undefined) {
    throw new Error(`callback not delivered after ${outcome.attempts} attempt(s): ${outcome.error}`);
  }
  return outcome.attempts;
}

async function attempt(
  url: string,
  token: string,
  payload: string,
  deps: CallbackDeps,
): Promise<Attempt<void>> {
  // No retry.signal here: a result already computed is still delivered when the task deadline has passed.
  const { signal, clear } = timeoutSignal(deps.callbackTimeoutMs);
  try {
    const res = await deps.fetch(url, {
      method: 'PATCH',
      redirect: 'error',
      signal,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/vnd.api+json' },
      body: payload,
    });
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return { ok: true, value: undefined };
    return {
      ok: false,
      retry: isTransientStatus(res.status),
      waitMs: retryAfterMs(res.headers.get('retry-after'), deps.now(), MAX_RETRY_AFTER_MS),
      reason: `HTTP ${res.status}`,
    };
  } catch (e) {
    return {
      ok: false,
      retry: true,
      reason: signal.aborted ? abortReason(signal) : `network error: ${networkErrorText(e)}`,
    };
  } finally {
    clear();
  }
}
