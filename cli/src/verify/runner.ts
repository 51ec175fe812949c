import { RunState, VerifyCheck } from './check';
import { CONTENT_FILTER_CASES } from './content-filter-check';
import { CONTENT_SAFETY_CHECKS } from './content-safety-checks';
import { call } from './http';
import { IDENTITY_CHECKS } from './identity-checks';
import { CheckResult, ServiceError, SkipCheck, VerifyContext } from './model';
import { monitoringChecks } from './monitoring-checks';
import { NETWORK_CHECKS } from './network-checks';
import { BENIGN_PROMPT, chatUrl } from './probes';

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
    // Unreachable, timed out, 5xx, no token: never a pass.
    return done(
      'error',
      e instanceof ServiceError ? e.message : `${(e as Error).name}: ${(e as Error).message}`,
    );
  }
}

/**
 * Bursts so the rate detections can fire: more benign calls and more filtered prompts in five minutes than
 * their thresholds. Not markers for MO-1 (those are the single calls the checks make).
 */
async function sendBursts(ctx: VerifyContext, state: RunState): Promise<void> {
  if (!ctx.config.bursts || ctx.config.from !== 'vnet') return;
  const deployment = ctx.config.deployments[0];
  const harmful = CONTENT_FILTER_CASES.find((c) => c.expected === 'filtered')!.prompt;
  const plan: Array<[string[], string, number]> = [
    [['high-request-rate'], BENIGN_PROMPT, ctx.config.burstRequests],
    [['content-filter-rate', 'content-filter-harmful'], harmful, ctx.config.burstFiltered],
  ];
  for (const [keys, prompt, count] of plan) {
    let answered = 0;
    let failed = 0;
    for (let i = 0; i < count; i += 5) {
      const batch = Array.from({ length: Math.min(5, count - i) }, () =>
        call(ctx, chatUrl(ctx, deployment), {
          audience: 'cognitive',
          body: { messages: [{ role: 'user', content: prompt }], max_tokens: 1 },
        }).then(
          () => answered++,
          () => failed++,
        ),
      );
      await Promise.all(batch);
      ctx.progress('bursts', `${keys.join(', ')}: ${answered + failed}/${count} sent`);
    }
    const sent = `${answered} calls to ${deployment}${failed ? ` (${failed} unanswered)` : ''}`;
    if (answered > 0) keys.forEach((key) => state.exercised.set(key, sent));
  }
}

/** Run the selected checks: probes in order, then the bursts, then every observer concurrently (they poll). */
export async function runVerify(
  ctx: VerifyContext,
  checks: readonly VerifyCheck[] = allChecks(),
): Promise<VerifyRun> {
  const startedAt = ctx.now();
  const state: RunState = {
    startedAt,
    acceptedRequestIds: [],
    unmarkedAccepted: 0,
    exercised: new Map(),
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
    results: selected.map((c) => results.get(c.id)!),
  };
}
