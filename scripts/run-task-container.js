#!/usr/bin/env node
// The run-task image's entrypoint without Docker (issue 26; there is no Docker here): cli/Dockerfile's ENTRYPOINT
// run as the image runs it, with the image's ENV, from a given aoai-harden bin, on loopback only. One HMAC-signed
// post_plan task is answered 200 and judged (the weakened plan fixture, served by a loopback stand-in for HCP
// Terraform, fails with its outcomes in the callback); the image's HEALTHCHECK command passes while it serves;
// SIGTERM (what `docker stop` sends to the entrypoint) ends it with exit code 0 and no process of its group left.
// Used by __tests__/run-task-container.test.ts (the bundle) and scripts/tarball-smoke.js (the installed tarball).
// Usage: node scripts/run-task-container.js <aoai-harden bin>
const { spawn, spawnSync } = require('child_process');
const { createHmac } = require('crypto');
const { readFileSync } = require('fs');
const { createServer } = require('http');
const { dirname, delimiter, join } = require('path');
const { parseDockerfile } = require('./dockerfile');

const ROOT = join(__dirname, '..');
const KEY = 'run-task-container-hmac-key-0123456789abcdef';
const TOKEN = 'container-run-token.atlasv1.0123456789';

/** cli/Dockerfile, read. */
function readImage() {
  return parseDockerfile(readFileSync(join(ROOT, 'cli', 'Dockerfile'), 'utf8'));
}

/** A loopback stand-in for HCP Terraform: the plan JSON at /plan (bearer token required), callbacks recorded. */
function startFake(planJson) {
  const callbacks = [];
  let notify = () => undefined;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/plan') {
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return res.writeHead(401).end();
        return res.writeHead(200, { 'Content-Type': 'application/json' }).end(planJson);
      }
      if (req.method === 'PATCH' && req.url === '/callback') {
        callbacks.push(JSON.parse(body));
        res.writeHead(200).end();
        return notify();
      }
      res.writeHead(404).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        host: `127.0.0.1:${port}`,
        url: `http://127.0.0.1:${port}`,
        callbacks,
        /** The final (passed/failed) callback, once it arrives. */
        final: (timeoutMs) =>
          new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error('no final callback within the timeout')), timeoutMs);
            const check = () => {
              const last = callbacks.find((c) => ['passed', 'failed'].includes(c.data?.attributes?.status));
              if (last) {
                clearTimeout(timer);
                done(last);
              }
            };
            notify = check;
            check();
          }),
        close: () => new Promise((r) => server.close(r)),
      });
    }),
  );
}

/** Whether any process of the group `pid` leads is alive. */
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    if (e.code === 'ESRCH') return false;
    throw e;
  }
}

/** Runs the image's HEALTHCHECK command as Docker would in the container (its ENV), against `port`. */
function healthcheck(image, env, port) {
  const [command, ...args] = image.healthcheck.cmd;
  return spawnSync(command === 'node' ? process.execPath : command, args, {
    env: { ...env, AOAI_RUN_TASK_PORT: String(port) },
    encoding: 'utf8',
    timeout: 10_000,
  }).status;
}

/**
 * Runs `bin` as the image's ENTRYPOINT (the bin stands for the installed `aoai-harden` on the image's PATH) and
 * returns what happened; throws when a step fails. The image listens on 0.0.0.0 inside its own network namespace;
 * here the host is loopback (AOAI_RUN_TASK_HOST=127.0.0.1) and the port a free one.
 */
async function exerciseEntrypoint(bin, image = readImage()) {
  const plan = readFileSync(join(ROOT, '__tests__', 'fixtures', 'weakened-plan.json'), 'utf8');
  const fake = await startFake(plan);
  const env = {
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    ...image.env,
    AOAI_RUN_TASK_HOST: '127.0.0.1',
    AOAI_RUN_TASK_PORT: '0',
    AOAI_RUN_TASK_HMAC_KEY: KEY,
    AOAI_RUN_TASK_ALLOWED_HOSTS: fake.host,
  };
  const [, ...args] = image.entrypoint;
  const child = spawn(bin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = [];
  let stderr = '';
  let buffered = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => {
    buffered += d;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) if (line.trim()) logs.push(JSON.parse(line));
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    let listening;
    for (let i = 0; i < 400 && !(listening = logs.find((l) => l.msg === 'listening')); i++) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!listening) throw new Error(`the entrypoint did not listen; stderr: ${stderr}`);
    const port = Number(new URL(listening.url).port);
    const body = JSON.stringify({
      payload_version: 1,
      stage: 'post_plan',
      access_token: TOKEN,
      capabilities: { outcomes: true },
      plan_json_api_url: `${fake.url}/plan`,
      task_result_callback_url: `${fake.url}/callback`,
      task_result_enforcement_level: 'mandatory',
      task_result_id: 'taskrs-container',
      run_id: 'run-container',
      organization_name: 'contoso',
      workspace_name: 'aoai-prod',
      is_speculative: false,
    });
    const answer = await fetch(`${listening.url}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-TFC-Task-Signature': createHmac('sha512', KEY).update(body).digest('hex'),
      },
      body,
    });
    const callback = await fake.final(20_000);
    const health = healthcheck(image, env, port);
    process.kill(child.pid, 'SIGTERM');
    const exit = await exited;
    const result = {
      url: listening.url,
      answer: answer.status,
      status: callback.data.attributes.status,
      outcomes: callback.data.relationships?.outcomes?.data?.length ?? 0,
      health,
      exit: exit.code,
      stopped: logs.some((l) => l.msg === 'stopped'),
      groupLeft: groupAlive(child.pid),
      healthAfterStop: healthcheck(image, env, port),
    };
    return result;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await fake.close();
  }
}

/** The checks both callers make on exerciseEntrypoint's result; the problems found (none: it passed). */
function entrypointProblems(r) {
  const problems = [];
  if (r.answer !== 200) problems.push(`the signed task was answered ${r.answer}, not 200`);
  if (r.status !== 'failed' || r.outcomes === 0) problems.push(`the weakened plan's callback is ${r.status} with ${r.outcomes} outcomes`);
  if (r.health !== 0) problems.push(`the HEALTHCHECK command exited ${r.health} while the server served`);
  if (r.exit !== 0 || !r.stopped) problems.push(`SIGTERM: exit code ${r.exit}, "stopped" logged: ${r.stopped}`);
  if (r.groupLeft) problems.push('a process of the entrypoint outlived it');
  if (r.healthAfterStop === 0) problems.push('the HEALTHCHECK command passed after the server stopped');
  return problems;
}

module.exports = { exerciseEntrypoint, entrypointProblems, readImage };

if (require.main === module) {
  exerciseEntrypoint(process.argv[2]).then(
    (r) => {
      const problems = entrypointProblems(r);
      console.log(JSON.stringify(r));
      if (problems.length) {
        console.error(problems.join('\n'));
        process.exitCode = 1;
      }
    },
    (e) => {
      console.error(e.message);
      process.exitCode = 1;
    },
  );
}
