import { detections } from '../core';
import { RunState, VerifyCheck } from './check';
import { CONTENT_SAFETY_CHECKS, JAILBREAK_OPT_IN_REASON } from './content-safety-checks';
import { readFilterOutcome } from './filter-result';
import { HttpAnswer, ThrottledError } from './http';
import { IDENTITY_CHECKS } from './identity-checks';
import { CheckResult, IdentityError, ServiceError, SkipCheck, VerifyContext } from './model';
import { monitoringChecks } from './monitoring-checks';
import { NETWORK_CHECKS } from './network-checks';
import { BENIGN_PROMPT, blocklistPrompt, chat, probeTarget } from './probes';

/** Every check, in run order; detection-based IDs follow lib/detections.ts as it is now. */
export function allChecks(): VerifyCheck[] {
  return [...NETWORK_CHECKS, ...IDENTITY_CHECKS, ...CONTENT_SAFETY_CHECKS, ...monitoringChecks()];
}

export function isSelected(id: string, only: readonly string[]): boolean {
  return !only.length || only.some((o) => id === o || id.startsWith(`${o}/`) || id.startsWith(`${o}-`));
}

export interface VerifyRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly from: string;
  readonly endpoint: string;
  /** The opt-in probes this run sent (jailbreak, bursts): target and pacing, as printed before the start. */
  readonly optIns: string[];
  readonly results: CheckResult[];
}

async function runOne(ctx: VerifyContext, state: RunState, check: VerifyCheck): Promise<CheckResult> {
  const base = { id: check.id, checklistItem: check.checklistItem, title: check.title };
  const started = ctx.now();
  const done = (status: CheckResult['status'], detail: string): CheckResult => ({
    ...base,
    status,
    detail,
    durationMs: ctx.now() - started,
  });
  if (check.runsFrom && check.runsFrom !== ctx.config.from) {
    return done(
      'skipped',
      `runs only from ${check.runsFrom === 'vnet' ? 'inside the VNet (--from vnet)' : 'outside the VNet (--from outside)'}: ${check.vantageReason}`,
    );
  }
  if (check.phase === 'probe') ctx.progress(check.id, 'running');
  try {
    const outcome = await check.run(ctx, state);
    return done(outcome.status, outcome.detail);
  } catch (e) {
    if (e instanceof SkipCheck) return done('skipped', e.message);
    // Throttled, unreachable, timed out, 5xx: the service did not decide; never a pass, not a failure either.
    if (e instanceof ServiceError) return done('inconclusive', e.message);
    if (e instanceof IdentityError) return done('error', e.message);
    return done('error', `${(e as Error).name}: ${(e as Error).message}`);
  }
}

/** The rate detections' 5-minute window (the request-rate query bins by 5m; the RAI metric alerts use PT5M). */
const WINDOW_MS = 5 * 60_000;

/** "more than N": the count a burst must exceed for its detection to fire, read from lib/detections.ts. */
function burstThreshold(key: string): number {
  const metric = detections.METRIC_ALERTS.find((m) => m.key === key);
  if (metric) return metric.threshold;
  const query = detections.DETECTIONS.find((d) => d.key === key)?.query ?? '';
  return Number(/RequestCount > (\d+)/.exec(query)?.[1] ?? 0);
}

interface BurstPlan {
  readonly keys: string[];
  readonly what: string;
  readonly prompt: string;
  readonly count: number;
  /** Whether an answer is the event the detection counts. */
  readonly counts: (answer: HttpAnswer) => boolean;
}

function burstPlans(ctx: VerifyContext): BurstPlan[] {
  const plans: BurstPlan[] = [
    {
      keys: ['high-request-rate'],
      what: 'benign requests',
      prompt: BENIGN_PROMPT,
      count: ctx.config.burstRequests,
      counts: (a) => a.status === 200,
    },
  ];
  // The filtered burst needs the deterministic trigger; harmful prompts are answered 200 with a refusal.
  if (ctx.config.blocklistTerm) {
    plans.push({
      keys: ['content-filter-rate'],
      what: 'blocklist-term prompts',
      prompt: blocklistPrompt(ctx.config.blocklistTerm),
      count: ctx.config.burstFiltered,
      counts: (a) => readFilterOutcome(a).filtered,
    });
  }
  return plans;
}

/** What the opt-ins will send, where and how fast: printed before the first request and kept in the report. */
export function describeOptIns(ctx: VerifyContext): string[] {
  if (ctx.config.from !== 'vnet') return [];
  const { deployment, canary } = probeTarget(ctx);
  const target = canary
    ? `canary deployment ${deployment}`
    : `deployment ${deployment} (no --canary-deployment named: a production deployment takes them)`;
  const lines: string[] = [];
  if (ctx.config.jailbreakProbe) {
    lines.push(
      `jailbreak probe: one jailbreak prompt to ${target}; opted in although ${JAILBREAK_OPT_IN_REASON}`,
    );
  }
  if (ctx.config.bursts) {
    const plans = burstPlans(ctx);
    const total = plans.reduce((n, p) => n + p.count, 0);
    lines.push(
      `bursts: ${plans.map((p) => `${p.count} ${p.what}`).join(', then ')} to ${target}, paced at most ${ctx.config.burstRate} requests/min (about ${Math.ceil((total / ctx.config.burstRate) * 60)} s), each burst inside one 5-minute window; they spend quota real users share and can throttle them${ctx.config.blocklistTerm ? '' : '; no blocklist term, so no filtered burst'}`,
    );
  }
  return lines;
}

/** One burst, sequential and paced; a 429 waits its Retry-After and does not count. */
async function sendBurst(
  ctx: VerifyContext,
  state: RunState,
  deployment: string,
  plan: BurstPlan,
): Promise<void> {
  const interval = 60_000 / ctx.config.burstRate;
  // Start where the whole burst fits in one 5-minute bin, or the count splits between two.
  const offset = ctx.now() % WINDOW_MS;
  if (offset + plan.count * interval > WINDOW_MS) await ctx.sleep(WINDOW_MS - offset);
  const tally = { counted: 0, other: 0, throttled: 0, unanswered: 0 };
  for (let i = 0; i < plan.count; i++) {
    const sent = ctx.now();
    let wait = interval;
    try {
      const answer = await chat(ctx, state, deployment, plan.prompt, {
        maxTokens: 200,
        throttleRetries: 0,
        marker: false,
      });
      if (plan.counts(answer)) tally.counted++;
      else tally.other++;
    } catch (e) {
      if (e instanceof ThrottledError) {
        tally.throttled++;
        wait = Math.max(interval, e.waitMs ?? interval);
      } else if (e instanceof ServiceError) {
        tally.unanswered++;
      } else {
        throw e;
      }
    }
    if ((i + 1) % 10 === 0 || i + 1 === plan.count) {
      ctx.progress('bursts', `${plan.what}: ${i + 1}/${plan.count} sent`);
    }
    await ctx.sleep(Math.max(0, sent + wait - ctx.now()));
  }
  const threshold = Math.max(...plan.keys.map(burstThreshold));
  const summary = `${tally.counted} of ${plan.count} ${plan.what} to ${deployment} answered as the detection counts${tally.other ? `, ${tally.other} otherwise` : ''}${tally.throttled ? `, ${tally.throttled} throttled (429)` : ''}${tally.unanswered ? `, ${tally.unanswered} unanswered` : ''}`;
  for (const key of plan.keys) {
    if (tally.counted > threshold) state.exercised.set(key, summary);
    else state.shortBursts.set(key, `${summary}: not more than the detection's ${threshold}`);
  }
}

/**
 * Bursts so the rate detections can fire: more benign calls and more filtered prompts in five minutes than their
 * thresholds, paced, to the canary (or first) deployment. Opt-in (--bursts); only from inside the VNet.
 */
async function sendBursts(ctx: VerifyContext, state: RunState): Promise<void> {
  if (!ctx.config.bursts || ctx.config.from !== 'vnet') return;
  const { deployment } = probeTarget(ctx);
  for (const plan of burstPlans(ctx)) await sendBurst(ctx, state, deployment, plan);
}

/** Run the selected checks: probes in order, then the bursts, then every observer concurrently (they poll). */
export async function runVerify(
  ctx: VerifyContext,
  checks: readonly VerifyCheck[] = allChecks(),
): Promise<VerifyRun> {
  const optIns = describeOptIns(ctx);
  for (const line of optIns) ctx.progress('opt-in', line);
  const startedAt = ctx.now();
  const state: RunState = {
    startedAt,
    acceptedRequestIds: [],
    unmarkedAccepted: 0,
    exercised: new Map(),
    shortBursts: new Map(),
    tokenParameter: new Map(),
    memo: new Map(),
  };
  const selected = checks.filter((c) => isSelected(c.id, ctx.config.only));
  const results = new Map<string, CheckResult>();
  for (const check of selected.filter((c) => c.phase === 'probe')) {
    results.set(check.id, await runOne(ctx, state, check));
  }
  await sendBursts(ctx, state);
  const observers = selected.filter((c) => c.phase === 'observe');
  const observed = await Promise.all(observers.map((c) => runOne(ctx, state, c)));
  observers.forEach((c, i) => results.set(c.id, observed[i]));
  return {
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(ctx.now()).toISOString(),
    from: ctx.config.from,
    endpoint: ctx.config.endpoint,
    optIns,
    results: selected.map((c) => results.get(c.id)!),
  };
}
