import { ChildProcess, execFile, spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { connect } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { FakeHcpTerraform, postTask, startFakeHcpTerraform } from './fakes/hcp-terraform';
import { parseSuppressions } from '../cli/src/commands/check';
import { RUN_TASK_USAGE, runTaskCommand } from '../cli/src/commands/run-task';
import { main } from '../cli/src/main';
import { RunTaskServer } from '../cli/src/run-task';
import { runChecks } from '../lib/checklist/engine';
import { loadModel } from '../lib/checklist/model';

const ROOT = join(__dirname, '..');
const KEY = 'cli-run-task-hmac-key-0123456789abcdef';
const WEAKENED = readFileSync(join(__dirname, 'fixtures', 'weakened-plan.json'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'aoai-run-task-cli-'));
let fake: FakeHcpTerraform;

beforeAll(async () => {
  fake = await startFakeHcpTerraform();
  fake.addPlan('plan-weakened', { json: WEAKENED });
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the subcommand in-process until `stop` resolves; returns its exit code, output and the server. */
async function runInProcess(args: string[], env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  let release!: () => void;
  const stop = new Promise<void>((resolve) => (release = resolve));
  let server: RunTaskServer | undefined;
  const listening = new Promise<RunTaskServer>((resolve) => {
    void runTaskCommand(args, {
      out: (s) => (out += s),
      err: (s) => (err += s),
      env,
      stop,
      parseSuppressions,
      onListening: (s) => {
        server = s;
        resolve(s);
      },
    }).then((code) => {
      exit = code;
      if (!server) resolve(undefined as any);
    });
  });
  let exit: number | undefined;
  const s = await listening;
  return {
    server: s,
    stop: async () => {
      release();
      while (exit === undefined) await new Promise((r) => setTimeout(r, 5));
      return exit;
    },
    code: () => exit,
    out: () => out,
    err: () => err,
  };
}

/** Whether something accepts connections on 127.0.0.1:port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether any process of the (detached) child's process group is still alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

describe('aoai-harden run-task (the built CLI, as `npm run harden -- run-task` runs it)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  test('with AOAI_RUN_TASK_HMAC_KEY set: a signed weakened plan gets one failed callback with an outcome per error; an unsigned request none; SIGTERM stops it', async () => {
    child = spawn(process.execPath, ['scripts/cli.js', 'run-task', '--port', '0'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AOAI_RUN_TASK_HMAC_KEY: KEY,
        AOAI_RUN_TASK_ALLOWED_HOSTS: fake.host,
        AOAI_RUN_TASK_REDIRECT_HOSTS: fake.archivistHost,
      },
    });
    const lines: any[] = [];
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const waitFor = async (msg: string) => {
      for (let i = 0; i < 400 && !lines.some((l) => l.msg === msg); i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      const line = lines.find((l) => l.msg === msg);
      if (!line) throw new Error(`no "${msg}" log line; stderr: ${stderr}`);
      return line;
    };
    const { url } = await waitFor('listening');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const unsigned = fake.task({ taskResultId: 'cli-unsigned', planId: 'plan-weakened' }).body;
    expect((await postTask(url, unsigned, KEY, '')).status).toBe(401);
    const { body } = fake.task({ taskResultId: 'cli-weakened', planId: 'plan-weakened' });
    expect((await postTask(url, body, KEY)).status).toBe(200);
    await fake.waitForFinal(fake.finalCallbacks().length + 1);

    const callbacks = fake.callbacks.filter((c) => c.taskResultId.startsWith('cli-'));
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0].body.data.attributes.status).toBe('failed');
    const report = runChecks(loadModel(JSON.parse(WEAKENED)));
    const errorIds = report.findings
      .filter((f) => f.status === 'non-compliant' && f.severity === 'error')
      .map((f) => f.ruleId)
      .sort();
    expect(errorIds).toEqual(expect.arrayContaining(['AOAI-NET-001', 'AOAI-IAM-001', 'AOAI-CFP-001']));
    const failed = callbacks[0].body.data.relationships.outcomes.data
      .filter((o: any) => o.attributes.tags.Status[0].label === 'Failed')
      .map((o: any) => o.attributes['outcome-id'].split(':')[0])
      .sort();
    expect(failed).toEqual(errorIds);

    // SIGTERM to the `npm run harden` process alone (not its group): it is the server, so the signal reaches the
    // server, which stops, and nothing outlives it (it used to spawn the server as a child that did).
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    process.kill(child.pid!, 'SIGTERM');
    await waitFor('stopped');
    expect(await exited).toBe(0);
    expect(await portOpen(Number(new URL(url).port))).toBe(false);
    expect(groupAlive(child.pid!)).toBe(false);
    expect(JSON.stringify(lines)).not.toContain(KEY);
  }, 30_000);
});

describe('aoai-harden run-task options', () => {
  const quiet = { out: () => undefined, err: () => undefined };

  test('--help lists every environment variable with its default and exits 0; the main usage names run-task', async () => {
    let out = '';
    expect(await main(['run-task', '--help'], { out: (s) => (out += s), err: () => undefined })).toBe(0);
    expect(out).toBe(RUN_TASK_USAGE + '\n');
    for (const env of [
      'AOAI_RUN_TASK_PORT',
      'AOAI_RUN_TASK_HOST',
      'AOAI_RUN_TASK_ALLOWED_HOSTS',
      'AOAI_RUN_TASK_HMAC_KEY_FILE',
      'AOAI_RUN_TASK_FAIL_ON',
      'AOAI_RUN_TASK_SUPPRESSIONS',
      'AOAI_RUN_TASK_MAX_CONCURRENT',
      'AOAI_RUN_TASK_TASK_TIMEOUT_MS',
    ]) {
      expect(out).toContain(env);
    }
    expect(out).toMatch(/AOAI_RUN_TASK_ALLOWED_HOSTS\s+default app\.terraform\.io,app\.eu\.terraform\.io/);
    let usage = '';
    expect(await main(['--help'], { out: (s) => (usage += s), err: () => undefined })).toBe(0);
    expect(usage).toMatch(/^  run-task +serve the HCP Terraform run-task API/m);
  });

  test.each([
    [['--hmac-key', 'k'], { AOAI_RUN_TASK_HMAC_KEY: KEY }, '--hmac-key is not accepted'],
    [['--port', '0'], {}, 'no HMAC key: set AOAI_RUN_TASK_HMAC_KEY'],
    [
      ['--port', 'eighty'],
      { AOAI_RUN_TASK_HMAC_KEY: KEY },
      '--port (AOAI_RUN_TASK_PORT) must be a whole number',
    ],
    [['--fail-on', 'info'], { AOAI_RUN_TASK_HMAC_KEY: KEY }, 'must be error or warning'],
    [['--bogus', '1'], { AOAI_RUN_TASK_HMAC_KEY: KEY }, "Unknown option '--bogus'"],
    [
      [],
      { AOAI_RUN_TASK_HMAC_KEY: KEY, AOAI_RUN_TASK_ALLOWED_HOSTS: 'https://tfe.example.com' },
      'is not host or host:port',
    ],
    [['--hmac-key-file', '/nonexistent/key'], {}, 'cannot read it (ENOENT)'],
    [
      ['--rules-url', 'docs/rules.md'],
      { AOAI_RUN_TASK_HMAC_KEY: KEY },
      'rules URL "docs/rules.md" is not an https URL',
    ],
    [
      [],
      { AOAI_RUN_TASK_HMAC_KEY: KEY, AOAI_RUN_TASK_REDIRECT_HOSTS: 'archivist.terraform.io/v1' },
      'is not host or host:port',
    ],
    [
      ['--headers-timeout-ms', '20000'],
      { AOAI_RUN_TASK_HMAC_KEY: KEY },
      'headersTimeoutMs (20000) must not exceed requestTimeoutMs (10000)',
    ],
  ])('%j with %j exits 2: %s', async (args, env, message) => {
    let err = '';
    const code = await runTaskCommand(args, {
      ...quiet,
      err: (s) => (err += s),
      env,
      stop: Promise.resolve(),
      parseSuppressions: () => [],
    });
    expect(code).toBe(2);
    expect(err).toContain(message);
    // One line and the hint; the usage is for --help only.
    expect(err).toMatch(/^aoai-harden run-task: [^\n]+\nsee aoai-harden run-task --help\n$/);
  });

  test('the key file (final newline dropped), the allowlists, the rules URL and a suppressions file are applied', async () => {
    const keyFile = join(dir, 'hmac.key');
    writeFileSync(keyFile, `${KEY}\n`);
    const suppressions = join(dir, 'suppressions.json');
    writeFileSync(
      suppressions,
      JSON.stringify([
        {
          ruleId: 'AOAI-NET-001',
          address: 'azurerm_cognitive_account.aoai',
          reason: 'public access until the VPN cut-over, ticket SEC-1234',
          expiresOn: '2999-01-01',
        },
      ]),
    );
    const run = await runInProcess(
      ['--port', '0', '--hmac-key-file', keyFile, '--suppressions', suppressions],
      {
        AOAI_RUN_TASK_ALLOWED_HOSTS: fake.host,
        AOAI_RUN_TASK_REDIRECT_HOSTS: fake.archivistHost,
        AOAI_RUN_TASK_RULES_URL: 'https://git.contoso.example/aoai/docs/rules.md',
      },
    );
    const { body } = fake.task({ taskResultId: 'cli-suppressed', planId: 'plan-weakened' });
    expect((await postTask(run.server.url, body, KEY)).status).toBe(200);
    await fake.waitForFinal(fake.finalCallbacks().length + 1);
    const cb = fake.finalCallbacks('cli-suppressed')[0];
    const ids = cb.body.data.relationships.outcomes.data.map(
      (o: any) => o.attributes['outcome-id'].split(':')[0],
    );
    expect(cb.body.data.attributes.url).toBe('https://git.contoso.example/aoai/docs/rules.md');
    expect(cb.body.data.relationships.outcomes.data[0].attributes.url).toMatch(
      /^https:\/\/git\.contoso\.example\/aoai\/docs\/rules\.md#aoai-[a-z]+-\d{3}$/,
    );
    expect(ids).not.toContain('AOAI-NET-001');
    expect(ids).toContain('AOAI-IAM-001');
    expect(cb.body.data.attributes.message).toContain('1 suppressed');
    expect(await run.stop()).toBe(0);
    expect(run.out()).toContain('"msg":"stopped"');
  });
});

describe('README run-task section', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Enforce the checklist in HCP Terraform');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

  test('every flag and environment variable it names exists, with the default it states', () => {
    expect(start).toBeGreaterThan(0);
    const flags = [...new Set(section.match(/--[a-z][a-z-]+/g))];
    expect(flags.length).toBeGreaterThan(10);
    for (const flag of flags.filter((f) => f !== '--help')) expect(RUN_TASK_USAGE).toContain(`${flag} `);
    for (const env of new Set(section.match(/AOAI_RUN_TASK_[A-Z_]+/g))) expect(RUN_TASK_USAGE).toContain(env);
    const rows = [...section.matchAll(/^\| `(--[a-z-]+)` \| `(AOAI_RUN_TASK_[A-Z_]+)` \| `([^`]+)` \|/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const [, flag, env, def] of rows) {
      expect(RUN_TASK_USAGE).toMatch(
        new RegExp(`--${flag.slice(2)} +${env} +default ${def.replace(/\./g, '\\.')}\n`),
      );
    }
  });

  test('its health check and verification commands run as written against the server', async () => {
    const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks[0]).toContain('npm run harden -- run-task --port 8080');
    const run = await runInProcess(['--port', '0'], { AOAI_RUN_TASK_HMAC_KEY: KEY });
    try {
      // Asynchronously: the server runs in this process and must keep answering while bash waits.
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          'bash',
          ['-euo', 'pipefail', '-c', blocks[1].replace(/8080/g, String(run.server.port))],
          { env: { ...process.env, AOAI_RUN_TASK_HMAC_KEY: KEY }, encoding: 'utf8', timeout: 15_000 },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        ),
      );
      expect(out).toBe('{"status":"ok","active":0,"queued":0}{"message":"verified"}');
    } finally {
      await run.stop();
    }
  });
});
