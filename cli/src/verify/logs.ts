import { LogsQueryClient } from '@azure/monitor-query-logs';
import { hostProblem, isLoopback } from './http';
import { ServiceError, VerifyContext } from './model';

/**
 * Log Analytics queries through @azure/monitor-query-logs (the maintained successor of @azure/monitor-query,
 * docs/field-facts.md §5.2): it owns the query API's request shape (POST /workspaces/{id}/query with a timespan
 * interval and the Prefer wait header) and its response parsing, including the HTTP-200 PartialError case.
 * Only `verify` loads this module, so `check` never loads the client.
 *
 * Two pipeline changes: its retry policy is off (each poll is our retry, and an unreachable service must surface
 * as an error within our timeout), and its bearer policy, which refuses plain http, is replaced by one that
 * applies our host policy, so tests can point it at a fake on 127.0.0.1 and tokens go nowhere else.
 */

export interface LogRows {
  readonly columns: string[];
  readonly rows: unknown[][];
}

export interface LogsQuerier {
  query(kql: string, since: Date, until: Date): Promise<LogRows>;
}

export function logsQuerier(ctx: VerifyContext, workspaceGuid: string): LogsQuerier {
  const base = ctx.config.logsEndpoint.replace(/\/+$/, '');
  const problem = hostProblem(base, 'logs');
  if (problem) throw new ServiceError(`refusing to send credentials: ${problem}`);
  const credential = {
    getToken: async () => ({
      token: await ctx.getToken('logs', 'workload'),
      expiresOnTimestamp: ctx.now() + 60_000,
    }),
  };
  const client = new LogsQueryClient(credential, {
    endpoint: `${base}/v1`,
    retryOptions: { maxRetries: 0 },
  });
  client.pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
  const timeoutMs = ctx.config.requestTimeoutSeconds * 1000;
  client.pipeline.addPolicy({
    name: 'aoaiHardenAuthAndTimeout',
    async sendRequest(request: any, next: any) {
      const url = new URL(request.url);
      if (url.protocol !== 'https:') {
        if (!isLoopback(url)) throw new Error(`refusing plain http to ${url.host}`);
        request.allowInsecureConnection = true;
      }
      const bad = hostProblem(request.url, 'logs');
      if (bad) throw new Error(`refusing to send credentials: ${bad}`);
      request.headers.set('authorization', `Bearer ${await ctx.getToken('logs', 'workload')}`);
      request.timeout = timeoutMs;
      return next(request);
    },
  });
  return {
    async query(kql, since, until) {
      let result: any;
      try {
        result = await Promise.race([
          client.queryWorkspace(
            workspaceGuid,
            kql,
            { startTime: since, endTime: until },
            { serverTimeoutInSeconds: ctx.config.requestTimeoutSeconds },
          ),
          new Promise((_, reject) =>
            setTimeout(
              () => reject(new Error(`no answer within ${timeoutMs / 1000} s`)),
              timeoutMs + 1000,
            ).unref(),
          ),
        ]);
      } catch (e) {
        const err = e as any;
        throw new ServiceError(
          `Log Analytics query failed: ${err.statusCode ? `HTTP ${err.statusCode} ` : ''}${err.code ? `${err.code} ` : ''}${err.message}`,
        );
      }
      if (result.status === 'PartialFailure') {
        throw new ServiceError(
          `Log Analytics answered a partial result: ${result.partialError?.message ?? 'PartialError'}`,
        );
      }
      const table = result.tables?.[0];
      // An empty 200 (missing body) is "no evidence", never a pass (docs/field-facts.md §5.1).
      if (!table) return { columns: [], rows: [] };
      return { columns: table.columnDescriptors.map((c: any) => c.name), rows: table.rows };
    },
  };
}

/** KQL string literal. */
export function kqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
