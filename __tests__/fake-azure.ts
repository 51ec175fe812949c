import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { DnsResolver } from '../cli/src/verify/model';
import { DETECTIONS, METRIC_ALERTS } from '../lib/detections';

/**
 * Fake Azure services on 127.0.0.1 for `aoai-harden verify`: the OpenAI data plane, ARM and the Log Analytics
 * query API, answering with the status codes and bodies recorded in docs/field-facts.md
 * (§4.2 data-plane errors, §4.3/4.4 content-filter shapes, §5.1 query API, §5.3 alerts, §5.4 retention, §7 live
 * behaviour) and the Activity Log list API (learn.microsoft.com/rest/api/monitor/activity-logs/list). Each
 * behaviour names its source where it is built. Tokens are JWT-shaped (fakeToken): the fakes read `aud` and `oid`
 * from them as the services do.
 *
 * The fake cannot run KQL. Its workspace holds the records the calls produced and answers the two kinds of query
 * verify sends: the correlation-ID lookup (returns the logged CorrelationIds) and a detection query, recognised
 * by being exactly one of lib/detections.ts's queries (read at run time), which returns rows once the events that
 * detection is meant to catch were logged. Whether the KQL matches real records is tested elsewhere.
 */

export const ACCOUNT_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aoai/providers/Microsoft.CognitiveServices/accounts/aoai-test';
export const WORKSPACE_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aoai/providers/Microsoft.OperationalInsights/workspaces/log-aoai-test';
export const WORKSPACE_GUID = '11111111-2222-3333-4444-555555555555';
export const DNS_NAME = 'aoai-test.openai.azure.com';
export const BLOCKLIST_TERM = 'project-nightingale';
export const WORKLOAD_CLIENT_ID = '00000000-aaaa-bbbb-cccc-000000000001';
export const INVOKE_ONLY_CLIENT_ID = '00000000-aaaa-bbbb-cccc-000000000002';
/** The private endpoint's NIC address and its VNet's address space in the fake ARM. */
export const NIC_ADDRESS = '10.20.1.5';
export const VNET_PREFIX = '10.20.0.0/16';

const AUDIENCES: Record<string, string> = {
  cognitive: 'https://cognitiveservices.azure.com',
  arm: 'https://management.azure.com',
  logs: 'https://api.loganalytics.io',
};
const PRINCIPALS: Record<string, { oid: string; appid: string }> = {
  workload: { oid: 'oid-workload', appid: WORKLOAD_CLIENT_ID },
  'invoke-only': { oid: 'oid-invoke-only', appid: INVOKE_ONLY_CLIENT_ID },
};

/**
 * A JWT-shaped Entra access token (unsigned): `aud`, `oid` and `appid` as in v1.0 access tokens
 * (learn.microsoft.com/entra/identity-platform/access-token-claims-reference). `claims` overrides them.
 */
export function fakeToken(audience: string, identity: string, claims: Record<string, string> = {}): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ aud: AUDIENCES[audience], ...PRINCIPALS[identity], ...claims })}.sig`;
}

/** "<audience>-<identity>" of a bearer header made by fakeToken, or undefined. */
export function whoIs(authorization?: string): string | undefined {
  const payload = /^Bearer [^.]+\.([^.]+)\./.exec(authorization ?? '')?.[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const audience = Object.keys(AUDIENCES).find((a) => AUDIENCES[a] === claims.aud);
    const identity = Object.keys(PRINCIPALS).find((i) => PRINCIPALS[i].oid === claims.oid);
    return audience && identity ? `${audience}-${identity}` : undefined;
  } catch {
    return undefined;
  }
}

export interface Weaknesses {
  /** disableLocalAuth false: the service checks keys (an invalid one gets 401). */
  keyAuth?: boolean;
  /** Public network access enabled: outside callers are served. */
  publicAccess?: boolean;
  /** Private DNS missing: the name resolves publicly without the privatelink CNAME. */
  publicDns?: boolean;
  /** Diagnostic settings missing: nothing reaches the workspace. */
  logsMissing?: boolean;
  /** A detection whose query never returns rows (e.g. it filters on a field the service does not log). */
  deadDetection?: string;
  retentionDays?: number;
  disabledAlert?: string;
  /** The invoke-only identity may write deployments (ARM lets the PUT through; the provider rejects the model). */
  invokeOnlyCanWrite?: boolean;
  /** ... and ARM accepts the write: the probe deployment is created (201) until someone deletes it. */
  invokeOnlyCanCreate?: boolean;
  /** The name resolves to this address instead of the private endpoint's (DNS zone pointing elsewhere). */
  resolvesTo?: string;
  /** A gateway in front of the account drops the apim-request-id response header. */
  noRequestId?: boolean;
  /** Jailbreak filter in annotate-only mode. */
  jailbreakAnnotateOnly?: boolean;
}

export interface Faults {
  dataPlane?: 'hang' | 500;
  arm?: 'hang' | 500;
  logs?: 'hang' | 503;
}

/**
 * How the live services behave beyond the happy path (docs/field-facts.md §7 for each). None of these is a
 * weakness of the account: a hardened account must pass (or be inconclusive, never fail) under each.
 */
export interface Behaviour {
  /** The first N data-plane requests get 429 with Retry-After (Learn: Azure OpenAI quotas and limits). */
  throttleFirst?: number;
  /** Every data-plane request gets 429 (quota exhausted). */
  throttleAll?: boolean;
  retryAfterSeconds?: number;
  /** The blocklist is bound to completions: the term is cut from the answer, 200 finish_reason content_filter. */
  blocklistOnCompletion?: boolean;
  /** The blocklist term applies only this long after the fake starts (Learn use-blocklists: about 5 minutes). */
  blocklistActiveAfterMs?: number;
  /** Filtered prompts answer in the GA REST spec's shape: inner_error.content_filter_results. */
  specErrorShape?: boolean;
  /** Records reach the workspace after this delay (data-ingestion-time: usually 3 to 10 minutes). Default 90 s. */
  ingestionDelayMs?: number;
  /** Deployments whose model is a reasoning model: max_tokens is refused (400 unsupported_parameter). */
  reasoningDeployments?: string[];
  /** Deployments behind an API version that predates max_completion_tokens. */
  legacyDeployments?: string[];
  /** The private endpoint sits in a VNet using shared address space (RFC 6598), not RFC 1918. */
  sharedAddressSpace?: boolean;
}

/** Virtual time shared by the fakes and the command under test. */
export class Clock {
  t = Date.parse('2026-11-28T12:00:00Z');
  now = () => this.t;
  /** Concurrent sleepers move time to the latest wake-up, not the sum of their sleeps. */
  sleep = async (ms: number) => {
    const wake = this.t + ms;
    await new Promise((r) => setImmediate(r));
    this.t = Math.max(this.t, wake);
  };
}

/** Records land in the workspace after this delay (virtual time) unless the behaviour says otherwise. */
const INGESTION_DELAY_MS = 90_000;
/** Log alerts evaluate every few minutes; the fake fires them this long after the triggering event. */
const ALERT_DELAY_MS = 6 * 60_000;

interface LogRecord {
  table: 'AzureDiagnostics' | 'AzureActivity';
  at: number;
  CorrelationId: string;
  /** Which detection this event should trigger. */
  triggers?: string;
  ResultSignature?: string;
}

export interface Fakes {
  dataPlane: string;
  arm: string;
  logs: string;
  clock: Clock;
  dns: DnsResolver;
  /** Every request each fake received, with the Authorization header it carried. */
  seen: Array<{
    service: string;
    method: string;
    url: string;
    auth?: string;
    /** "<audience>-<identity>" of the bearer token, decoded. */
    who?: string;
    /** When the request arrived (virtual time). */
    at: number;
    apiKey?: string;
    body?: any;
    contentType?: string;
  }>;
  /** Who deleted the probe deployment ("arm-invoke-only" or "arm-workload"), in order. */
  deletes: string[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function annotations(overrides: Record<string, unknown> = {}) {
  return {
    hate: { filtered: false, severity: 'safe' },
    self_harm: { filtered: false, severity: 'safe' },
    sexual: { filtered: false, severity: 'safe' },
    violence: { filtered: false, severity: 'safe' },
    ...overrides,
  };
}

function filtered(result: Record<string, unknown>, specShape = false) {
  // docs/field-facts.md §4.4: 400, code content_filter, innererror.content_filter_result (singular) as the service
  // sends it; §7: the GA REST spec documents inner_error.content_filter_results (plural).
  const inner = specShape
    ? { inner_error: { code: 'ResponsibleAIPolicyViolation', content_filter_results: annotations(result) } }
    : { innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: annotations(result) } };
  return {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
      type: null,
      param: 'prompt',
      code: 'content_filter',
      status: 400,
      ...inner,
    },
  };
}

function completion(content: string, finish: string, choiceResults: object, promptResults: object) {
  return {
    choices: [
      {
        index: 0,
        finish_reason: finish,
        message: { role: 'assistant', content },
        content_filter_results: choiceResults,
      },
    ],
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: promptResults }],
  };
}

export async function startFakes(
  options: { outside?: boolean; weak?: Weaknesses; faults?: Faults; behaviour?: Behaviour } = {},
): Promise<Fakes> {
  const weak = options.weak ?? {};
  const behaviour = options.behaviour ?? {};
  const ingestionDelay = behaviour.ingestionDelayMs ?? INGESTION_DELAY_MS;
  const faults = options.faults ?? {};
  const clock = new Clock();
  const startedAt = clock.now();
  const records: LogRecord[] = [];
  const seen: Fakes['seen'] = [];
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}-${String(++counter).padStart(8, '0')}`;
  const log = (r: Omit<LogRecord, 'at'>) => {
    if (!weak.logsMissing) records.push({ ...r, at: clock.now() });
  };
  const visible = () => records.filter((r) => clock.now() >= r.at + ingestionDelay);
  // Platform metrics do not depend on diagnostic settings: filtered prompts count even when logs are missing.
  const filteredAt: number[] = [];
  const ruleEnabled = (key: string) => weak.disabledAlert !== key;
  const detectionRows = (key: string) => {
    if (key === weak.deadDetection) return [];
    const rows = visible().filter((r) => r.triggers === key);
    if (key !== 'high-request-rate') return rows;
    // Its query counts rows per 5-minute bin and keeps bins with more than 50 (lib/detections.ts).
    const bins = new Map<number, LogRecord[]>();
    for (const r of rows) {
      bins.set(Math.floor(r.at / 300_000), [...(bins.get(Math.floor(r.at / 300_000)) ?? []), r]);
    }
    return [...bins.values()].filter((b) => b.length > 50).map((b) => b[b.length - 1]);
  };

  const servers: Server[] = [];
  const listen = (
    service: string,
    handler: (req: IncomingMessage, res: ServerResponse, body: any) => void,
    fault?: 'hang' | number,
  ) =>
    new Promise<string>((resolve) => {
      const server = createServer((req, res) => {
        let raw = '';
        req.on('data', (c) => (raw += c));
        req.on('end', () => {
          let body: any;
          try {
            body = raw ? JSON.parse(raw) : undefined;
          } catch {
            body = raw;
          }
          seen.push({
            service,
            method: req.method!,
            url: req.url!,
            at: clock.now(),
            auth: req.headers.authorization,
            who: whoIs(req.headers.authorization),
            apiKey: req.headers['api-key'] as string | undefined,
            body,
            contentType: req.headers['content-type'],
          });
          if (fault === 'hang') return; // never answers; the client's timeout must fire
          if (typeof fault === 'number') {
            return send(res, fault, { error: { code: 'InternalServerError', message: 'fault' } });
          }
          handler(req, res, body);
        });
      });
      servers.push(server);
      server.listen(0, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      );
    });

  let dataPlaneRequests = 0;
  const dataPlane = await listen(
    'data-plane',
    (req, res, body) => {
      dataPlaneRequests++;
      const requestId = nextId('apim');
      const headers: Record<string, string> = weak.noRequestId ? {} : { 'apim-request-id': requestId };
      if (options.outside && !weak.publicAccess) {
        // docs/field-facts.md §4.2, public network access disabled.
        return send(
          res,
          403,
          {
            error: { code: '403', message: 'Public access is disabled. Please configure private endpoint.' },
          },
          headers,
        );
      }
      const route = /^\/openai\/deployments\/([^/]+)\/chat\/completions\?api-version=/.exec(req.url!);
      if (!route) {
        return send(res, 404, { error: { code: '404', message: 'Resource not found' } });
      }
      if (behaviour.throttleAll || dataPlaneRequests <= (behaviour.throttleFirst ?? 0)) {
        // Learn, Azure OpenAI quotas and limits: a 429 names when to retry (retry-after, retry-after-ms).
        const seconds = behaviour.retryAfterSeconds ?? 20;
        return send(
          res,
          429,
          {
            error: {
              code: '429',
              message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${seconds} seconds.`,
            },
          },
          { ...headers, 'retry-after': String(seconds), 'retry-after-ms': String(seconds * 1000) },
        );
      }
      const deployment = decodeURIComponent(route[1]);
      // docs/field-facts.md §7: reasoning models refuse max_tokens; older API versions do not know
      // max_completion_tokens ("Unrecognized request argument supplied").
      if (body?.max_tokens !== undefined && behaviour.reasoningDeployments?.includes(deployment)) {
        return send(res, 400, {
          error: {
            message:
              "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
            type: 'invalid_request_error',
            param: 'max_tokens',
            code: 'unsupported_parameter',
          },
        });
      }
      if (body?.max_completion_tokens !== undefined && behaviour.legacyDeployments?.includes(deployment)) {
        return send(res, 400, {
          error: {
            message: 'Unrecognized request argument supplied: max_completion_tokens',
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        });
      }
      if (req.headers['api-key'] !== undefined) {
        log({
          table: 'AzureDiagnostics',
          CorrelationId: requestId,
          triggers: 'api-key-auth',
          ResultSignature: weak.keyAuth ? '401' : '403',
        });
        if (weak.keyAuth && req.headers['api-key'] === 'k1-secret') {
          return send(res, 200, completion('ok', 'stop', annotations(), annotations()), headers);
        }
        if (weak.keyAuth) {
          return send(
            res,
            401,
            {
              error: {
                code: '401',
                message:
                  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
              },
            },
            headers,
          );
        }
        return send(
          res,
          403,
          {
            error: {
              code: 'AuthenticationTypeDisabled',
              message: 'Key based authentication is disabled for this resource.',
            },
          },
          headers,
        );
      }
      if (whoIs(req.headers.authorization) !== 'cognitive-workload') {
        // docs/field-facts.md §4.2: token missing, invalid or for another audience; no `error` wrapper.
        return send(res, 401, {
          statusCode: 401,
          message:
            'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.',
        });
      }
      const prompt: string = body?.messages?.[0]?.content ?? '';
      if (/DAN/.test(prompt) && !weak.jailbreakAnnotateOnly) {
        log({ table: 'AzureDiagnostics', CorrelationId: requestId, ResultSignature: '400' });
        return send(
          res,
          400,
          filtered({ jailbreak: { filtered: true, detected: true } }, behaviour.specErrorShape),
          headers,
        );
      }
      const blocklistActive = clock.now() >= startedAt + (behaviour.blocklistActiveAfterMs ?? 0);
      if (prompt.includes(BLOCKLIST_TERM) && blocklistActive) {
        filteredAt.push(clock.now());
        if (behaviour.blocklistOnCompletion) {
          // docs/field-facts.md §4.3 and §7: a completion-side hit is HTTP 200 with finish_reason content_filter;
          // custom_blocklists in the newer {filtered, details[]} shape.
          log({ table: 'AzureDiagnostics', CorrelationId: requestId, ResultSignature: '200' });
          return send(
            res,
            200,
            completion(
              '',
              'content_filter',
              annotations({
                custom_blocklists: {
                  filtered: true,
                  details: [{ filtered: true, id: 'aoai-test-blocklist' }],
                },
              }),
              annotations(),
            ),
            headers,
          );
        }
        log({ table: 'AzureDiagnostics', CorrelationId: requestId, ResultSignature: '400' });
        return send(
          res,
          400,
          filtered(
            { custom_blocklists: [{ filtered: true, id: 'aoai-test-blocklist' }] },
            behaviour.specErrorShape,
          ),
          headers,
        );
      }
      log({
        table: 'AzureDiagnostics',
        CorrelationId: requestId,
        triggers: 'high-request-rate',
        ResultSignature: '200',
      });
      const jailbreak = /DAN/.test(prompt) ? { jailbreak: { filtered: false, detected: true } } : {};
      // docs/field-facts.md §7: there is no malware category; a request for harm outside the filter's categories
      // is answered 200 with the model's refusal, not filtered.
      const content = /malware|steal/i.test(prompt)
        ? "I'm sorry, but I can't help with that."
        : prompt.includes(BLOCKLIST_TERM)
          ? BLOCKLIST_TERM
          : 'ok';
      send(res, 200, completion(content, 'stop', annotations(), annotations(jailbreak)), headers);
    },
    faults.dataPlane,
  );

  const sub = '/subscriptions/00000000-0000-0000-0000-000000000001';
  const activity: any[] = [];
  let probeDeployment: object | undefined;
  const deletes: string[] = [];
  const arm = await listen(
    'arm',
    (req, res) => {
      const url = new URL(req.url!, 'http://x');
      const path = decodeURIComponent(url.pathname);
      const who = whoIs(req.headers.authorization);
      if (who !== 'arm-workload' && who !== 'arm-invoke-only') {
        return send(res, 401, {
          error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' },
        });
      }
      const probePath = `${ACCOUNT_ID}/deployments/aoai-harden-verify-rbac-probe`;
      if (path === probePath && req.method === 'GET') {
        return probeDeployment
          ? send(res, 200, probeDeployment)
          : send(res, 404, { error: { code: 'DeploymentNotFound', message: 'Deployment not found' } });
      }
      if (path === probePath && req.method === 'DELETE') {
        // Deletion is asynchronous on ARM: 202 Accepted, then GET answers 404.
        deletes.push(who);
        probeDeployment = undefined;
        return send(res, 202, undefined);
      }
      if (
        req.method === 'PUT' &&
        path === probePath &&
        who === 'arm-invoke-only' &&
        weak.invokeOnlyCanCreate
      ) {
        probeDeployment = {
          id: probePath,
          name: 'aoai-harden-verify-rbac-probe',
          properties: { provisioningState: 'Creating' },
        };
        return send(res, 201, probeDeployment, { 'x-ms-correlation-request-id': nextId('corr') });
      }
      if (req.method === 'PUT' && path === probePath) {
        const correlationId = nextId('corr');
        const allowed = who === 'arm-workload' || weak.invokeOnlyCanWrite;
        activity.push({
          correlationId,
          eventTimestamp: new Date(clock.now()).toISOString(),
          operationName: { value: 'Microsoft.CognitiveServices/accounts/deployments/write' },
          status: { value: 'Failed' },
          subStatus: { value: allowed ? 'BadRequest' : 'Forbidden' },
          caller: 'invoke-only@example.invalid',
          resourceId: `${ACCOUNT_ID}/deployments/aoai-harden-verify-rbac-probe`,
        });
        if (!allowed) log({ table: 'AzureActivity', CorrelationId: correlationId, triggers: 'rbac-denied' });
        if (allowed) {
          return send(
            res,
            400,
            { error: { code: 'DeploymentModelNotSupported', message: 'The model is not supported.' } },
            { 'x-ms-correlation-request-id': correlationId },
          );
        }
        // docs/field-facts.md §4.2, last row.
        return send(
          res,
          403,
          {
            error: {
              code: 'AuthorizationFailed',
              message: `The client 'invoke-only@example.invalid' with object id 'oid' does not have authorization to perform action 'Microsoft.CognitiveServices/accounts/deployments/write' over scope '${ACCOUNT_ID}/deployments/aoai-harden-verify-rbac-probe' or the scope is invalid.`,
            },
          },
          { 'x-ms-correlation-request-id': correlationId },
        );
      }
      if (req.method === 'POST' && path === `${ACCOUNT_ID}/listKeys`) {
        if (weak.keyAuth) return send(res, 200, { key1: 'k1-secret', key2: 'k2-secret' });
        // docs/field-facts.md §4.2 (message as captured, truncated there).
        return send(res, 400, {
          error: { code: 'BadRequest', message: 'Failed to list key. disableLocalAuth is set to be true' },
        });
      }
      if (req.method !== 'GET') {
        return send(res, 405, { error: { code: 'MethodNotAllowed', message: req.method } });
      }
      if (path === `${sub}/providers/Microsoft.Insights/eventtypes/management/values`) {
        const filter = url.searchParams.get('$filter') ?? '';
        if (!/eventTimestamp ge '[^']+' and eventTimestamp le '[^']+'/.test(filter)) {
          return send(res, 400, {
            error: { code: 'BadRequest', message: 'The $filter must contain eventTimestamp ge and le.' },
          });
        }
        const corr = /correlationId eq '([^']+)'/.exec(filter)?.[1];
        // Activity Log events are listed a few minutes after the operation.
        const ready = activity.filter((e) => clock.now() >= Date.parse(e.eventTimestamp) + 120_000);
        return send(res, 200, { value: ready.filter((e) => !corr || e.correlationId === corr) });
      }
      // The account's private endpoint, its NIC and VNet (learn.microsoft.com/rest/api/virtualnetwork: private-endpoints/get,
      // network-interfaces/get, virtual-networks/get; accounts/get lists privateEndpointConnections).
      const rg = `${sub}/resourceGroups/rg-aoai/providers/Microsoft.Network`;
      const nicAddress = behaviour.sharedAddressSpace ? '100.64.1.5' : NIC_ADDRESS;
      if (path === ACCOUNT_ID) {
        return send(res, 200, {
          id: ACCOUNT_ID,
          properties: {
            privateEndpointConnections: [
              { properties: { privateEndpoint: { id: `${rg}/privateEndpoints/pe-aoai-test` } } },
            ],
          },
        });
      }
      if (path === `${rg}/privateEndpoints/pe-aoai-test`) {
        return send(res, 200, {
          properties: {
            subnet: { id: `${rg}/virtualNetworks/vnet-aoai/subnets/snet-pe` },
            networkInterfaces: [{ id: `${rg}/networkInterfaces/pe-aoai-test.nic` }],
          },
        });
      }
      if (path === `${rg}/networkInterfaces/pe-aoai-test.nic`) {
        return send(res, 200, {
          properties: { ipConfigurations: [{ properties: { privateIPAddress: nicAddress } }] },
        });
      }
      if (path === `${rg}/virtualNetworks/vnet-aoai`) {
        return send(res, 200, {
          properties: {
            addressSpace: { addressPrefixes: [behaviour.sharedAddressSpace ? '100.64.0.0/16' : VNET_PREFIX] },
          },
        });
      }
      if (path === WORKSPACE_ID) {
        return send(res, 200, {
          id: WORKSPACE_ID,
          properties: { customerId: WORKSPACE_GUID, retentionInDays: weak.retentionDays ?? 365 },
        });
      }
      const table = new RegExp(`^${WORKSPACE_ID}/tables/(\\w+)$`).exec(path)?.[1];
      if (table) {
        const days = weak.retentionDays ?? 365;
        return send(res, 200, {
          properties: {
            retentionInDays: days,
            totalRetentionInDays: days,
            retentionInDaysAsDefault: true,
            plan: 'Analytics',
          },
        });
      }
      const rule = /\/providers\/Microsoft\.Insights\/scheduledQueryRules\/aoai-test-(.+)$/.exec(path)?.[1];
      if (
        path.startsWith(`${sub}/resourceGroups/rg-aoai/providers/Microsoft.Insights/scheduledQueryRules/`)
      ) {
        if (!rule || !DETECTIONS.some((d) => d.key === rule)) {
          return send(res, 404, { error: { code: 'ResourceNotFound', message: 'not found' } });
        }
        return send(res, 200, { id: path, properties: { enabled: ruleEnabled(rule), severity: 3 } });
      }
      const other =
        /\/providers\/Microsoft\.Insights\/(metricAlerts|activityLogAlerts)\/aoai-test-(.+)$/.exec(path);
      if (other && path.startsWith(`${sub}/resourceGroups/rg-aoai/`)) {
        const known =
          other[1] === 'metricAlerts'
            ? METRIC_ALERTS.some((m) => m.key === other[2])
            : other[2] === 'config-change';
        if (!known) return send(res, 404, { error: { code: 'ResourceNotFound', message: 'not found' } });
        return send(res, 200, { id: path, properties: { enabled: ruleEnabled(other[2]) } });
      }
      if (path === `${sub}/providers/Microsoft.AlertsManagement/alerts`) {
        const ruleId = url.searchParams.get('alertRule') ?? '';
        const key =
          /\/(?:scheduledQueryRules|metricAlerts|activityLogAlerts)\/aoai-test-(.+)$/.exec(ruleId)?.[1] ?? '';
        const metric = METRIC_ALERTS.find((m) => m.key === key);
        // A metric alert fires once more filtered prompts than its threshold were counted (RAI* metrics).
        const triggers = metric
          ? // Blocklist hits are calls the content filter rejected (RAIRejectedRequests), not harm-classifier flags.
            metric.metricName === 'RAIRejectedRequests' && filteredAt.length > metric.threshold
            ? [{ at: filteredAt[metric.threshold] }]
            : []
          : detectionRows(key);
        const rows = ruleEnabled(key) ? triggers : [];
        const fired = rows.filter((r) => clock.now() >= r.at + ALERT_DELAY_MS).slice(0, 1);
        return send(res, 200, {
          value: fired.map((r) => ({
            properties: {
              essentials: {
                alertRule: ruleId,
                monitorCondition: 'Fired',
                alertState: 'New',
                severity: 'Sev3',
                signalType: 'Log',
                startDateTime: new Date(r.at + ALERT_DELAY_MS).toISOString(),
              },
            },
          })),
        });
      }
      send(res, 404, { error: { code: 'ResourceNotFound', message: path } });
    },
    faults.arm,
  );

  const logs = await listen(
    'logs',
    (req, res, body) => {
      if (req.method !== 'POST' || req.url !== `/v1/workspaces/${WORKSPACE_GUID}/query`) {
        return send(res, 404, { error: { code: 'PathNotFoundError', message: req.url } });
      }
      if (!req.headers.authorization) {
        return send(res, 401, { error: { code: 'AuthenticationFailed', message: 'no token' } });
      }
      if (whoIs(req.headers.authorization) !== 'logs-workload') {
        return send(res, 403, {
          error: { code: 'InvalidAuthenticationTokenAudience', message: 'wrong audience' },
        });
      }
      // docs/field-facts.md §5.1: without the JSON body and content type the service answers an empty 200.
      if (!/application\/json/.test(req.headers['content-type'] ?? '') || typeof body?.query !== 'string') {
        return send(res, 200);
      }
      if (typeof body.timespan !== 'string' || !body.timespan.includes('/')) {
        return send(res, 400, { error: { code: 'BadArgumentError', message: 'timespan' } });
      }
      const [from, to] = body.timespan.split('/').map((t: string) => Date.parse(t));
      const inWindow = (r: LogRecord) => r.at >= from && r.at <= to;
      const table = (name: string, rows: unknown[][]) =>
        send(res, 200, { tables: [{ name: 'PrimaryResult', columns: [{ name, type: 'string' }], rows }] });
      const ids = /CorrelationId in \(([^)]*)\)/.exec(body.query)?.[1];
      if (ids && body.query.startsWith('AzureDiagnostics')) {
        const wanted = new Set([...ids.matchAll(/"([^"]+)"/g)].map((m) => m[1]));
        return table(
          'CorrelationId',
          visible()
            .filter((r) => r.table === 'AzureDiagnostics' && wanted.has(r.CorrelationId) && inWindow(r))
            .map((r) => [r.CorrelationId]),
        );
      }
      const detection = DETECTIONS.find((d) => d.query === body.query);
      if (detection) {
        return table(
          'CorrelationId',
          detectionRows(detection.key)
            .filter(inWindow)
            .map((r) => [r.CorrelationId]),
        );
      }
      send(res, 400, {
        error: { code: 'BadArgumentError', message: 'The fake workspace does not know this query.' },
      });
    },
    faults.logs,
  );

  const dns: DnsResolver = {
    async resolveCname(name) {
      if (weak.publicDns) return name === DNS_NAME ? ['eastus.api.cognitive.microsoft.com'] : [];
      if (name === DNS_NAME) return ['aoai-test.privatelink.openai.azure.com'];
      if (name === 'aoai-test.privatelink.openai.azure.com' && options.outside) {
        return ['eastus.api.cognitive.microsoft.com'];
      }
      return [];
    },
    async lookup(name) {
      if (name !== DNS_NAME) {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      }
      if (weak.publicDns || options.outside) return ['20.62.1.10'];
      return [weak.resolvesTo ?? (behaviour.sharedAddressSpace ? '100.64.1.5' : NIC_ADDRESS)];
    },
  };

  return {
    dataPlane,
    arm,
    logs,
    clock,
    dns,
    seen,
    deletes,
    close: async () => {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
