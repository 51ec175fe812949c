import { refuseUrl } from './options';
import { Attempt, RetryPolicy, abortReason, isTransientStatus, timeoutSignal, withRetries } from './retry';

export interface PlanFetchDeps {
  readonly fetch: typeof globalThis.fetch;
  readonly allowedHosts: readonly string[];
  readonly maxPlanBytes: number;
  readonly planTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

const MAX_REDIRECTS = 5;

/**
 * Downloads the plan JSON (docs/field-facts.md 3.6): GET plan_json_api_url with the run's bearer token answers
 * 307 to a temporary URL valid for one minute, so each attempt starts again at plan_json_api_url. 204 means
 * the plan is not finished yet (retried); 429 and 5xx are retried; other statuses are final.
 * The token goes only to allowlisted hosts: a redirect elsewhere (the temporary URL is self-authenticating)
 * is followed without it, as Go's HTTP client does for go-tfe.
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
  try {
    let target = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const withToken = refuseUrl(target, deps.allowedHosts) === undefined;
      const res = await deps.fetch(target, {
        method: 'GET',
        redirect: 'manual',
        signal,
        headers: {
          // The run-task scaffold asks with the JSON:API media type (docs/field-facts.md 3.6).
          'Content-Type': 'application/vnd.api+json',
          ...(withToken ? { Authorization: `Bearer ${token}` } : {}),
        },
      });
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        const location = res.headers.get('location');
        await res.body?.cancel();
        if (!location) {
          return { ok: false, retry: true, reason: `HTTP ${res.status} without a Location header` };
        }
        target = new URL(location, target).toString();
        const scheme = new URL(target).protocol;
        if (scheme !== 'https:' && refuseUrl(target, deps.allowedHosts) !== undefined) {
          return { ok: false, retry: false, reason: `redirected to a non-https URL (${scheme})` };
        }
        continue;
      }
      if (res.status === 204) {
        return { ok: false, retry: true, reason: 'HTTP 204: the plan is not finished yet' };
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        return { ok: false, retry: isTransientStatus(res.status), reason: `HTTP ${res.status}` };
      }
      return await readBounded(res, deps.maxPlanBytes);
    }
    return { ok: false, retry: false, reason: `more than ${MAX_REDIRECTS} redirects` };
  } catch (e) {
    return {
      ok: false,
      retry: !deps.retry.signal?.aborted,
      reason: signal.aborted ? abortReason(signal) : `network error: ${(e as Error).message}`,
    };
  } finally {
    clear();
  }
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
