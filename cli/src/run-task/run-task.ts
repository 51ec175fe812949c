import { sendTaskResult } from './callback';
import { judgePlan } from './judge';
import { Logger } from './logger';
import { ResolvedOptions } from './options';
import { JUDGED_STAGES, RunTaskRequest } from './payload';
import { fetchPlanJson } from './plan-fetcher';
import { RetryPolicy, abortReason, timeoutSignal } from './retry';
import { TaskResultBody, resultFromReport, statusBody } from './task-result';

export interface TaskSummary {
  readonly status: 'passed' | 'failed';
  /** From accepting the request to the final callback's answer. */
  readonly latencyMs: number;
  readonly delivered: boolean;
}

/**
 * One run task, after the POST was answered: judge the plan (post_plan, pre_apply) or pass the stage, then
 * report through the callback. Never throws: a plan that cannot be fetched, parsed or judged, or a deadline
 * that passes, is reported as failed with the reason, never as a pass.
 */
export async function runTask(
  request: RunTaskRequest,
  acceptedAt: number,
  options: ResolvedOptions,
  parentLog: Logger,
): Promise<TaskSummary> {
  const log = parentLog.child({
    task_result_id: request.task_result_id,
    run_id: request.run_id,
    stage: request.stage,
    organization: request.organization_name,
    workspace: request.workspace_name,
  });
  const token = request.access_token;
  log.addSecret(token);
  const deadline = timeoutSignal(options.taskTimeoutMs);
  const retry = (signal?: AbortSignal): RetryPolicy => ({
    attempts: 0,
    backoffMs: options.backoffMs,
    maxBackoffMs: options.maxBackoffMs,
    sleep: options.sleep,
    random: options.random,
    signal,
  });
  // Callbacks of one task go out in order: a `running` update never overtakes the final result.
  let callbacks: Promise<unknown> = Promise.resolve();
  const deliver = (body: TaskResultBody) => {
    const sent = callbacks.then(() =>
      sendTaskResult(request.task_result_callback_url!, token, body, {
        fetch: options.fetch,
        allowedHosts: options.allowedHosts,
        callbackTimeoutMs: options.callbackTimeoutMs,
        retry: { ...retry(), attempts: options.callbackAttempts },
        onRetry: (attempt, reason, delayMs) => log.warn('callback retry', { attempt, reason, delayMs }),
      }),
    );
    callbacks = sent.catch(() => undefined);
    return sent;
  };
  let progress: NodeJS.Timeout | undefined;
  try {
    let result: TaskResultBody;
    if (!JUDGED_STAGES.includes(request.stage)) {
      result = statusBody(
        'passed',
        `Stage ${request.stage} is not judged: the Azure OpenAI hardening checklist judges the plan at post_plan and pre_apply.`,
        options.rulesUrl,
      );
    } else {
      progress = setTimeout(() => {
        log.info('task still running: sending a running update');
        deliver(
          statusBody(
            'running',
            'Judging the plan against the Azure OpenAI hardening checklist.',
            options.rulesUrl,
          ),
        ).catch((e: Error) => log.warn('running update not delivered', { reason: e.message }));
      }, options.progressAfterMs);
      result = await judgeRun(request, options, log, deadline.signal, retry);
    }
    clearTimeout(progress);
    const attempts = await deliver(result);
    const summary = {
      status: result.data.attributes.status as 'passed' | 'failed',
      latencyMs: options.now() - acceptedAt,
      delivered: true,
    };
    log.info('task result delivered', {
      status: summary.status,
      outcomes: result.data.relationships?.outcomes.data.length ?? 0,
      callbackAttempts: attempts,
      latencyMs: summary.latencyMs,
    });
    return summary;
  } catch (e) {
    log.error('task result not delivered', { reason: (e as Error).message });
    return { status: 'failed', latencyMs: options.now() - acceptedAt, delivered: false };
  } finally {
    clearTimeout(progress);
    deadline.clear();
    log.removeSecret(token);
  }
}

async function judgeRun(
  request: RunTaskRequest,
  options: ResolvedOptions,
  log: Logger,
  deadline: AbortSignal,
  retry: (signal?: AbortSignal) => RetryPolicy,
): Promise<TaskResultBody> {
  const fail = (reason: string) => {
    log.warn('plan not judged', { reason });
    return statusBody(
      'failed',
      `Azure OpenAI hardening checklist could not judge this plan: ${reason}`,
      options.rulesUrl,
    );
  };
  if (!request.plan_json_api_url) return fail('the request has no plan_json_api_url');
  const expired = new Promise<never>((_, reject) =>
    deadline.addEventListener('abort', () => reject(new Error(abortReason(deadline))), { once: true }),
  );
  expired.catch(() => undefined);
  try {
    const plan = await Promise.race([
      fetchPlanJson(request.plan_json_api_url, request.access_token, {
        fetch: options.fetch,
        allowedHosts: options.allowedHosts,
        maxPlanBytes: options.maxPlanBytes,
        planTimeoutMs: options.planTimeoutMs,
        retry: { ...retry(deadline), attempts: options.planAttempts },
        onRetry: (attempt, reason, delayMs) => log.warn('plan download retry', { attempt, reason, delayMs }),
      }),
      expired,
    ]);
    const report = judgePlan(plan, {
      today: new Date(options.now()).toISOString().slice(0, 10),
      exemptions: options.exemptions,
    });
    return resultFromReport(report, {
      failOnWarnings: options.failOnWarnings,
      rulesUrl: options.rulesUrl,
      outcomes: request.capabilities?.outcomes === true,
    });
  } catch (e) {
    const message = (e as Error).message;
    return fail(deadline.aborted ? `the task did not finish in time (${message})` : message);
  }
}
