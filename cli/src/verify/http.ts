import { networkErrorText } from '../network-error';
import { Audience, Identity, ServiceError, VerifyContext } from './model';

/**
 * Data plane and ARM are called with fetch: each check sends one or two requests and must see the raw status,
 * error code and headers (apim-request-id, x-ms-correlation-request-id) that SDK clients turn into exceptions
 * or hide, and the only ARM operations needed (one GET or PUT each) do not justify an @azure/arm-* client per
 * resource provider. Log Analytics goes through @azure/monitor-query-logs (see logs.ts).
 */

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Hosts each token may be sent to (public cloud). Data plane: the custom subdomain hosts of Cognitive Services
 * accounts (docs/azure-facts.md §DNS, docs/field-facts.md §4.1); ARM: management.azure.com; Log Analytics:
 * api.loganalytics.azure.com and its predecessor api.loganalytics.io (docs/field-facts.md §5.1).
 */
const TOKEN_HOSTS: Record<Audience, RegExp> = {
  cognitive:
    /^[a-z0-9][a-z0-9-]*\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/,
  arm: /^management\.azure\.com$/,
  logs: /^api\.loganalytics\.(io|azure\.com)$/,
};

export function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname);
}

/**
 * Why a host may not receive this audience's token, or undefined when it may. Plain http only to loopback;
 * tokens only to the expected Azure hosts, an overridden loopback host, or (data plane only) the one gateway host
 * named by --allow-endpoint-host. A URL with user info is refused. The message names the URL's scheme and host
 * only, never its user info, path or query (where a SAS signature or a key would sit).
 */
export function hostProblem(raw: string, audience: Audience, allowedHost?: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'the value is not a URL';
  }
  const where = `${url.protocol}//${url.host}`;
  if (url.username || url.password) {
    return `${where}: remove the user info from the URL (authentication uses an Entra ID token)`;
  }
  if (isLoopback(url)) return undefined;
  if (url.protocol !== 'https:') return `${where}: plain http is only allowed to a loopback host (127.0.0.1)`;
  const host = url.hostname.toLowerCase();
  if (audience === 'cognitive' && allowedHost && host === allowedHost.toLowerCase()) return undefined;
  if (!TOKEN_HOSTS[audience].test(host)) {
    return `${where}: ${audience} tokens are only sent to ${TOKEN_HOSTS[audience].source.replace(/\\/g, '')} or a loopback host${audience === 'cognitive' ? ` (a gateway you trust: --allow-endpoint-host ${host})` : ''}`;
  }
  return undefined;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body, or undefined. */
  readonly json: any;
}

export interface CallOptions {
  readonly method?: string;
  readonly audience: Audience;
  readonly identity?: Identity;
  /** Send this API key instead of a bearer token (the key-auth probe). */
  readonly apiKey?: string;
  readonly body?: unknown;
  /** 5xx is normally an error; the caller may want to see it (never used to pass a check). */
  readonly allowServerError?: boolean;
  /** Retries of a 429 after its Retry-After (default 2); the bursts pace themselves and pass 0. */
  readonly throttleRetries?: number;
}

/**
 * Throttled (429): the service did not judge the request, so the check is inconclusive, not failed. Azure OpenAI
 * sends Retry-After (seconds) and retry-after-ms with its 429s (docs/field-facts.md §7, Learn quota page).
 */
export class ThrottledError extends ServiceError {
  constructor(
    message: string,
    readonly waitMs?: number,
  ) {
    super(message);
  }
}

/** A 429's wait is honoured up to this long; a longer one (a daily quota) ends the check as inconclusive at once. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** Wait before retrying a 429 that names no Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 10_000;

/** retry-after-ms, else Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or bad. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const ms = Number(headers.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * One request with the host policy, a timeout and the "no answer is never a pass" rule applied; a 429 is retried
 * after its Retry-After (at most `throttleRetries` times, each wait at most MAX_RETRY_AFTER_MS), then thrown as a
 * ThrottledError.
 */
export async function call(ctx: VerifyContext, url: string, options: CallOptions): Promise<HttpAnswer> {
  const retries = options.throttleRetries ?? 2;
  for (let attempt = 0; ; attempt++) {
    const answer = await callOnce(ctx, url, options);
    if (answer.status !== 429) return answer;
    const wait = retryAfterMs(answer.headers, ctx.now());
    const said = wait === undefined ? 'no Retry-After' : `Retry-After ${Math.ceil(wait / 1000)} s`;
    if (attempt >= retries || (wait ?? 0) > MAX_RETRY_AFTER_MS) {
      throw new ThrottledError(
        `${redact(url)} answered 429 (throttled, ${said}) ${attempt + 1} time(s): the service did not judge the request; rerun when the quota allows`,
        wait,
      );
    }
    ctx.progress(
      'http',
      `429 from ${redact(url)} (${said}): waiting before retry ${attempt + 1} of ${retries}`,
    );
    await ctx.sleep(wait ?? DEFAULT_RETRY_AFTER_MS);
  }
}

async function callOnce(ctx: VerifyContext, url: string, options: CallOptions): Promise<HttpAnswer> {
  const problem = hostProblem(url, options.audience, ctx.config.allowEndpointHost);
  if (problem) throw new ServiceError(`refusing to send credentials: ${problem}`);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey !== undefined) {
    headers['api-key'] = options.apiKey;
  } else {
    headers.authorization = `Bearer ${await ctx.getToken(options.audience, options.identity ?? 'workload')}`;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const timeoutMs = ctx.config.requestTimeoutSeconds * 1000;
  let response: Response;
  let text: string;
  try {
    response = await ctx.fetch(url, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    text = await response.text();
  } catch (e) {
    const err = e as Error;
    const reason =
      err.name === 'TimeoutError' || err.name === 'AbortError'
        ? `no answer within ${ctx.config.requestTimeoutSeconds} s`
        : networkErrorText(err);
    throw new ServiceError(`${options.method ?? 'request'} ${redact(url)}: ${reason}`);
  }
  if (response.status >= 500 && !options.allowServerError) {
    throw new ServiceError(`${redact(url)} answered ${response.status}: ${text.slice(0, 200)}`);
  }
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

function redact(url: string): string {
  return url.replace(/\?.*$/, '');
}

/** `error.code` of an Azure error body; the token-failure 401 has no `error` wrapper (docs/field-facts.md §4.2). */
export function errorCode(answer: HttpAnswer): string | undefined {
  const code = answer.json?.error?.code ?? answer.json?.code;
  return code === undefined ? undefined : String(code);
}

export function errorMessage(answer: HttpAnswer): string {
  return String(answer.json?.error?.message ?? answer.json?.message ?? answer.text.slice(0, 200));
}

export function describe(answer: HttpAnswer): string {
  const code = errorCode(answer);
  return `HTTP ${answer.status}${code ? ` ${code}` : ''}${answer.status >= 300 ? `: ${errorMessage(answer)}` : ''}`;
}
