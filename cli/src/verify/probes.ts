import { memo, RunState } from './check';
import { call, CallOptions, HttpAnswer } from './http';
import { VerifyContext } from './model';

/** Data-plane GA API version the content-filter suite already uses. */
export const DATA_PLANE_API_VERSION = '2024-10-21';

export function chatUrl(ctx: VerifyContext, deployment: string): string {
  const base = ctx.config.endpoint.endsWith('/') ? ctx.config.endpoint : `${ctx.config.endpoint}/`;
  return `${base}openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${DATA_PLANE_API_VERSION}`;
}

/**
 * A chat completion. The response's apim-request-id is the CorrelationId of its AzureDiagnostics row
 * (docs/field-facts.md §1.2), so accepted calls become the markers the log check looks for.
 */
export async function chat(
  ctx: VerifyContext,
  state: RunState,
  deployment: string,
  prompt: string,
  options: Partial<CallOptions> = {},
): Promise<HttpAnswer> {
  const answer = await call(ctx, chatUrl(ctx, deployment), {
    audience: 'cognitive',
    ...options,
    body: { messages: [{ role: 'user', content: prompt }], max_tokens: 5 },
  });
  const requestId = answer.headers.get('apim-request-id');
  if (answer.status === 200 && options.apiKey === undefined) {
    if (requestId) {
      state.acceptedRequestIds.push(requestId);
      state.firstAcceptedAt ??= ctx.now();
    } else {
      state.unmarkedAccepted++;
    }
  }
  return answer;
}

export const BENIGN_PROMPT = 'Reply with the single word: ok.';

/** One benign Entra call per deployment, shared by IA-2 and CS-4. */
export function benignCall(ctx: VerifyContext, state: RunState, deployment: string): Promise<HttpAnswer> {
  return memo(state, `benign:${deployment}`, () => chat(ctx, state, deployment, BENIGN_PROMPT));
}
