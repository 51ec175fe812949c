import { readFileSync } from 'fs';
import { parseArgs } from 'util';
import { Exemption, InputError } from '../core';
import {
  RULES_DOC_URL,
  RunTaskOptions,
  RunTaskServer,
  parseAllowedHosts,
  parseRedirectHosts,
  startRunTaskServer,
} from '../run-task';

/** Numeric settings: flag, environment variable, option, default (the defaults of cli/src/run-task/options.ts). */
const NUMBERS: ReadonlyArray<{
  flag: string;
  env: string;
  option: keyof RunTaskOptions;
  def: number;
  help: string;
}> = [
  {
    flag: 'port',
    env: 'AOAI_RUN_TASK_PORT',
    option: 'port',
    def: 8080,
    help: 'port to listen on (0: any free port)',
  },
  {
    flag: 'max-concurrent',
    env: 'AOAI_RUN_TASK_MAX_CONCURRENT',
    option: 'maxConcurrentTasks',
    def: 8,
    help: 'tasks judged at once',
  },
  {
    flag: 'max-queued',
    env: 'AOAI_RUN_TASK_MAX_QUEUED',
    option: 'maxQueuedTasks',
    def: 1000,
    help: 'tasks waiting; beyond it the POST gets 503',
  },
  {
    flag: 'max-body-bytes',
    env: 'AOAI_RUN_TASK_MAX_BODY_BYTES',
    option: 'maxBodyBytes',
    def: 65536,
    help: 'largest request body (413 above)',
  },
  {
    flag: 'max-buffered-bytes',
    env: 'AOAI_RUN_TASK_MAX_BUFFERED_BYTES',
    option: 'maxBufferedBytes',
    def: 8388608,
    help: 'request bodies in memory at once, all connections (503 above)',
  },
  {
    flag: 'max-connections',
    env: 'AOAI_RUN_TASK_MAX_CONNECTIONS',
    option: 'maxConnections',
    def: 256,
    help: 'open connections; more are closed at once',
  },
  {
    flag: 'headers-timeout-ms',
    env: 'AOAI_RUN_TASK_HEADERS_TIMEOUT_MS',
    option: 'headersTimeoutMs',
    def: 5000,
    help: 'time to receive the request headers (then 408, connection closed)',
  },
  {
    flag: 'request-timeout-ms',
    env: 'AOAI_RUN_TASK_REQUEST_TIMEOUT_MS',
    option: 'requestTimeoutMs',
    def: 10000,
    help: 'time to receive the whole request (then 408, connection closed)',
  },
  {
    flag: 'max-plan-bytes',
    env: 'AOAI_RUN_TASK_MAX_PLAN_BYTES',
    option: 'maxPlanBytes',
    def: 67108864,
    help: 'largest plan JSON (task fails above)',
  },
  {
    flag: 'plan-timeout-ms',
    env: 'AOAI_RUN_TASK_PLAN_TIMEOUT_MS',
    option: 'planTimeoutMs',
    def: 30000,
    help: 'one plan download attempt',
  },
  {
    flag: 'plan-attempts',
    env: 'AOAI_RUN_TASK_PLAN_ATTEMPTS',
    option: 'planAttempts',
    def: 5,
    help: 'plan download attempts (204, 429, 5xx, network errors retried)',
  },
  {
    flag: 'callback-timeout-ms',
    env: 'AOAI_RUN_TASK_CALLBACK_TIMEOUT_MS',
    option: 'callbackTimeoutMs',
    def: 10000,
    help: 'one callback attempt',
  },
  {
    flag: 'callback-attempts',
    env: 'AOAI_RUN_TASK_CALLBACK_ATTEMPTS',
    option: 'callbackAttempts',
    def: 5,
    help: 'callback attempts (429, 5xx, network errors retried)',
  },
  {
    flag: 'task-timeout-ms',
    env: 'AOAI_RUN_TASK_TASK_TIMEOUT_MS',
    option: 'taskTimeoutMs',
    def: 540000,
    help: 'whole task; reported failed after it',
  },
  {
    flag: 'shutdown-timeout-ms',
    env: 'AOAI_RUN_TASK_SHUTDOWN_TIMEOUT_MS',
    option: 'shutdownTimeoutMs',
    def: 60000,
    help: 'wait for accepted tasks on SIGTERM/SIGINT',
  },
];

const STRINGS = [
  {
    flag: 'host',
    env: 'AOAI_RUN_TASK_HOST',
    def: '127.0.0.1',
    help: 'address to bind (0.0.0.0 in a container)',
  },
  { flag: 'path', env: 'AOAI_RUN_TASK_PATH', def: '/', help: 'path HCP Terraform posts to' },
  {
    flag: 'allowed-hosts',
    env: 'AOAI_RUN_TASK_ALLOWED_HOSTS',
    def: 'app.terraform.io,app.eu.terraform.io',
    help: 'host[:port] list that may receive the run token (no port: 443); add your Terraform Enterprise host',
  },
  {
    flag: 'redirect-hosts',
    env: 'AOAI_RUN_TASK_REDIRECT_HOSTS',
    def: 'archivist.terraform.io',
    help: 'host[:port] list a plan download may be redirected to, without the token; any other redirect fails the task',
  },
  {
    flag: 'rules-url',
    env: 'AOAI_RUN_TASK_RULES_URL',
    def: RULES_DOC_URL,
    help: 'rules page the result links to, each outcome to its rule anchor there; none: no links',
  },
  {
    flag: 'fail-on',
    env: 'AOAI_RUN_TASK_FAIL_ON',
    def: 'error',
    help: 'error | warning: the lowest severity that fails the task',
  },
  {
    flag: 'suppressions',
    env: 'AOAI_RUN_TASK_SUPPRESSIONS',
    def: '',
    help: 'suppressions file (as for `check`), applied to every plan',
  },
  {
    flag: 'hmac-key-file',
    env: 'AOAI_RUN_TASK_HMAC_KEY_FILE',
    def: '',
    help: 'file holding the HMAC key (instead of AOAI_RUN_TASK_HMAC_KEY)',
  },
] as const;

export const RUN_TASK_USAGE = `usage: aoai-harden run-task [--port <p>] [options]

Serves the HCP Terraform run-task API: verifies X-TFC-Task-Signature, answers 200, judges the plan of post_plan and
pre_apply runs with the hardening checklist, and reports passed/failed with one outcome per finding.

The HMAC key comes from AOAI_RUN_TASK_HMAC_KEY, or from a file (--hmac-key-file / AOAI_RUN_TASK_HMAC_KEY_FILE);
never from a flag. Every flag has an environment variable; the flag wins.

${[...NUMBERS.map((n) => ({ flag: n.flag, env: n.env, def: String(n.def), help: n.help })), ...STRINGS]
  .map(
    (o) => `  --${`${o.flag} `.padEnd(22)}${o.env.padEnd(36)}default ${o.def || '(none)'}\n      ${o.help}`,
  )
  .join('\n')}

GET /healthz answers 200 while serving. SIGTERM or SIGINT stops accepting and finishes accepted tasks.`;

export interface RunTaskCommandDeps {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Resolves when the server should stop. @default the first SIGTERM or SIGINT */
  readonly stop?: Promise<unknown>;
  /** Reads a suppressions file's JSON (the `check` command's format), so both commands accept the same file. */
  readonly parseSuppressions: (json: unknown) => Exemption[];
  /** Called once the server listens (tests read the port from it). */
  readonly onListening?: (server: RunTaskServer) => void;
}

/** `aoai-harden run-task`: 0 after a graceful stop, 2 on bad input. */
export async function runTaskCommand(args: string[], deps: RunTaskCommandDeps): Promise<number> {
  let options: RunTaskOptions;
  try {
    const parsed = parseOptions(args, deps.env ?? process.env, deps.parseSuppressions);
    if (parsed === 'help') {
      deps.out(RUN_TASK_USAGE + '\n');
      return 0;
    }
    options = { ...parsed, log: (e) => deps.out(JSON.stringify(e) + '\n') };
  } catch (e) {
    deps.err(`aoai-harden run-task: ${(e as Error).message}\nsee aoai-harden run-task --help\n`);
    return 2;
  }
  let server: RunTaskServer;
  try {
    server = await startRunTaskServer(options);
  } catch (e) {
    // The server's option checks name themselves "run-task: ..." (a bad flag or variable: the hint follows);
    // anything else is the listen failing (EADDRINUSE, EACCES), said with its code.
    const message = (e as Error).message;
    const option = message.startsWith('run-task: ');
    deps.err(
      `aoai-harden run-task: ${option ? message.slice('run-task: '.length) : message}\n${option ? 'see aoai-harden run-task --help\n' : ''}`,
    );
    return 2;
  }
  deps.onListening?.(server);
  await (deps.stop ?? signalled());
  await server.close();
  return 0;
}

function signalled(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
  });
}

function parseOptions(
  args: string[],
  env: NodeJS.ProcessEnv,
  parseSuppressions: (json: unknown) => Exemption[],
): RunTaskOptions | 'help' {
  if (args.some((a) => a === '--hmac-key' || a.startsWith('--hmac-key='))) {
    throw new InputError(
      '--hmac-key is not accepted: a key on the command line ends up in shell history and process lists. Set AOAI_RUN_TASK_HMAC_KEY or use --hmac-key-file.',
    );
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean' },
        ...Object.fromEntries([...NUMBERS, ...STRINGS].map((o) => [o.flag, { type: 'string' as const }])),
      },
    }).values;
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  if (values.help) return 'help';
  const pick = (flag: string, envName: string) => {
    const v = (values[flag] as string | undefined) ?? env[envName];
    return v === undefined || v === '' ? undefined : v;
  };
  const numbers: Record<string, number> = {};
  for (const n of NUMBERS) {
    const raw = pick(n.flag, n.env);
    if (raw === undefined) continue;
    if (!/^\d+$/.test(raw)) {
      throw new InputError(`--${n.flag} (${n.env}) must be a whole number, not "${raw}"`);
    }
    numbers[n.option] = Number(raw);
  }
  const failOn = pick('fail-on', 'AOAI_RUN_TASK_FAIL_ON') ?? 'error';
  if (failOn !== 'error' && failOn !== 'warning') {
    throw new InputError(`--fail-on (AOAI_RUN_TASK_FAIL_ON) must be error or warning, not "${failOn}"`);
  }
  const suppressionsFile = pick('suppressions', 'AOAI_RUN_TASK_SUPPRESSIONS');
  return {
    ...numbers,
    hmacKey: readHmacKey(pick('hmac-key-file', 'AOAI_RUN_TASK_HMAC_KEY_FILE'), env.AOAI_RUN_TASK_HMAC_KEY),
    host: pick('host', 'AOAI_RUN_TASK_HOST'),
    path: pick('path', 'AOAI_RUN_TASK_PATH'),
    allowedHosts: parseAllowedHosts(pick('allowed-hosts', 'AOAI_RUN_TASK_ALLOWED_HOSTS')),
    redirectHosts: parseRedirectHosts(pick('redirect-hosts', 'AOAI_RUN_TASK_REDIRECT_HOSTS')),
    rulesUrl: pick('rules-url', 'AOAI_RUN_TASK_RULES_URL'),
    failOnWarnings: failOn === 'warning',
    exemptions: suppressionsFile ? parseSuppressions(readJsonFile(suppressionsFile)) : [],
  };
}

function readHmacKey(file: string | undefined, fromEnv: string | undefined): string {
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(
        `HMAC key file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
    // Editors and `echo` add a final newline; the key itself is the first line.
    const key = text.replace(/\r?\n$/, '');
    if (!key) throw new InputError(`HMAC key file ${file} is empty`);
    return key;
  }
  if (fromEnv) return fromEnv;
  throw new InputError(
    'no HMAC key: set AOAI_RUN_TASK_HMAC_KEY or AOAI_RUN_TASK_HMAC_KEY_FILE to the key configured on the run task in HCP Terraform',
  );
}

function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`suppressions file ${file}: ${(e as Error).message}`);
  }
}
