import { ChildProcess, spawn } from 'child_process';
import { readFileSync } from 'fs';
import { Socket, connect } from 'net';
import { join } from 'path';
import {
  FakeHcpTerraform,
  postTask,
  sign,
  startConnectionCounter,
  startFakeHcpTerraform,
} from './fakes/hcp-terraform';
import { fakeServerOptions } from './fakes/run-task-options';
import { LogEntry, RunTaskOptions, RunTaskServer, startRunTaskServer } from '../cli/src/run-task';

/**
 * The run-task server's limits (issue 25): what an unauthenticated client can make it hold (connections, bytes,
 * time) and where a plan redirect may lead. Timeouts are scaled down (1-1.5 s) so the file stays fast; the
 * defaults hold the same way, since Node now checks them every 250 ms (server.ts).
 */

const ROOT = join(__dirname, '..');
const KEY = 'run-task-limits-hmac-key-0123456789';
const WEAKENED = readFileSync(join(__dirname, 'fixtures', 'weakened-plan.json'), 'utf8');
/** Well-formed (128 hex digits) and wrong: the server must read the body to find out. */
const WRONG_SIGNATURE = sign('another body', KEY);

let fake: FakeHcpTerraform;
let server: RunTaskServer | undefined;
let logs: LogEntry[];
const sockets: Socket[] = [];

beforeAll(async () => {
  fake = await startFakeHcpTerraform();
  fake.addPlan('plan-weakened', { json: WEAKENED });
});
afterAll(() => fake.close());
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  await server?.close();
  server = undefined;
});

async function start(overrides: Partial<RunTaskOptions> = {}): Promise<RunTaskServer> {
  logs = [];
  server = await startRunTaskServer(fakeServerOptions(fake, KEY, (e) => logs.push(e), overrides));
  return server;
}

interface RawExchange {
  readonly socket: Socket;
  /** The status line's code and when it arrived (performance.now()), or undefined if closed without one. */
  readonly answer: Promise<{ status?: number; at: number }>;
}

/** A hand-written request on a raw socket: `head` is sent at once (headers, maybe part of a body); nothing more. */
function raw(url: string, head: string): RawExchange {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  sockets.push(socket);
  socket.on('error', () => undefined);
  socket.write(head);
  let text = '';
  const answer = new Promise<{ status?: number; at: number }>((resolve) => {
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m) resolve({ status: Number(m[1]), at: performance.now() });
    });
    socket.on('close', () => resolve({ at: performance.now() }));
  });
  return { socket, answer };
}

const post = (headers: Record<string, string>, body = '') =>
  `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n${body}`;

describe('run task: requests that cannot be signed are refused before their body', () => {
  test('no signature, an empty one or a malformed one: 401 within a second of the headers, no byte of the body read', async () => {
    const s = await start();
    const cases: Array<Record<string, string>> = [
      {},
      { 'X-TFC-Task-Signature': '' },
      { 'X-TFC-Task-Signature': 'sha512=abc' },
    ];
    const sent = performance.now();
    // Each declares 64 KiB and sends none of it: the answer cannot wait for the body.
    const answers = await Promise.all(
      cases.map(
        (h) =>
          raw(s.url, post({ ...h, 'Content-Type': 'application/json', 'Content-Length': '65536' })).answer,
      ),
    );
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.at - sent).toBeLessThan(1000);
    }
    expect(
      logs.filter((l) => l.msg === 'request refused: signature').map((l) => [l.signature, l.bytes]),
    ).toEqual([
      ['missing', 0],
      ['missing', 0],
      ['malformed', 0],
    ]);
  });

  test('a body declared over 64 KiB gets 413 at once; a chunked one is cut at 64 KiB', async () => {
    const s = await start();
    const declared = await raw(
      s.url,
      post({ 'X-TFC-Task-Signature': WRONG_SIGNATURE, 'Content-Length': String(64 * 1024 + 1) }),
    ).answer;
    expect(declared.status).toBe(413);
    const chunk = 'x'.repeat(16 * 1024);
    const chunked = raw(
      s.url,
      post({ 'X-TFC-Task-Signature': WRONG_SIGNATURE, 'Transfer-Encoding': 'chunked' }),
    );
    for (let i = 0; i < 5; i++) chunked.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    expect((await chunked.answer).status).toBe(413);
  });
});

describe('run task: connection, buffer and time limits', () => {
  test('header and body timeouts hold within a second of their settings (408, connection closed)', async () => {
    const s = await start({ headersTimeoutMs: 1000, requestTimeoutMs: 1500 });
    const sent = performance.now();
    const headersStalled = raw(s.url, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const bodyStalled = raw(
      s.url,
      post({ 'X-TFC-Task-Signature': WRONG_SIGNATURE, 'Content-Length': '100' }, '{"pay'),
    );
    const [h, b] = await Promise.all([headersStalled.answer, bodyStalled.answer]);
    expect(h.status).toBe(408);
    expect(h.at - sent).toBeGreaterThanOrEqual(1000);
    expect(h.at - sent).toBeLessThan(2000);
    expect(b.status).toBe(408);
    expect(b.at - sent).toBeGreaterThanOrEqual(1500);
    expect(b.at - sent).toBeLessThan(2500);
  });

  test('bodies buffered across connections are capped: over the cap, 503 with Retry-After', async () => {
    const s = await start({ maxBufferedBytes: 100 * 1024 });
    const part = 'x'.repeat(60 * 1024);
    const first = raw(
      s.url,
      post({ 'X-TFC-Task-Signature': WRONG_SIGNATURE, 'Content-Length': '65000' }, part),
    );
    await new Promise((r) => setTimeout(r, 100)); // the server holds the first 60 KiB
    const second = raw(
      s.url,
      post({ 'X-TFC-Task-Signature': WRONG_SIGNATURE, 'Content-Length': '65000' }, part),
    );
    expect((await second.answer).status).toBe(503);
    expect(logs.some((l) => l.msg === 'request refused: buffered bodies at their limit')).toBe(true);
    first.socket.write('x'.repeat(65000 - part.length)); // complete: read, then refused for its signature
    expect((await first.answer).status).toBe(403);
    // Both released their bytes: a signed task is accepted and judged.
    const { body } = fake.task({ taskResultId: 'lim-after-buffer', planId: 'plan-weakened' });
    expect((await postTask(s.url, body, KEY)).status).toBe(200);
    await fake.waitForFinal(fake.finalCallbacks().length + 1);
  });

  test('connections beyond maxConnections are closed at once, without an answer', async () => {
    const s = await start({ maxConnections: 3 });
    const held = [0, 1, 2].map(() => raw(s.url, 'POST / HTTP/1.1\r\n'));
    await new Promise((r) => setTimeout(r, 100));
    const extra = await raw(s.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n').answer;
    expect(extra.status).toBeUndefined();
    held.forEach((h) => h.socket.destroy());
  });
});

describe('run task: where the token and a redirect may go', () => {
  test('a redirect to a host:port off both lists gets no connection, and the task fails closed', async () => {
    const elsewhere = await startConnectionCounter();
    try {
      // Same host (127.0.0.1) as the allowlisted API, another port: entries match host AND port.
      fake.addPlan('plan-redirect-off-list', {
        json: WEAKENED,
        redirectTo: `http://${elsewhere.host}/v1/object/plan-redirect-off-list`,
      });
      await start();
      const { body } = fake.task({ taskResultId: 'lim-redirect-off', planId: 'plan-redirect-off-list' });
      const before = fake.finalCallbacks().length;
      expect((await postTask(server!.url, body, KEY)).status).toBe(200);
      await fake.waitForFinal(before + 1);
      const cb = fake.finalCallbacks('lim-redirect-off')[0];
      expect(cb.body.data.attributes.status).toBe('failed');
      expect(cb.body.data.attributes.message).toContain(
        `redirect not followed: ${elsewhere.host} is not in AOAI_RUN_TASK_ALLOWED_HOSTS or AOAI_RUN_TASK_REDIRECT_HOSTS`,
      );
      expect(elsewhere.connections()).toBe(0);
      // Not retried: one json-output request.
      expect(fake.planRequests.filter((r) => r.planId === 'plan-redirect-off-list')).toHaveLength(1);
    } finally {
      await elsewhere.close();
    }
  });

  test('an allowlist entry without a port allows the default port only', async () => {
    // 127.0.0.1 (no port) stands for 127.0.0.1:80: the fake's own port is not allowed, so nothing is fetched.
    await start({ allowedHosts: ['127.0.0.1'] });
    const { body } = fake.task({ taskResultId: 'lim-no-port', planId: 'plan-weakened' });
    const answer = await postTask(server!.url, body, KEY);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain(`${fake.host} is not in AOAI_RUN_TASK_ALLOWED_HOSTS (127.0.0.1)`);
  });

  test('a cross-host redirect drops the token even to a host that may receive it', async () => {
    // The object store is on the token list here; the redirect still leaves the plan URL's origin.
    await start({ allowedHosts: [fake.host, fake.archivistHost], redirectHosts: [] });
    fake.addPlan('plan-cross-host', { json: WEAKENED });
    const { body } = fake.task({ taskResultId: 'lim-cross-host', planId: 'plan-cross-host' });
    expect((await postTask(server!.url, body, KEY)).status).toBe(200);
    await fake.waitForFinal(fake.finalCallbacks().length + 1);
    expect(fake.finalCallbacks('lim-cross-host')[0].body.data.attributes.status).toBe('failed');
    expect(
      fake.planRequests.filter((r) => r.planId === 'plan-cross-host').map((r) => r.authorization),
    ).toEqual(['Bearer fake-run-token.atlasv1.lim-cross-host']);
    expect(
      fake.redirectedRequests.filter((r) => r.planId === 'plan-cross-host').map((r) => r.authorization),
    ).toEqual([undefined]);
  });
});

/** Resident memory of a process, now and at its peak (Linux /proc), in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

describe('run task: memory under stalled connections (the built CLI, in a child process)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  test('300 stalled connections with wrong signatures and 1 MiB bodies keep resident memory within +64 MiB', async () => {
    child = spawn(process.execPath, ['scripts/cli.js', 'run-task', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AOAI_RUN_TASK_HMAC_KEY: KEY },
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
        if (line) resolve(JSON.parse(line).url);
      });
      child!.once('exit', (code) => reject(new Error(`run-task exited ${code}`)));
    });
    // A warm server: one refused request has gone through every path an attacker's does.
    await raw(url, post({ 'X-TFC-Task-Signature': WRONG_SIGNATURE, 'Content-Length': '2' }, '{}')).answer;
    const before = memoryOf(child.pid!);
    const MiB = 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const stalled = Array.from({ length: 300 }, (_, i) => {
      // Half declare 1 MiB, half stream it chunked; each writes only as fast as the server reads, then stalls.
      const ex = raw(
        url,
        post(
          i % 2
            ? { 'X-TFC-Task-Signature': WRONG_SIGNATURE, 'Content-Length': String(MiB) }
            : { 'X-TFC-Task-Signature': WRONG_SIGNATURE, 'Transfer-Encoding': 'chunked' },
        ),
      );
      let sent = 0;
      const pump = () => {
        while (sent < MiB - chunk.length && !ex.socket.destroyed) {
          sent += chunk.length;
          const ok = i % 2 ? ex.socket.write(chunk) : ex.socket.write(`10000\r\n${chunk}\r\n`);
          if (!ok) return;
        }
      };
      ex.socket.on('drain', pump);
      pump();
      return ex;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const after = memoryOf(child.pid!);
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).catch(
      () => undefined,
    );
    stalled.forEach((s) => s.socket.destroy());
    expect(after.peak - before.rss).toBeLessThan(64 * MiB);
    // Still serving while they stall (or shedding them: a closed extra connection is an answer too).
    expect([200, undefined]).toContain(health?.status);
  }, 15_000);
});
