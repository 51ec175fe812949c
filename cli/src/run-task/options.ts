import { DOCS_BASE_URL, Exemption } from '../core';

/**
 * Hosts HCP Terraform sends run-task requests from, and so the hosts that may receive the run's bearer token:
 * HCP Terraform (app.terraform.io, the sample URLs of docs/field-facts.md section 3.1) and HCP Terraform Europe
 * (app.eu.terraform.io, https://developer.hashicorp.com/terraform/cloud-docs/europe). A Terraform Enterprise
 * host is added explicitly through AOAI_RUN_TASK_ALLOWED_HOSTS.
 */
export const HCP_TERRAFORM_HOSTS: readonly string[] = ['app.terraform.io', 'app.eu.terraform.io'];

/** Where a finding's fix is documented (the generated rules page, under the one docs base URL of .projenrc.ts). */
export const RULES_DOC_URL = `${DOCS_BASE_URL}/rules.md`;

/**
 * Hosts a plan download may be redirected to, never given the run's token: HCP Terraform's object store,
 * archivist.terraform.io, where json-output's 307 points (its temporary URL authenticates itself; the plans API
 * reference shows archivist.terraform.io object URLs, docs/field-facts.md 3.8). A Terraform Enterprise or
 * HCP Terraform Europe object host is added through AOAI_RUN_TASK_REDIRECT_HOSTS.
 */
export const PLAN_REDIRECT_HOSTS: readonly string[] = ['archivist.terraform.io'];

/** One JSON log entry; never holds a token or the HMAC key. */
export type LogEntry = Record<string, unknown> & {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
};

/** Everything the server can be told; every field is optional and defaulted once, in `withDefaults`. */
export interface RunTaskOptions {
  /** The run task's HMAC key (HMAC-SHA512 of the raw body, docs/field-facts.md 3.2). Required: unsigned requests are refused. */
  readonly hmacKey: string;
  /** Port to listen on. @default 8080 (0 picks a free port) */
  readonly port?: number;
  /** Address to bind. @default '127.0.0.1' - put a TLS proxy in front; bind 0.0.0.0 only in a container */
  readonly host?: string;
  /** Request path HCP Terraform posts to. @default '/' */
  readonly path?: string;
  /**
   * Hosts (`host` or `host:port`; no port means the scheme's default, 443 for https) that may receive the bearer
   * token: plan download and callback. @default HCP_TERRAFORM_HOSTS
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Further hosts (`host` or `host:port`) a plan download may be redirected to; they never get the token (a
   * redirect to another host drops it). A redirect anywhere else is not followed and fails the task.
   * @default PLAN_REDIRECT_HOSTS
   */
  readonly redirectHosts?: readonly string[];
  /** Fail the task on warning-level findings too. @default false - warnings become advisory outcomes */
  readonly failOnWarnings?: boolean;
  /** Extra exemptions (a suppressions file), each with its reason. @default - none */
  readonly exemptions?: readonly Exemption[];
  /** Largest accepted request body. @default 64 KiB (the payload is a few KB; 413 above) */
  readonly maxBodyBytes?: number;
  /** Request bodies held in memory at once, all connections together; beyond it 503. @default 8 MiB */
  readonly maxBufferedBytes?: number;
  /** Open connections; more are closed at once (Node's server.maxConnections). @default 256 */
  readonly maxConnections?: number;
  /** Largest accepted plan JSON. @default 64 MiB */
  readonly maxPlanBytes?: number;
  /** Tasks judged at the same time. @default 8 */
  readonly maxConcurrentTasks?: number;
  /** Accepted tasks waiting for a slot; beyond it the POST gets 503 and HCP Terraform retries. @default 1000 */
  readonly maxQueuedTasks?: number;
  /** Time to receive a request's headers; then 408 and the connection is closed. @default 5000 */
  readonly headersTimeoutMs?: number;
  /** Time to receive a whole request, body included; then 408 and the connection is closed. @default 10000 */
  readonly requestTimeoutMs?: number;
  /** Time for one plan download attempt, redirect included. @default 30000 */
  readonly planTimeoutMs?: number;
  /** Time for one callback attempt. @default 10000 */
  readonly callbackTimeoutMs?: number;
  /** Time for the whole task before it is reported failed (HCP Terraform errors a task after 10 minutes without progress). @default 540000 */
  readonly taskTimeoutMs?: number;
  /** Send a `running` update when a task is not done after this long. @default 30000 */
  readonly progressAfterMs?: number;
  /** Attempts for the plan download (204 "not ready", 429, 5xx and network errors are retried). @default 5 */
  readonly planAttempts?: number;
  /** Attempts for each callback (429, 5xx and network errors are retried). @default 5 */
  readonly callbackAttempts?: number;
  /** First retry delay; doubles each attempt, with jitter. @default 500 */
  readonly backoffMs?: number;
  /** Longest retry delay. @default 10000 */
  readonly maxBackoffMs?: number;
  /** How long `close()` waits for queued and running tasks. @default 60000 */
  readonly shutdownTimeoutMs?: number;
  /**
   * Where the rules are documented: the result links to it and each outcome to its rule's anchor (`#aoai-net-001`).
   * Your own copy of docs/rules.md (e.g. inside your network), or `none` for no links. @default RULES_DOC_URL
   */
  readonly rulesUrl?: string;
  /** HTTP client for the plan download and callbacks. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Clock (epoch ms), for logs, latencies and suppression expiry. @default Date.now */
  readonly now?: () => number;
  /** Waits between retries. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Receives each structured log entry. @default one JSON line on stdout */
  readonly log?: (entry: LogEntry) => void;
}

export type ResolvedOptions = Required<Omit<RunTaskOptions, 'rulesUrl'>> & { readonly rulesUrl?: string };

export function withDefaults(options: RunTaskOptions): ResolvedOptions {
  if (typeof options.hmacKey !== 'string' || options.hmacKey.length === 0) {
    throw new Error(
      'run-task: no HMAC key. Set AOAI_RUN_TASK_HMAC_KEY or AOAI_RUN_TASK_HMAC_KEY_FILE to the key configured on the run task in HCP Terraform.',
    );
  }
  const resolved: ResolvedOptions = {
    port: 8080,
    host: '127.0.0.1',
    path: '/',
    allowedHosts: HCP_TERRAFORM_HOSTS,
    redirectHosts: PLAN_REDIRECT_HOSTS,
    failOnWarnings: false,
    exemptions: [],
    maxBodyBytes: 64 * 1024,
    maxBufferedBytes: 8 * 1024 * 1024,
    maxConnections: 256,
    maxPlanBytes: 64 * 1024 * 1024,
    maxConcurrentTasks: 8,
    maxQueuedTasks: 1000,
    headersTimeoutMs: 5_000,
    requestTimeoutMs: 10_000,
    planTimeoutMs: 30_000,
    callbackTimeoutMs: 10_000,
    taskTimeoutMs: 540_000,
    progressAfterMs: 30_000,
    planAttempts: 5,
    callbackAttempts: 5,
    backoffMs: 500,
    maxBackoffMs: 10_000,
    shutdownTimeoutMs: 60_000,
    rulesUrl: RULES_DOC_URL,
    fetch: (input, init) => globalThis.fetch(input, init),
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    log: (entry) => process.stdout.write(JSON.stringify(entry) + '\n'),
    ...stripUndefined(options),
    hmacKey: options.hmacKey,
  };
  for (const name of [
    'maxBodyBytes',
    'maxBufferedBytes',
    'maxConnections',
    'maxPlanBytes',
    'maxConcurrentTasks',
    'maxQueuedTasks',
    'headersTimeoutMs',
    'requestTimeoutMs',
    'planTimeoutMs',
    'callbackTimeoutMs',
    'taskTimeoutMs',
    'progressAfterMs',
    'planAttempts',
    'callbackAttempts',
    'shutdownTimeoutMs',
  ] as const) {
    const v = resolved[name];
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`run-task: ${name} must be a positive integer, not ${v}`);
    }
  }
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new Error(`run-task: port must be 0-65535, not ${resolved.port}`);
  }
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new Error(
      `run-task: headersTimeoutMs (${resolved.headersTimeoutMs}) must not exceed requestTimeoutMs (${resolved.requestTimeoutMs}): the headers are part of the request`,
    );
  }
  [...resolved.allowedHosts, ...resolved.redirectHosts].forEach((h) => parseHostEntry(h));
  if (resolved.rulesUrl === 'none') return { ...resolved, rulesUrl: undefined };
  checkRulesUrl(resolved.rulesUrl!);
  return resolved;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `AOAI_RUN_TASK_ALLOWED_HOSTS`: comma-separated `host[:port]`; empty or unset means the HCP Terraform hosts. */
export function parseAllowedHosts(value: string | undefined): readonly string[] {
  return parseHostList(value, HCP_TERRAFORM_HOSTS);
}

/** `AOAI_RUN_TASK_REDIRECT_HOSTS`: comma-separated `host[:port]`; empty or unset means archivist.terraform.io. */
export function parseRedirectHosts(value: string | undefined): readonly string[] {
  return parseHostList(value, PLAN_REDIRECT_HOSTS);
}

function parseHostList(value: string | undefined, fallback: readonly string[]): readonly string[] {
  const hosts = (value ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  hosts.forEach((h) => parseHostEntry(h));
  return hosts.length ? hosts : fallback;
}

/** The rules link must be an absolute https URL (or http on loopback): it is shown to every workspace user. */
export function checkRulesUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (
    !parsed ||
    !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname)))
  ) {
    throw new Error(
      `run-task: rules URL "${url}" is not an https URL; give the address of your copy of docs/rules.md (e.g. https://git.example.com/aoai/docs/rules.md), or none for no links`,
    );
  }
  return url;
}

function parseHostEntry(entry: string): { host: string; port?: string } {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(entry.trim());
  if (!m) {
    throw new Error(
      `run-task: allowed host "${entry}" is not host or host:port (e.g. app.terraform.io or tfe.example.com:8443)`,
    );
  }
  return { host: m[1].toLowerCase(), port: m[2] };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/i;

/**
 * Why `url` may not be contacted, or undefined when it may: its host and port are in the list (an entry without a
 * port stands for the scheme's default port, so `app.terraform.io` allows :443 and nothing else), and it is https,
 * or plain http to a loopback host. `list` names the setting in the reason.
 */
export function refuseUrl(
  url: string,
  allowedHosts: readonly string[],
  list = 'AOAI_RUN_TASK_ALLOWED_HOSTS',
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  const host = parsed.hostname.toLowerCase();
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.test(host))) {
    return `${parsed.protocol}//${parsed.host} is not https (plain http is allowed only for loopback hosts)`;
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : '80';
  const allowed = allowedHosts.some((entry) => {
    const e = parseHostEntry(entry);
    return e.host === host && (e.port ?? defaultPort) === port;
  });
  return allowed ? undefined : `${host}:${port} is not in ${list} (${allowedHosts.join(', ')})`;
}
