import { IncomingMessage, Server, ServerResponse, createServer } from 'http';
import { AddressInfo } from 'net';
import { HandlerDeps, HandlerResponse, handleRunTaskPost } from './handler';
import { Logger } from './logger';
import { RunTaskOptions, withDefaults } from './options';
import { TaskSummary } from './run-task';
import { signatureHeaderProblem } from './signature';
import { TaskQueue } from './task-queue';

/** How often Node checks every connection against headersTimeout and requestTimeout. */
const CHECK_INTERVAL_MS = 250;

export interface RunTaskServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** http://host:port of the listener. */
  readonly url: string;
  /** Stop accepting, finish queued and running tasks (up to shutdownTimeoutMs), then close every connection. */
  close(): Promise<void>;
}

/**
 * The HCP Terraform run-task server: POST <path> (signed run-task requests), GET /healthz. The only file that
 * touches sockets; the work is in handler.ts and run-task.ts.
 */
export async function startRunTaskServer(
  input: RunTaskOptions,
  hooks: { onTaskDone?: (summary: TaskSummary) => void } = {},
): Promise<RunTaskServer> {
  const options = withDefaults(input);
  const log = new Logger(options.log, options.now, { component: 'aoai-run-task' });
  log.addSecret(options.hmacKey);
  const queue = new TaskQueue(options.maxConcurrentTasks, options.maxQueuedTasks);
  let draining = false;
  const deps: HandlerDeps = {
    options,
    queue,
    log,
    draining: () => draining,
    inFlight: new Set(),
    onTaskDone: hooks.onTaskDone,
  };

  const buffers = new BodyBudget(options.maxBufferedBytes);
  const server = createServer(
    {
      // Node checks headersTimeout and requestTimeout only every connectionsCheckingInterval (30 s by default),
      // so a 10 s limit held for about 34 s; checked every 250 ms, each holds within a quarter second.
      connectionsCheckingInterval: CHECK_INTERVAL_MS,
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
    },
    (req, res) => {
      route(req, deps, buffers)
        .then((r) => send(res, r))
        .catch((e: Error) => {
          log.error('request failed', { reason: e.message });
          send(res, { status: 500, body: { message: 'internal error' } });
        });
    },
  );
  server.maxConnections = options.maxConnections;
  await listen(server, options.port, options.host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  log.info('listening', {
    url,
    path: options.path,
    allowedHosts: options.allowedHosts,
    redirectHosts: options.redirectHosts,
    maxConcurrentTasks: options.maxConcurrentTasks,
    maxQueuedTasks: options.maxQueuedTasks,
    maxConnections: options.maxConnections,
    maxBodyBytes: options.maxBodyBytes,
    maxBufferedBytes: options.maxBufferedBytes,
    headersTimeoutMs: options.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      draining = true;
      log.info('shutting down: finishing accepted tasks', { active: queue.active, queued: queue.queued });
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        queue.idle().then(() => false),
        new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(true), options.shutdownTimeoutMs)),
        ),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        log.error('shutdown timeout: tasks still running', { active: queue.active, queued: queue.queued });
      }
      server.closeAllConnections();
      await stopped;
      log.info('stopped');
    })());
  return { port, url, close };
}

async function route(req: IncomingMessage, deps: HandlerDeps, buffers: BodyBudget): Promise<HandlerResponse> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, body: { message: 'GET only' } };
    return {
      status: deps.draining() ? 503 : 200,
      body: {
        status: deps.draining() ? 'draining' : 'ok',
        active: deps.queue.active,
        queued: deps.queue.queued,
      },
    };
  }
  if (path !== deps.options.path) return refuse(404, 'not found');
  if (req.method !== 'POST') return refuse(405, 'POST only');
  // Before a byte of the body is read: a request that cannot be signed is answered now, its body never buffered.
  const signature = req.headers['x-tfc-task-signature'];
  const problem = signatureHeaderProblem(signature);
  if (problem) {
    deps.log.warn('request refused: signature', { signature: problem, bytes: 0 });
    return refuse(401, `signature ${problem}`);
  }
  const body = await readBody(req, deps.options.maxBodyBytes, buffers);
  if (body === 'too large') {
    deps.log.warn('request refused: body too large', { limit: deps.options.maxBodyBytes });
    return refuse(413, `body larger than ${deps.options.maxBodyBytes} bytes`);
  }
  if (body === 'busy') {
    deps.log.warn('request refused: buffered bodies at their limit', { limit: buffers.limit });
    return refuse(503, 'busy', { 'Retry-After': '5' });
  }
  if (body === 'aborted') return refuse(400, 'request aborted');
  try {
    return handleRunTaskPost(body.bytes, signature, deps);
  } finally {
    body.release();
  }
}

/** An answer that ends the connection: the rest of an unread body is never read. */
function refuse(status: number, message: string, headers: Record<string, string> = {}): HandlerResponse {
  return { status, body: { message }, headers: { ...headers, Connection: 'close' } };
}

/** Bytes of request bodies held in memory, all connections together, and the cap on them. */
class BodyBudget {
  private used = 0;
  constructor(public readonly limit: number) {}
  public take(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }
  public give(n: number): void {
    this.used -= n;
  }
}

type BodyRead = { bytes: Buffer; release: () => void } | 'too large' | 'busy' | 'aborted';

/**
 * The raw body, read only up to `limit` (declared or streamed) and only while the shared budget allows; the
 * first byte over either stops the read. The caller releases the budget once the body is handled.
 */
function readBody(req: IncomingMessage, limit: number, budget: BodyBudget): Promise<BodyRead> {
  return new Promise((resolve) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      resolve('too large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      if (typeof result === 'string') {
        req.pause();
        budget.give(size);
      }
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit) return finish('too large');
      if (!budget.take(chunk.length)) return finish('busy');
      size += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () => {
      let released = false;
      finish({
        bytes: Buffer.concat(chunks),
        release: () => {
          if (!released) budget.give(size);
          released = true;
        },
      });
    };
    const onClose = () => finish('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}

function send(res: ServerResponse, r: HandlerResponse): void {
  if (res.headersSent) return;
  const text = JSON.stringify(r.body);
  res.writeHead(r.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...r.headers,
  });
  res.end(text);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
