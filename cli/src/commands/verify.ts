import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parseArgs } from 'util';
import { AUDIT_RETENTION_DAYS } from '../core';
import { hostProblem } from '../verify/http';
import { DnsResolver, parseArmId, TokenSource, VerifyConfig, VerifyContext } from '../verify/model';
import { systemDns } from '../verify/network-checks';
import {
  buildReport,
  exitCode,
  verifyToJson,
  verifyToMarkdown,
  verifyToSarif,
  verifyToText,
} from '../verify/report';
import { allChecks, runVerify } from '../verify/runner';
import { defaultTokenSource, guardTokens } from '../verify/tokens';

/** `aoai-harden verify`: the post-deploy half of the checklist, run against the live deployment. */

export interface VerifyIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** What the tests replace: the network, DNS, clock and tokens. */
export interface VerifyDeps {
  readonly fetch?: typeof fetch;
  readonly dns?: DnsResolver;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly getToken?: TokenSource;
  readonly env?: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

/** Flag name -> config key and kind. Every flag can also be a key of the --config JSON file. */
const OPTIONS: Record<
  string,
  { key: keyof VerifyConfig; kind: 'string' | 'list' | 'number' | 'flag'; help: string }
> = {
  from: { key: 'from', kind: 'string', help: 'vnet | outside: where this command runs (required)' },
  endpoint: {
    key: 'endpoint',
    kind: 'string',
    help: 'data-plane endpoint, https://<sub>.openai.azure.com/ (required)',
  },
  'allow-endpoint-host': {
    key: 'allowEndpointHost',
    kind: 'string',
    help: 'a gateway host you trust (e.g. API Management) that may receive the data-plane token',
  },
  'dns-name': {
    key: 'dnsName',
    kind: 'string',
    help: "the account's FQDN for the DNS checks (default: the endpoint's host)",
  },
  'account-id': { key: 'accountId', kind: 'string', help: 'ARM ID of the account (required)' },
  deployments: { key: 'deployments', kind: 'list', help: 'comma-separated deployment names (required)' },
  'workspace-id': { key: 'workspaceId', kind: 'string', help: 'ARM ID of the Log Analytics workspace' },
  'workspace-customer-id': {
    key: 'workspaceCustomerId',
    kind: 'string',
    help: 'workspace GUID (default: read from ARM)',
  },
  'arm-endpoint': {
    key: 'armEndpoint',
    kind: 'string',
    help: 'ARM host (default https://management.azure.com)',
  },
  'logs-endpoint': {
    key: 'logsEndpoint',
    kind: 'string',
    help: 'Log Analytics query host (default https://api.loganalytics.azure.com)',
  },
  'workload-client-id': {
    key: 'workloadClientId',
    kind: 'string',
    help: "client ID of the workload's managed (or workload) identity; its tokens are checked to be that client's",
  },
  'invoke-only-client-id': {
    key: 'invokeOnlyClientId',
    kind: 'string',
    help: "client ID of an identity with only Cognitive Services OpenAI User (never the pipeline's own)",
  },
  'blocklist-term': {
    key: 'blocklistTerm',
    kind: 'string',
    help: 'an item of a custom blocklist bound to the deployments: the filtered trigger of CS-1, CS-3 and the bursts',
  },
  'blocklist-wait': {
    key: 'blocklistWaitSeconds',
    kind: 'number',
    help: 'seconds a new blocklist term may take to apply (default 300, Microsoft: about 5 minutes)',
  },
  'jailbreak-probe': {
    key: 'jailbreakProbe',
    kind: 'flag',
    help: 'opt-in: send one jailbreak prompt for CS-2 (recurring jailbreak attempts score as abuse: aim it at a canary)',
  },
  'canary-deployment': {
    key: 'canaryDeployment',
    kind: 'string',
    help: 'deployment that takes the jailbreak probe and the bursts (default: the first deployment)',
  },
  'alert-resource-group': {
    key: 'alertResourceGroup',
    kind: 'string',
    help: "alert rules' resource group (default: the account's)",
  },
  'alert-rule-prefix': {
    key: 'alertRulePrefix',
    kind: 'string',
    help: 'alert rule name prefix (default: the account name)',
  },
  'min-retention-days': {
    key: 'minRetentionDays',
    kind: 'number',
    help: `minimum retention (default ${AUDIT_RETENTION_DAYS})`,
  },
  'log-wait': {
    key: 'logWaitSeconds',
    kind: 'number',
    help: 'seconds logs may take to appear (default 600; Microsoft: usually 3 to 10 minutes)',
  },
  'alert-wait': {
    key: 'alertWaitSeconds',
    kind: 'number',
    help: 'seconds to wait for detections, alerts and the Activity Log (default 1200; Activity Log: 3 to 20 minutes)',
  },
  'poll-interval': { key: 'pollSeconds', kind: 'number', help: 'seconds between polls (default 30)' },
  timeout: { key: 'requestTimeoutSeconds', kind: 'number', help: 'seconds per request (default 30)' },
  bursts: {
    key: 'bursts',
    kind: 'flag',
    help: 'opt-in: paced request and blocklist-term bursts so the rate detections fire (they spend quota real users share)',
  },
  'burst-requests': {
    key: 'burstRequests',
    kind: 'number',
    help: 'benign calls in the request burst (default 60)',
  },
  'burst-filtered': {
    key: 'burstFiltered',
    kind: 'number',
    help: 'blocklist-term prompts in the filtered burst (default 25)',
  },
  'burst-rate': {
    key: 'burstRate',
    kind: 'number',
    help: 'most requests per minute a burst sends (default 30)',
  },
  only: { key: 'only', kind: 'list', help: 'comma-separated check IDs or prefixes (e.g. VERIFY-NET) to run' },
};

const DEFAULTS = {
  armEndpoint: 'https://management.azure.com',
  // docs/field-facts.md §5.1: api.loganalytics.azure.com replaces api.loganalytics.io.
  logsEndpoint: 'https://api.loganalytics.azure.com',
  deployments: [] as string[],
  minRetentionDays: AUDIT_RETENTION_DAYS,
  // Resource logs are "usually available within 3 to 10 minutes" (docs/field-facts.md §7).
  logWaitSeconds: 600,
  alertWaitSeconds: 1200,
  pollSeconds: 30,
  requestTimeoutSeconds: 30,
  bursts: false,
  burstRequests: 60,
  burstFiltered: 25,
  burstRate: 30,
  blocklistWaitSeconds: 300,
  jailbreakProbe: false,
  only: [] as string[],
};

export function verifyHelp(): string {
  const checks = allChecks();
  const width = Math.max(...checks.map((c) => c.id.length));
  return [
    'usage: aoai-harden verify --from vnet|outside [--config verify.json] [options]',
    '',
    'Runs the post-deploy items of the Hardening Validation Checklist against the live deployment.',
    'Exit 0: every check that ran passed; 1: a check failed or could not reach its service (or none ran); 2: usage error.',
    'Exit 1 also when a check is inconclusive (throttled, unreachable): it was not proven; the report says which.',
    'Tokens: an identity named by a client ID gets its own ManagedIdentityCredential (WorkloadIdentityCredential with',
    'AZURE_FEDERATED_TOKEN_FILE); otherwise DefaultAzureCredential. Every token is checked to be the configured client,',
    "and the invoke-only identity never the pipeline's own principal. AZURE_OPENAI_AD_TOKEN overrides the data-plane token.",
    'AZURE_OPENAI_API_KEY: the key for the key-auth probe (an invalid key may be refused with 401, which is inconclusive).',
    'AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN: ARM token of the invoke-only identity (instead of --invoke-only-client-id).',
    'A default run sends no jailbreak or harmful prompt and no burst; --jailbreak-probe and --bursts opt in, and their',
    'target and pacing are printed before the first request.',
    '',
    'options (each also a key of the --config JSON file, in camelCase):',
    ...Object.entries(OPTIONS).map(([flag, o]) => `  --${flag.padEnd(22)} ${o.help}`),
    '  --config FILE            JSON file with the options above; flags override it',
    '  --format text|json       what to print (default text)',
    '  --report-dir DIR         write verify-report.json, .md and .sarif there',
    '',
    'checks (ID, checklist item, where it runs):',
    ...checks.map(
      (c) =>
        `  ${c.id.padEnd(width)}  ${c.checklistItem.padEnd(4)}  ${(c.runsFrom ?? 'anywhere').padEnd(8)}  ${c.title}`,
    ),
    '',
  ].join('\n');
}

/** util.parseArgs over OPTIONS and the command's own flags; its errors are usage errors (exit 2). */
function parseVerifyArgs(args: string[]): {
  raw: Record<string, unknown>;
  config?: string;
  format: string;
  reportDir?: string;
  help: boolean;
} {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        config: { type: 'string' },
        format: { type: 'string' },
        'report-dir': { type: 'string' },
        ...Object.fromEntries(
          Object.entries(OPTIONS).map(([flag, o]) => [
            flag,
            { type: o.kind === 'flag' ? ('boolean' as const) : ('string' as const) },
          ]),
        ),
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const raw: Record<string, unknown> = {};
  for (const [flag, o] of Object.entries(OPTIONS)) {
    const value = values[flag];
    if (value === undefined) continue;
    if (typeof value === 'boolean') {
      raw[o.key] = value;
    } else if (o.kind === 'list') {
      raw[o.key] = value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    } else {
      raw[o.key] = o.kind === 'number' ? Number(value) : value;
    }
  }
  const format = (values.format as string | undefined) ?? 'text';
  if (!['text', 'json'].includes(format)) {
    throw new UsageError(`--format must be text or json, not ${format}`);
  }
  return {
    raw,
    config: values.config as string | undefined,
    format,
    reportDir: values['report-dir'] as string | undefined,
    help: values.help === true,
  };
}

function readConfigFile(file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new UsageError(`config ${file}: expected a JSON object`);
  }
  const known = new Set<string>(Object.values(OPTIONS).map((o) => o.key));
  for (const key of Object.keys(json)) {
    if (!known.has(key)) {
      throw new UsageError(`config ${file}: unknown key "${key}" (known: ${[...known].join(', ')})`);
    }
  }
  return json as Record<string, unknown>;
}

/** Merge file and flags over the defaults and check every value; every problem is a usage error naming the field. */
export function resolveConfig(file: Record<string, unknown>, flags: Record<string, unknown>): VerifyConfig {
  const c: any = { ...DEFAULTS, ...file, ...flags };
  const str = (key: string, required: boolean) => {
    if (c[key] === undefined) {
      if (required) {
        throw new UsageError(`${key} is required (--${flagOf(key)} or "${key}" in the config file)`);
      }
      return;
    }
    if (typeof c[key] !== 'string' || !c[key]) {
      throw new UsageError(`${key} must be a non-empty string, not ${JSON.stringify(c[key])}`);
    }
  };
  str('from', true);
  if (!['vnet', 'outside'].includes(c.from)) {
    throw new UsageError(`from must be vnet or outside, not ${JSON.stringify(c.from)}`);
  }
  for (const key of ['endpoint', 'accountId']) str(key, true);
  for (const key of [
    'dnsName',
    'allowEndpointHost',
    'workspaceId',
    'workspaceCustomerId',
    'workloadClientId',
    'invokeOnlyClientId',
    'blocklistTerm',
    'canaryDeployment',
    'alertResourceGroup',
    'alertRulePrefix',
    'armEndpoint',
    'logsEndpoint',
  ]) {
    str(key, false);
  }
  const hosts: Array<[string, 'cognitive' | 'arm' | 'logs']> = [
    ['endpoint', 'cognitive'],
    ['armEndpoint', 'arm'],
    ['logsEndpoint', 'logs'],
  ];
  for (const [key, audience] of hosts) {
    const problem = hostProblem(c[key], audience, c.allowEndpointHost);
    if (problem) throw new UsageError(`${key}: ${problem}`);
  }
  if (!parseArmId(c.accountId, 'Microsoft.CognitiveServices/accounts')) {
    throw new UsageError(
      `accountId must be /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.CognitiveServices/accounts/<name>, not ${c.accountId}`,
    );
  }
  if (c.workspaceId && !parseArmId(c.workspaceId, 'Microsoft.OperationalInsights/workspaces')) {
    throw new UsageError(
      `workspaceId must be the workspace's ARM ID (.../providers/Microsoft.OperationalInsights/workspaces/<name>), not ${c.workspaceId}`,
    );
  }
  if (
    !Array.isArray(c.deployments) ||
    !c.deployments.length ||
    c.deployments.some((d: unknown) => typeof d !== 'string' || !d)
  ) {
    throw new UsageError('deployments must list at least one deployment name (--deployments a,b)');
  }
  checkNumbersAndSwitches(c);
  const ids = allChecks().map((k) => k.id);
  if (!Array.isArray(c.only)) throw new UsageError('only must be a list of check IDs');
  for (const o of c.only) {
    if (!ids.some((id) => id === o || id.startsWith(`${o}/`) || id.startsWith(`${o}-`))) {
      throw new UsageError(`only: no check ${o} (see aoai-harden verify --help)`);
    }
  }
  return c as VerifyConfig;
}

/** Numbers are positive, switches boolean, and a burst fits in the rate detections' 5-minute window. */
function checkNumbersAndSwitches(c: any): void {
  for (const key of [
    'minRetentionDays',
    'logWaitSeconds',
    'alertWaitSeconds',
    'pollSeconds',
    'requestTimeoutSeconds',
    'burstRequests',
    'burstFiltered',
    'burstRate',
    'blocklistWaitSeconds',
  ]) {
    if (typeof c[key] !== 'number' || !Number.isFinite(c[key]) || c[key] <= 0) {
      throw new UsageError(`${key} must be a positive number, not ${JSON.stringify(c[key])}`);
    }
  }
  for (const key of ['bursts', 'jailbreakProbe']) {
    if (typeof c[key] !== 'boolean') {
      throw new UsageError(`${key} must be true or false, not ${JSON.stringify(c[key])}`);
    }
  }
  // A rate detection counts requests in 5 minutes: a burst that takes longer never trips it.
  for (const key of ['burstRequests', 'burstFiltered']) {
    if (c.bursts && (c[key] / c.burstRate) * 60 > 270) {
      throw new UsageError(
        `${key} ${c[key]} at burstRate ${c.burstRate}/min takes ${Math.ceil((c[key] / c.burstRate) * 60)} s, more than fits in the detections' 5-minute window: raise --burst-rate or lower --${flagOf(key)}`,
      );
    }
  }
}

function flagOf(key: string): string {
  return Object.entries(OPTIONS).find(([, o]) => o.key === key)?.[0] ?? key;
}

export async function runVerifyCli(args: string[], io: VerifyIo, deps: VerifyDeps = {}): Promise<number> {
  let parsed: ReturnType<typeof parseVerifyArgs>;
  let config: VerifyConfig;
  try {
    parsed = parseVerifyArgs(args);
    if (parsed.help) {
      io.out(verifyHelp());
      return 0;
    }
    config = resolveConfig(parsed.config ? readConfigFile(parsed.config) : {}, parsed.raw);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`aoai-harden verify: ${e.message}\nsee aoai-harden verify --help\n`);
      return 2;
    }
    throw e;
  }
  const env = deps.env ?? process.env;
  const ctx: VerifyContext = {
    config,
    fetch: deps.fetch ?? fetch,
    dns: deps.dns ?? systemDns,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    getToken: guardTokens(
      deps.getToken ??
        defaultTokenSource({
          workloadClientId: config.workloadClientId,
          invokeOnlyClientId: config.invokeOnlyClientId,
          env,
        }),
      config,
    ),
    // A deliberately invalid key is a probe: 403 AuthenticationTypeDisabled passes, 401 is inconclusive.
    apiKey: env.AZURE_OPENAI_API_KEY || 'aoai-harden-verify-invalid-key-00000000',
    invokeOnlyTokenGiven: !!env.AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN,
    progress: (id, message) => io.err(`[verify] ${id}: ${message}\n`),
  };
  const checks = allChecks();
  const report = buildReport(await runVerify(ctx, checks));
  io.out(parsed.format === 'json' ? verifyToJson(report) : verifyToText(report));
  if (parsed.reportDir) {
    mkdirSync(parsed.reportDir, { recursive: true });
    writeFileSync(join(parsed.reportDir, 'verify-report.json'), verifyToJson(report));
    writeFileSync(join(parsed.reportDir, 'verify-report.md'), verifyToMarkdown(report));
    writeFileSync(join(parsed.reportDir, 'verify-report.sarif'), verifyToSarif(report, checks));
  }
  return exitCode(report);
}
