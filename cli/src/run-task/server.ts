import { IncomingMessage, Server, ServerResponse, createServer } from 'http';
import { AddressInfo } from 'net';
import { HandlerDeps, HandlerResponse, handleRunTaskPost } from './handler';
import { Logger } from './logger';
import { RunTaskOptions, withDefaults } from './options';
import { TaskSummary } from './run-task';
import { TaskQueue } from './task-queue';

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

  const server = createServer((req, res) => {
    route(req, deps)
      .then((r) => send(res, r))
      .catch((e: Error) => {
        log.error('request failed', { reason: e.message });
        send(res, { status: 500, body: { message: 'internal error' } });
      });
  });
  server.requestTimeout = options.requestTimeoutMs;
  server.headersTimeout = Math.min(options.requestTimeoutMs, 60_000);
  await listen(server, options.port, options.host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  log.info('listening', {
    url,
    path: options.path,
    allowedHosts: options.allowedHosts,
    maxConcurrentTasks: options.maxConcurrentTasks,
    maxQueuedTasks: options.maxQueuedTasks,
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

async function route(req: IncomingMessage, deps: HandlerDeps): Promise<HandlerResponse> {
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
  if (path !== deps.options.path) return { status: 404, body: { message: 'not found' } };
  if (req.method !== 'POST') return { status: 405, body: { message: 'POST only' } };
  const body = await readBody(req, deps.options.maxBodyBytes);
  if (body === undefined) {
    deps.log.warn('request refused: body too large', { limit: deps.options.maxBodyBytes });
    return {
      status: 413,
      body: { message: `body larger than ${deps.options.maxBodyBytes} bytes` },
      headers: { Connection: 'close' },
    };
  }
  return handleRunTaskPost(body, req.headers['x-tfc-task-signature'], deps);
}

/** The raw body, or undefined when it exceeds `limit` (declared or streamed). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
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
