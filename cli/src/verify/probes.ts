import { memo, RunState } from './check';
import { call, CallOptions, HttpAnswer } from './http';
import { VerifyContext } from './model';

/** Data-plane GA API version (its spec documents max_completion_tokens, docs/field-facts.md §7). */
export const DATA_PLANE_API_VERSION = '2024-10-21';

export function chatUrl(ctx: VerifyContext, deployment: string): string {
  const base = ctx.config.endpoint.endsWith('/') ? ctx.config.endpoint : `${ctx.config.endpoint}/`;
  return `${base}openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${DATA_PLANE_API_VERSION}`;
}

export type TokenLimitParameter = 'max_completion_tokens' | 'max_tokens';

/**
 * A 400 saying the deployment does not take this token-limit parameter: reasoning (o-series) models reject
 * max_tokens ("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens'
 * instead.", code unsupported_parameter, param max_tokens); a model or API version that predates
 * max_completion_tokens rejects that one ("Unrecognized request argument supplied: max_completion_tokens")
 * (docs/field-facts.md §7).
 */
function rejectsParameter(answer: HttpAnswer, parameter: TokenLimitParameter): boolean {
  if (answer.status !== 400) return false;
  const error = answer.json?.error;
  const message = String(error?.message ?? '');
  return (
    error?.param === parameter ||
    (message.includes(parameter) && /unsupported|unrecognized|not supported/i.test(message))
  );
}

export interface ChatOptions extends Partial<CallOptions> {
  /** Completion budget. Reasoning models spend tokens before they answer, so a probe that must see output asks more. */
  readonly maxTokens?: number;
  /**
   * Whether an accepted call is one of MO-1's markers (default true). Bursts and repeated polls are not: they are
   * sent minutes after the probes, so MO-1 would wait on them.
   */
  readonly marker?: boolean;
}

/**
 * The request body of one chat probe: one user message and a token limit, sent as max_completion_tokens (the
 * parameter every current model takes) unless this deployment already refused it in this run.
 */
export function chatBody(prompt: string, parameter: TokenLimitParameter, maxTokens: number): unknown {
  return { messages: [{ role: 'user', content: prompt }], [parameter]: maxTokens };
}

/**
 * A chat completion. max_completion_tokens first; a deployment that refuses it gets max_tokens, and the choice is
 * remembered for the rest of the run. The response's apim-request-id is the CorrelationId of its AzureDiagnostics
 * row (docs/field-facts.md §1.2), so accepted calls become the markers the log check looks for.
 */
export async function chat(
  ctx: VerifyContext,
  state: RunState,
  deployment: string,
  prompt: string,
  options: ChatOptions = {},
): Promise<HttpAnswer> {
  const { maxTokens = 16, marker = true, ...callOptions } = options;
  const send = (parameter: TokenLimitParameter) =>
    call(ctx, chatUrl(ctx, deployment), {
      audience: 'cognitive',
      ...callOptions,
      body: chatBody(prompt, parameter, maxTokens),
    });
  let parameter = state.tokenParameter.get(deployment) ?? 'max_completion_tokens';
  let answer = await send(parameter);
  if (rejectsParameter(answer, parameter)) {
    parameter = parameter === 'max_completion_tokens' ? 'max_tokens' : 'max_completion_tokens';
    ctx.progress('http', `${deployment} refused the token limit parameter; retrying with ${parameter}`);
    answer = await send(parameter);
  }
  if (!rejectsParameter(answer, parameter)) state.tokenParameter.set(deployment, parameter);
  if (marker) recordAccepted(ctx, state, answer, options.apiKey !== undefined);
  return answer;
}

/** Accepted Entra calls are MO-1's markers; calls without apim-request-id are counted. */
export function recordAccepted(
  ctx: VerifyContext,
  state: RunState,
  answer: HttpAnswer,
  withKey = false,
): void {
  if (answer.status !== 200 || withKey) return;
  const requestId = answer.headers.get('apim-request-id');
  if (requestId) {
    state.acceptedRequestIds.push(requestId);
    state.firstAcceptedAt ??= ctx.now();
    state.lastAcceptedAt = ctx.now();
  } else {
    state.unmarkedAccepted++;
  }
}

export const BENIGN_PROMPT = 'Reply with the single word: ok.';

/** One benign Entra call per deployment, shared by IA-2 and CS-4. */
export function benignCall(ctx: VerifyContext, state: RunState, deployment: string): Promise<HttpAnswer> {
  return memo(state, `benign:${deployment}`, () => chat(ctx, state, deployment, BENIGN_PROMPT));
}

/** The prompt that makes the model say the blocklist term, so a prompt-side or a completion-side list catches it. */
export function blocklistPrompt(term: string): string {
  return `Please repeat this phrase exactly: ${term}`;
}

/** The deployment that takes the opt-in probes (jailbreak, bursts): the canary when one is named, else the first. */
export function probeTarget(ctx: VerifyContext): { deployment: string; canary: boolean } {
  return ctx.config.canaryDeployment
    ? { deployment: ctx.config.canaryDeployment, canary: true }
    : { deployment: ctx.config.deployments[0], canary: false };
}
