// Network failures say their cause (issue 26): Node's fetch reports every one as "fetch failed" and keeps the
// reason (ECONNREFUSED, ENOTFOUND, a timeout) in `cause`; the run task's plan download and callbacks and verify's
// requests print it. Loopback only: a port that was just free refuses the connection.
import { createServer } from 'net';
import { networkErrorText } from '../cli/src/network-error';
import { fetchPlanJson } from '../cli/src/run-task/plan-fetcher';

/** A loopback port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('a refused connection: "fetch failed (connect ECONNREFUSED 127.0.0.1:<port>)"', async () => {
  const port = await closedPort();
  const error = await fetch(`http://127.0.0.1:${port}/`).catch((e) => e);
  expect(error.message).toBe('fetch failed'); // what the tool used to print, and nothing else
  expect(networkErrorText(error)).toBe(`fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`);
});

test('a cause without a message (an AggregateError per address tried) says its code and the inner messages', () => {
  const cause = Object.assign(
    new AggregateError(
      [new Error('connect ECONNREFUSED ::1:8443'), new Error('connect ECONNREFUSED 127.0.0.1:8443')],
      '',
    ),
    { code: 'ECONNREFUSED' },
  );
  expect(networkErrorText(new TypeError('fetch failed', { cause }))).toBe(
    'fetch failed (connect ECONNREFUSED ::1:8443; connect ECONNREFUSED 127.0.0.1:8443)',
  );
  const coded = Object.assign(new Error(''), { code: 'UND_ERR_CONNECT_TIMEOUT' });
  expect(networkErrorText(new TypeError('fetch failed', { cause: coded }))).toBe(
    'fetch failed (UND_ERR_CONNECT_TIMEOUT)',
  );
  expect(networkErrorText(new Error('plain'))).toBe('plain');
});

test("the run task's plan download names the cause when HCP Terraform cannot be reached", async () => {
  const port = await closedPort();
  const failure = fetchPlanJson(`http://127.0.0.1:${port}/api/v2/plans/plan-1/json-output`, 'token', {
    fetch,
    allowedHosts: [`127.0.0.1:${port}`],
    redirectHosts: [],
    now: Date.now,
    maxPlanBytes: 1024,
    planTimeoutMs: 5000,
    retry: { attempts: 1, backoffMs: 1, maxBackoffMs: 1, sleep: async () => undefined, random: () => 0.5 },
  });
  await expect(failure).rejects.toThrow(
    `could not download the plan JSON after 1 attempt(s): network error: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`,
  );
});
