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
  /** From answering the request to the final callback's answer. */
  readonly latencyMs: number;
  readonly delivered: boolean;
}

/**
 * One accepted run task. Its clock starts when the POST is answered, as HCP Terraform's does (it errors a task
 * with no progress update within 10 minutes of the request, docs/field-facts.md 3.7 and 7): the deadline and the
 * first `running` update count from then, whether the task is judging or still waiting for a slot. A task still
 * queued at its deadline is reported failed at once. `run()` is the queue's job: judge the plan (post_plan,
 * pre_apply) or pass the stage, then report through the callback. Never throws: a plan that cannot be fetched,
 * parsed or judged, or a deadline that passes, is reported as failed with the reason, never as a pass.
 */
export class TaskRun {
  /** Resolves once the final result was delivered (or could not be). */
  public readonly finished: Promise<TaskSummary>;
  private readonly log: Logger;
  private readonly acceptedAt: number;
  private readonly deadline: { signal: AbortSignal; clear: () => void };
  private readonly progress: NodeJS.Timeout;
  private state: 'queued' | 'judging' | 'done' = 'queued';
  private done!: (summary: TaskSummary) => void;
  /** Callbacks of one task go out in order: a `running` update never overtakes the final result. */
  private callbacks: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly request: RunTaskRequest,
    private readonly options: ResolvedOptions,
    parentLog: Logger,
  ) {
    this.finished = new Promise((resolve) => (this.done = resolve));
    this.log = parentLog.child({
      task_result_id: request.task_result_id,
      run_id: request.run_id,
      stage: request.stage,
      organization: request.organization_name,
      workspace: request.workspace_name,
    });
    this.log.addSecret(request.access_token);
    this.acceptedAt = options.now();
    this.deadline = timeoutSignal(options.taskTimeoutMs);
    this.deadline.signal.addEventListener('abort', () => this.expiredInQueue(), { once: true });
    this.progress = setTimeout(() => this.sendRunning(), options.progressAfterMs);
  }

  /** The queue's job: judge and report, unless the deadline already reported this task. */
  public async run(): Promise<void> {
    if (this.state !== 'queued') return;
    this.state = 'judging';
    const result = JUDGED_STAGES.includes(this.request.stage)
      ? await judgeRun(this.request, this.options, this.log, this.deadline.signal, this.retry)
      : statusBody(
          'passed',
          `Stage ${this.request.stage} is not judged: the Azure OpenAI hardening checklist judges the plan at post_plan and pre_apply.`,
          this.options.rulesUrl,
        );
    await this.finish(result);
  }

  /** A task refused after all (queue full): no callback, no timers left behind. */
  public discard(): void {
    this.state = 'done';
    this.stopClock();
    this.log.removeSecret(this.request.access_token);
  }

  private expiredInQueue(): void {
    if (this.state !== 'queued') return;
    const waited = Math.round((this.options.now() - this.acceptedAt) / 1000);
    this.log.warn('task not started before its deadline', { waitedSeconds: waited });
    void this.finish(
      statusBody(
        'failed',
        `Azure OpenAI hardening checklist could not judge this plan: the server was busy and could not start the task within ${this.options.taskTimeoutMs / 1000} s of the request. Run it again, or raise --max-concurrent.`,
        this.options.rulesUrl,
      ),
    );
  }

  private sendRunning(): void {
    if (this.state === 'done') return;
    const queued = this.state === 'queued';
    this.log.info(`task still ${queued ? 'queued' : 'running'}: sending a running update`);
    this.deliver(
      statusBody(
        'running',
        queued
          ? 'Waiting for a free slot to judge the plan against the Azure OpenAI hardening checklist.'
          : 'Judging the plan against the Azure OpenAI hardening checklist.',
        this.options.rulesUrl,
      ),
    ).catch((e: Error) => this.log.warn('running update not delivered', { reason: e.message }));
  }

  private async finish(result: TaskResultBody): Promise<void> {
    this.state = 'done';
    this.stopClock();
    let summary: TaskSummary;
    try {
      const attempts = await this.deliver(result);
      summary = {
        status: result.data.attributes.status as 'passed' | 'failed',
        latencyMs: this.options.now() - this.acceptedAt,
        delivered: true,
      };
      this.log.info('task result delivered', {
        status: summary.status,
        outcomes: result.data.relationships?.outcomes.data.length ?? 0,
        callbackAttempts: attempts,
        latencyMs: summary.latencyMs,
      });
    } catch (e) {
      this.log.error('task result not delivered', { reason: (e as Error).message });
      summary = { status: 'failed', latencyMs: this.options.now() - this.acceptedAt, delivered: false };
    } finally {
      this.log.removeSecret(this.request.access_token);
    }
    this.done(summary);
  }

  private stopClock(): void {
    clearTimeout(this.progress);
    this.deadline.clear();
  }

  private deliver(body: TaskResultBody): Promise<number> {
    const { options, request, log } = this;
    const sent = this.callbacks.then(() =>
      sendTaskResult(request.task_result_callback_url!, request.access_token, body, {
        fetch: options.fetch,
        allowedHosts: options.allowedHosts,
        callbackTimeoutMs: options.callbackTimeoutMs,
        now: options.now,
        retry: { ...this.retry(), attempts: options.callbackAttempts },
        onRetry: (attempt, reason, delayMs) => log.warn('callback retry', { attempt, reason, delayMs }),
      }),
    );
    this.callbacks = sent.catch(() => undefined);
    return sent;
  }

  private readonly retry = (signal?: AbortSignal): RetryPolicy => ({
    attempts: 0,
    backoffMs: this.options.backoffMs,
    maxBackoffMs: this.options.maxBackoffMs,
    sleep: this.options.sleep,
    random: this.options.random,
    signal,
  });
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
        redirectHosts: options.redirectHosts,
        now: options.now,
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
