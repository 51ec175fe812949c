import { createHmac } from 'crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'http';
import { AddressInfo } from 'net';

/**
 * A fake HCP Terraform on 127.0.0.1 for run-task tests: it builds and signs run-task requests, serves plan JSON
 * the way the API does, and records every callback PATCH (docs/field-facts.md 3.5). Each behaviour and its source:
 * - GET json-output with the run token answers 307 to a temporary URL on another host, the object store
 *   (archivist.terraform.io in HCP Terraform; here a second server on another port), which needs no token
 *   (plans API "Retrieve the JSON execution plan" and api-docs "Blob storage authentication", field-facts 3.6, 7).
 * - 204 No Content while the plan is not finished (plans API: "Plan JSON supported, but plan has not yet
 *   completed"), optionally with Retry-After (RFC 9110 10.2.3; HCP Terraform does not document one).
 * - 429 with the API's rate-limit error body (api-docs "Rate limits"), optionally with Retry-After.
 * - 401 without the run token (api-docs "Authentication").
 * Faults are scripted per plan and per task result.
 */
export interface RecordedCallback {
  readonly taskResultId: string;
  readonly authorization?: string;
  readonly contentType?: string;
  readonly body: any;
  /** The status the fake answered. */
  readonly answered: number;
  /** performance.now() when the callback arrived (the bench measures latency with it). */
  readonly at: number;
}

export interface PlanScript {
  /** Plan JSON text to serve. */
  readonly json: string;
  /** Answer the json-output request with this status this many times before serving (e.g. 500 twice). */
  readonly failFirst?: { readonly status: number; readonly times: number };
  /** Never serve: answer every json-output request with this status. */
  readonly always?: number;
  /** Delay each json-output answer (ms). */
  readonly delayMs?: number;
  /** Answer 204 (plan not finished) this many times first, with this Retry-After header when given. */
  readonly notReadyFirst?: { readonly times: number; readonly retryAfter?: string };
  /** Retry-After header sent with the failFirst and always answers. */
  readonly retryAfter?: string;
  /** Redirect json-output to this absolute URL instead of the fake's object store. */
  readonly redirectTo?: string;
}

export interface FakeHcpTerraform {
  readonly url: string;
  /** host:port of the API (the allowlist entry that may get the token). */
  readonly host: string;
  /** host:port of the object store json-output redirects to (a redirect host, never given the token). */
  readonly archivistHost: string;
  readonly callbacks: RecordedCallback[];
  /** json-output requests per plan ID, with their Authorization header. */
  readonly planRequests: Array<{ planId: string; authorization?: string }>;
  /** Requests to the temporary (redirected) URL, with the Authorization header they carried. */
  readonly redirectedRequests: Array<{ planId: string; authorization?: string }>;
  addPlan(planId: string, script: PlanScript): void;
  /** Answer this task result's callback with `status` the first `times` times (with Retry-After when given). */
  failCallbacks(taskResultId: string, status: number, times: number, retryAfter?: string): void;
  /** A signed request body for a task, as HCP Terraform would POST it. */
  task(options: TaskOptions): { body: string; taskResultId: string };
  /** Final (passed/failed) callbacks answered 200 for a task result. */
  finalCallbacks(taskResultId?: string): RecordedCallback[];
  /** Resolves when `count` final callbacks were answered 200; rejects after `timeoutMs`. */
  waitForFinal(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface TaskOptions {
  readonly taskResultId: string;
  readonly planId?: string;
  readonly stage?: string;
  readonly token?: string;
  readonly outcomes?: boolean;
  /** Override any payload field (e.g. point the callback elsewhere). */
  readonly overrides?: Record<string, unknown>;
}

export const FAKE_TOKEN_PREFIX = 'fake-run-token.atlasv1.';

export function sign(body: string | Buffer, key: string): string {
  return createHmac('sha512', key).update(body).digest('hex');
}

export async function startFakeHcpTerraform(): Promise<FakeHcpTerraform> {
  const plans = new Map<string, PlanScript & { served: number; notReadyServed: number }>();
  const callbackFaults = new Map<string, { status: number; remaining: number; retryAfter?: string }>();
  const callbacks: RecordedCallback[] = [];
  const planRequests: Array<{ planId: string; authorization?: string }> = [];
  const redirectedRequests: Array<{ planId: string; authorization?: string }> = [];
  let waiters: Array<() => void> = [];

  const failed = (res: ServerResponse) => () => {
    res.writeHead(500);
    res.end();
  };
  const server = createServer((req, res) => void handle(req, res).catch(failed(res)));
  const archivistServer = createServer((req, res) => void handleArchivist(req, res).catch(failed(res)));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (await handleCallback(req, res, url)) return;
    const planMatch = /^\/api\/v2\/plans\/([^/]+)\/json-output$/.exec(url.pathname);
    if (req.method === 'GET' && planMatch) {
      const planId = planMatch[1];
      planRequests.push({ planId, authorization: req.headers.authorization });
      const plan = plans.get(planId);
      if (plan?.delayMs) await new Promise((r) => setTimeout(r, plan.delayMs));
      if (!plan) return end(res, 404, { errors: [{ status: '404', title: 'not found' }] });
      if (!req.headers.authorization?.startsWith(`Bearer ${FAKE_TOKEN_PREFIX}`)) return end(res, 401, {});
      const retryAfter = plan.retryAfter ? { 'Retry-After': plan.retryAfter } : undefined;
      if (plan.notReadyFirst && plan.notReadyServed < plan.notReadyFirst.times) {
        plan.notReadyServed++;
        const wait = plan.notReadyFirst.retryAfter;
        return end(res, 204, undefined, wait ? { 'Retry-After': wait } : undefined);
      }
      if (plan.always) {
        return end(res, plan.always, plan.always === 204 ? undefined : errorBody(plan.always), retryAfter);
      }
      if (plan.failFirst && plan.served < plan.failFirst.times) {
        plan.served++;
        return end(res, plan.failFirst.status, errorBody(plan.failFirst.status), retryAfter);
      }
      // Like the API: a temporary URL on the object store, another host (valid one minute), no token needed.
      res.writeHead(307, { Location: plan.redirectTo ?? `${archivistBase}/v1/object/${planId}` });
      res.end();
      return;
    }
    end(res, 404, {});
  }

  /** The object store: serves a plan's JSON to whoever holds the temporary URL. */
  async function handleArchivist(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const archivist = /^\/v1\/object\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && archivist) {
      redirectedRequests.push({ planId: archivist[1], authorization: req.headers.authorization });
      const plan = plans.get(archivist[1]);
      if (!plan) return end(res, 404, {});
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(plan.json);
      return;
    }
    end(res, 404, {});
  }

  async function handleCallback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const callback = /^\/api\/v2\/task-results\/([^/]+)\/callback$/.exec(url.pathname);
    if (!(req.method === 'PATCH' && callback)) return false;
    {
      const taskResultId = callback[1];
      const text = await readAll(req);
      const fault = callbackFaults.get(taskResultId);
      let answered = 200;
      if (fault && fault.remaining > 0) {
        fault.remaining--;
        answered = fault.status;
      }
      callbacks.push({
        taskResultId,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: JSON.parse(text),
        answered,
        at: performance.now(),
      });
      const wait = answered !== 200 && fault?.retryAfter ? { 'Retry-After': fault.retryAfter } : undefined;
      end(res, answered, answered === 200 ? undefined : errorBody(answered), wait);
      waiters.forEach((w) => w());
    }
    return true;
  }

  const host = await listenLoopback(server);
  const archivistHost = await listenLoopback(archivistServer);
  const base = `http://${host}`;
  const archivistBase = `http://${archivistHost}`;
  const finalCallbacks = (taskResultId?: string) =>
    callbacks.filter(
      (c) =>
        c.answered === 200 &&
        c.body?.data?.attributes?.status !== 'running' &&
        (taskResultId === undefined || c.taskResultId === taskResultId),
    );

  return {
    url: base,
    host,
    archivistHost,
    callbacks,
    planRequests,
    redirectedRequests,
    addPlan: (planId, script) => plans.set(planId, { ...script, served: 0, notReadyServed: 0 }),
    failCallbacks: (taskResultId, status, times, retryAfter) =>
      callbackFaults.set(taskResultId, { status, remaining: times, retryAfter }),
    task: ({ taskResultId, planId, stage = 'post_plan', token, outcomes = true, overrides = {} }) => {
      // Field names and sample values from the HCP Terraform API docs (docs/field-facts.md 3.1).
      const payload = {
        payload_version: 1,
        stage,
        access_token: token ?? `${FAKE_TOKEN_PREFIX}${taskResultId}`,
        capabilities: { outcomes },
        configuration_version_download_url: null,
        configuration_version_id: 'cv-ntv3HbhJqvFzamy7',
        is_speculative: false,
        organization_name: 'contoso',
        ...(stage === 'pre_plan' ? {} : { plan_json_api_url: `${base}/api/v2/plans/${planId}/json-output` }),
        run_app_url: `${base}/app/contoso/aoai/runs/run-${taskResultId}`,
        run_created_at: '2026-11-28T10:00:00.000Z',
        run_created_by: 'platform-bot',
        run_id: `run-${taskResultId}`,
        run_message: 'Triggered via cdktf deploy',
        task_result_callback_url: `${base}/api/v2/task-results/${taskResultId}/callback`,
        task_result_enforcement_level: 'mandatory',
        task_result_id: taskResultId,
        vcs_branch: null,
        vcs_commit_url: null,
        vcs_pull_request_url: null,
        vcs_repo_url: null,
        workspace_app_url: `${base}/app/contoso/aoai`,
        workspace_id: 'ws-ck4G5bb1Yei5szRh',
        workspace_name: 'aoai-prod',
        workspace_working_directory: '',
        ...overrides,
      };
      return { body: JSON.stringify(payload), taskResultId };
    },
    finalCallbacks,
    waitForFinal: (count, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (finalCallbacks().length >= count) {
            clearTimeout(timer);
            waiters = waiters.filter((w) => w !== check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(
            new Error(`only ${finalCallbacks().length} of ${count} final callbacks after ${timeoutMs} ms`),
          );
        }, timeoutMs);
        waiters.push(check);
        check();
      }),
    close: async () => {
      await closeServer(server);
      await closeServer(archivistServer);
    },
  };
}

/** Listens on 127.0.0.1 at a free port; resolves with host:port. */
export async function listenLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * A host:port that must never be contacted: it counts every TCP connection it receives (before any HTTP), so a
 * test can prove a redirect to it was refused without a connection.
 */
export async function startConnectionCounter(): Promise<{
  readonly host: string;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let count = 0;
  const server = createServer((_req, res) => end(res, 200, { leaked: true }));
  server.on('connection', () => count++);
  const host = await listenLoopback(server);
  return { host, connections: () => count, close: () => closeServer(server) };
}

/** HCP Terraform's JSON:API error object; the 429 one as api-docs "Rate limits" shows it. */
function errorBody(status: number): unknown {
  if (status === 429) {
    return {
      errors: [
        { detail: "You have exceeded the API's rate limit.", status: 429, title: 'Too many requests' },
      ],
    };
  }
  return { errors: [{ status: String(status) }] };
}

function end(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/vnd.api+json', ...headers });
  res.end(JSON.stringify(body));
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** POST a body to the run-task server, signed with `key` unless a signature is given ('' sends an empty header). */
export async function postTask(
  serverUrl: string,
  body: string,
  key: string,
  signature?: string,
): Promise<{ status: number; body: any }> {
  const res = await fetch(serverUrl + '/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'TFC/1.0 (+https://app.terraform.io; TFC)',
      'X-TFC-Task-Signature': signature ?? sign(body, key),
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
