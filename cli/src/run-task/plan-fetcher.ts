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

export interface PlanFetchDeps {
  readonly fetch: typeof globalThis.fetch;
  /** Hosts that may get the token (the plan URL must be one of them). */
  readonly allowedHosts: readonly string[];
  /** Further hosts a redirect may lead to, without the token. */
  readonly redirectHosts: readonly string[];
  readonly now: () => number;
  readonly maxPlanBytes: number;
  readonly planTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

const MAX_REDIRECTS = 5;

/**
 * Downloads the plan JSON (docs/field-facts.md 3.6): GET plan_json_api_url with the run's bearer token answers
 * 307 to a temporary URL valid for one minute (on archivist.terraform.io), so each attempt starts again at
 * plan_json_api_url. 204 means the plan is not finished yet: retried until the task deadline, honouring
 * Retry-After, without using an attempt; 429 and 5xx are retried; other statuses are final.
 * The token goes only to the plan URL's own host and port; a redirect is followed only to a host:port on either
 * list, never with the token when it leaves the plan URL's origin (the temporary URL authenticates itself, and
 * Go's HTTP client, which go-tfe uses, drops Authorization on such a redirect too). A redirect anywhere else is
 * not contacted: the attempt fails, and so does the task.
 */
export async function fetchPlanJson(url: string, token: string, deps: PlanFetchDeps): Promise<unknown> {
  const refused = refuseUrl(url, deps.allowedHosts);
  if (refused) throw new Error(`plan_json_api_url refused: ${refused}`);
  const outcome = await withRetries(deps.retry, () => attemptDownload(url, token, deps), deps.onRetry);
  if (outcome.error !== undefined) {
    throw new Error(
      `could not download the plan JSON after ${outcome.attempts} attempt(s): ${outcome.error}`,
    );
  }
  const text = outcome.value!;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`the plan JSON is not valid JSON (${(e as Error).message})`);
  }
}

async function attemptDownload(url: string, token: string, deps: PlanFetchDeps): Promise<Attempt<string>> {
  const { signal, clear } = timeoutSignal(deps.planTimeoutMs, deps.retry.signal);
  const origin = new URL(url).origin;
  try {
    let target = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const res = await deps.fetch(target, {
        method: 'GET',
        redirect: 'manual',
        signal,
        headers: {
          // The run-task scaffold asks with the JSON:API media type (docs/field-facts.md 3.6).
          'Content-Type': 'application/vnd.api+json',
          ...(new URL(target).origin === origin ? { Authorization: `Bearer ${token}` } : {}),
        },
      });
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        const location = res.headers.get('location');
        await res.body?.cancel();
        if (!location) {
          return { ok: false, retry: true, reason: `HTTP ${res.status} without a Location header` };
        }
        target = new URL(location, target).toString();
        const refused = refuseRedirect(target, origin, deps);
        if (refused) return { ok: false, retry: false, reason: `redirect not followed: ${refused}` };
        continue;
      }
      const waitMs = retryAfterMs(res.headers.get('retry-after'), deps.now(), MAX_RETRY_AFTER_MS);
      if (res.status === 204) {
        await res.body?.cancel();
        return {
          ok: false,
          retry: true,
          notReady: true,
          waitMs,
          reason: 'HTTP 204: the plan is not finished yet',
        };
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        return { ok: false, retry: isTransientStatus(res.status), waitMs, reason: `HTTP ${res.status}` };
      }
      return await readBounded(res, deps.maxPlanBytes);
    }
    return { ok: false, retry: false, reason: `more than ${MAX_REDIRECTS} redirects` };
  } catch (e) {
    return {
      ok: false,
      retry: !deps.retry.signal?.aborted,
      reason: signal.aborted ? abortReason(signal) : `network error: ${networkErrorText(e)}`,
    };
  } finally {
    clear();
  }
}

/** Why a redirect target may not be contacted: same origin as the plan URL, or on one of the two lists. */
function refuseRedirect(target: string, origin: string, deps: PlanFetchDeps): string | undefined {
  if (new URL(target).origin === origin) return undefined;
  return refuseUrl(
    target,
    [...deps.allowedHosts, ...deps.redirectHosts],
    'AOAI_RUN_TASK_ALLOWED_HOSTS or AOAI_RUN_TASK_REDIRECT_HOSTS',
  );
}

async function readBounded(res: Response, maxBytes: number): Promise<Attempt<string>> {
  const tooLarge: Attempt<string> = {
    ok: false,
    retry: false,
    reason: `the plan JSON is larger than the ${maxBytes}-byte limit`,
  };
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    return tooLarge;
  }
  if (!res.body) return { ok: true, value: '' };
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return tooLarge;
    }
    chunks.push(Buffer.from(value));
  }
  return { ok: true, value: Buffer.concat(chunks).toString('utf8') };
}
