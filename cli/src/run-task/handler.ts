import { Logger } from './logger';
import { ResolvedOptions, refuseUrl } from './options';
import { parseRunTaskRequest } from './payload';
import { TaskRun, TaskSummary } from './run-task';
import { verifySignature } from './signature';
import { TaskQueue } from './task-queue';

export interface HandlerResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

/** What the handler needs besides the options: the queue, the log, and a hook for finished tasks. */
export interface HandlerDeps {
  readonly options: ResolvedOptions;
  readonly queue: TaskQueue;
  readonly log: Logger;
  /** True once shutdown began: new tasks are refused with 503 so HCP Terraform retries elsewhere or later. */
  readonly draining: () => boolean;
  /** task_result_ids accepted and not yet reported. */
  readonly inFlight: Set<string>;
  readonly onTaskDone?: (summary: TaskSummary) => void;
}

/**
 * A run-task POST, socket-free: verify the signature over the raw bytes (docs/field-facts.md 3.2; 401 when it is
 * missing or malformed, 403 when it is wrong), answer the creation-time verification request with 200 and no callback
 * (3.3), then queue the task and answer 200 at once (3.4): the verdict goes through the callback.
 */
export function handleRunTaskPost(
  rawBody: Buffer,
  signature: string | string[] | undefined,
  deps: HandlerDeps,
) {
  const { options, log } = deps;
  const check = verifySignature(rawBody, signature, options.hmacKey);
  if (check !== 'valid') {
    log.warn('request refused: signature', { signature: check, bytes: rawBody.length });
    return reply(check === 'invalid' ? 403 : 401, `signature ${check}`);
  }
  const parsed = parseRunTaskRequest(rawBody);
  if (parsed.kind === 'verification') {
    log.info('verification request answered');
    return reply(200, 'verified');
  }
  if (parsed.kind === 'invalid') {
    log.warn('request refused: payload', { reason: parsed.reason });
    return reply(400, parsed.reason);
  }
  const request = parsed.request;
  const ids = { task_result_id: request.task_result_id, run_id: request.run_id, stage: request.stage };
  const refused = refuseUrl(request.task_result_callback_url!, options.allowedHosts);
  if (refused) {
    // Without a callback we can report nothing; HCP Terraform shows the task as errored after its timeout.
    log.error('request refused: callback host', { ...ids, reason: refused });
    return reply(422, `task_result_callback_url refused: ${refused}`);
  }
  const key = request.task_result_id ?? request.task_result_callback_url!;
  if (deps.inFlight.has(key)) {
    // HCP Terraform retries a POST it saw no 200 for; the task is already queued: one verdict, one callback.
    log.info('duplicate request: task already accepted', ids);
    return reply(200, 'already accepted');
  }
  if (deps.draining()) return reply(503, 'shutting down', { 'Retry-After': '5' });
  // The task's clock starts now, with the answer, not when a slot frees (run-task.ts).
  const task = new TaskRun(request, options, log);
  const accepted = deps.queue.offer(() => task.run());
  if (!accepted) {
    task.discard();
    log.warn('request refused: queue full', { ...ids, queued: deps.queue.queued });
    return reply(503, 'queue full', { 'Retry-After': '5' });
  }
  deps.inFlight.add(key);
  void task.finished.then((summary) => {
    deps.inFlight.delete(key);
    deps.onTaskDone?.(summary);
  });
  log.info('task accepted', { ...ids, active: deps.queue.active, queued: deps.queue.queued });
  return reply(200, 'accepted');
}

function reply(status: number, message: string, headers?: Record<string, string>): HandlerResponse {
  return { status, body: { message }, headers };
}
