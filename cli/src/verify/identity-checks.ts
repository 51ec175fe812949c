import { COGNITIVE_API_VERSION } from '../core';
import { pollUntil, VerifyCheck } from './check';
import { call, describe, errorCode, errorMessage } from './http';
import { parseArmId, SkipCheck, VerifyContext } from './model';
import { benignCall, chat } from './probes';

/** Name of the deployment the RBAC probe tries to create; the model does not exist, see VERIFY-IAM-003. */
export const RBAC_PROBE_DEPLOYMENT = 'aoai-harden-verify-rbac-probe';

/** Activity Log list API (learn.microsoft.com/rest/api/monitor/activity-logs/list). */
const ACTIVITY_LOG_API_VERSION = '2015-04-01';

function armBase(ctx: VerifyContext): string {
  return ctx.config.armEndpoint.replace(/\/+$/, '');
}

/** Deletion is asynchronous (202, then the resource goes away): how long verify waits to see it gone. */
const CLEANUP_WAIT_MS = 5 * 60_000;

/**
 * Find the probe deployment (GET as the workload) and, when it exists, delete it (as the invoke-only identity that
 * wrote it, else the workload) and wait until ARM answers 404. Returns what happened, or undefined when there was
 * nothing to remove. Never throws: a failed cleanup is reported, with the command that finishes it.
 */
async function removeProbeDeployment(ctx: VerifyContext, url: string): Promise<string | undefined> {
  const manual = `delete it by hand: az cognitiveservices account deployment delete --deployment-name ${RBAC_PROBE_DEPLOYMENT} ...`;
  try {
    const found = await call(ctx, url, { audience: 'arm' });
    if (found.status === 404) return undefined;
    if (found.status !== 200) {
      return `could not check whether ${RBAC_PROBE_DEPLOYMENT} exists (${describe(found)})`;
    }
    let deleted = await call(ctx, url, { method: 'DELETE', audience: 'arm', identity: 'invoke-only' });
    if (deleted.status >= 300) deleted = await call(ctx, url, { method: 'DELETE', audience: 'arm' });
    if (deleted.status >= 300) {
      return `deployment ${RBAC_PROBE_DEPLOYMENT} exists and could not be deleted (${describe(deleted)}): ${manual}`;
    }
    const gone = await pollUntil(
      ctx,
      'VERIFY-IAM-003',
      `removal of ${RBAC_PROBE_DEPLOYMENT}`,
      ctx.now() + CLEANUP_WAIT_MS,
      async () => ((await call(ctx, url, { audience: 'arm' })).status === 404 ? true : undefined),
    );
    return gone.found
      ? `deployment ${RBAC_PROBE_DEPLOYMENT} existed and was removed (DELETE ${deleted.status}, then 404)`
      : `deployment ${RBAC_PROBE_DEPLOYMENT} was deleted (DELETE ${deleted.status}) but still exists after ${CLEANUP_WAIT_MS / 1000} s: ${manual}`;
  } catch (e) {
    return `could not remove ${RBAC_PROBE_DEPLOYMENT} (${(e as Error).message}): ${manual}`;
  }
}

export const IDENTITY_CHECKS: readonly VerifyCheck[] = [
  {
    id: 'VERIFY-IAM-001',
    checklistItem: 'IA-1',
    family: 'identity',
    title: 'A call with an API key is rejected with 403 AuthenticationTypeDisabled',
    phase: 'probe',
    runsFrom: 'vnet',
    vantageReason:
      'from outside the network refusal may answer first (the precedence is undocumented, docs/field-facts.md §4.2), which says nothing about key auth',
    async run(ctx, state) {
      // Key auth disabled answers 403 AuthenticationTypeDisabled; the guide's "401" is what an invalid key gets
      // while key auth is still ON (docs/field-facts.md §4.2). So an invalid key is a valid probe, and 401 fails.
      const answer = await chat(ctx, state, ctx.config.deployments[0], 'ping', { apiKey: ctx.apiKey });
      state.exercised.set(
        'api-key-auth',
        `one api-key call to ${ctx.config.deployments[0]} (${describe(answer)})`,
      );
      if (answer.status === 403 && errorCode(answer) === 'AuthenticationTypeDisabled') {
        return { status: 'pass', detail: describe(answer) };
      }
      if (answer.status === 401) {
        // A 401 refuses the key itself (invalid, or not this account's) before the service says whether key auth
        // is disabled: it decides nothing (docs/field-facts.md §4.2).
        return {
          status: 'inconclusive',
          detail: `${describe(answer)}: the service refused the key itself before saying whether key auth is disabled; give the account's key in AZURE_OPENAI_API_KEY (it is never printed) to decide, VERIFY-IAM-005 asks ARM`,
        };
      }
      const why =
        answer.status === 200
          ? 'the key was accepted: key-based authentication is enabled'
          : 'not the answer of an account with local auth disabled';
      return {
        status: 'fail',
        detail: `expected 403 AuthenticationTypeDisabled, got ${describe(answer)}: ${why}`,
      };
    },
  },
  {
    id: 'VERIFY-IAM-005',
    checklistItem: 'IA-1',
    family: 'identity',
    title: 'ARM refuses to list the account keys (local auth disabled)',
    phase: 'probe',
    async run(ctx) {
      // With disableLocalAuth, listKeys answers 400 BadRequest "Failed to list key. disableLocalAuth ..."
      // (docs/field-facts.md §4.2). The keys of a 200 are never printed.
      const url = `${armBase(ctx)}${ctx.config.accountId}/listKeys?api-version=${COGNITIVE_API_VERSION}`;
      const answer = await call(ctx, url, { method: 'POST', audience: 'arm' });
      // The captured message is truncated after "disableLocalAut", so match that much.
      if (answer.status === 400 && /Failed to list key.*disableLocalAut/is.test(errorMessage(answer))) {
        return { status: 'pass', detail: describe(answer) };
      }
      if (answer.status === 403 && errorCode(answer) === 'AuthorizationFailed') {
        throw new SkipCheck(
          'this identity may not list keys (403 AuthorizationFailed), so ARM did not say whether local auth is off; VERIFY-IAM-001 covers it from the data plane',
        );
      }
      if (answer.status === 200) {
        return {
          status: 'fail',
          detail: 'ARM returned the account keys: local (key) authentication is enabled',
        };
      }
      return {
        status: 'fail',
        detail: `expected 400 "Failed to list key. disableLocalAuth ...", got ${describe(answer)}`,
      };
    },
  },
  {
    id: 'VERIFY-IAM-002',
    checklistItem: 'IA-2',
    family: 'identity',
    title: "The workload identity's Entra ID call is accepted",
    phase: 'probe',
    runsFrom: 'vnet',
    vantageReason: 'with public access disabled the data plane only answers inside the VNet',
    async run(ctx, state) {
      const details: string[] = [];
      let ok = true;
      for (const deployment of ctx.config.deployments) {
        const answer = await benignCall(ctx, state, deployment);
        ok &&= answer.status === 200;
        details.push(`${deployment}: ${describe(answer)}`);
      }
      return { status: ok ? 'pass' : 'fail', detail: details.join('; ') };
    },
  },
  {
    id: 'VERIFY-IAM-003',
    checklistItem: 'IA-3',
    family: 'identity',
    title:
      'An identity with only the invoke role is refused (AuthorizationFailed) when it creates a deployment',
    phase: 'probe',
    async run(ctx, state) {
      if (!ctx.config.invokeOnlyClientId && !ctx.invokeOnlyTokenGiven) {
        throw new SkipCheck(
          'no invoke-only identity configured: give invokeOnlyClientId (--invoke-only-client-id), the client ID of an identity holding only Cognitive Services OpenAI User, or its ARM token in AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN',
        );
      }
      // ARM authorizes a request before forwarding it to the resource provider
      // (learn.microsoft.com/azure/azure-resource-manager/management/overview), so a model that does not exist
      // still proves the denial, and an identity that IS allowed gets the provider's 400 instead of creating
      // anything.
      const url = `${armBase(ctx)}${ctx.config.accountId}/deployments/${RBAC_PROBE_DEPLOYMENT}?api-version=${COGNITIVE_API_VERSION}`;
      const at = ctx.now();
      const answer = await call(ctx, url, {
        method: 'PUT',
        audience: 'arm',
        identity: 'invoke-only',
        body: {
          sku: { name: 'Standard', capacity: 1 },
          properties: { model: { format: 'OpenAI', name: 'aoai-harden-verify-no-such-model', version: '1' } },
        },
      });
      const code = errorCode(answer);
      // Whatever ARM answered, a probe deployment that exists (this run's, or one an earlier run left) is removed.
      const cleanup = await removeProbeDeployment(ctx, url);
      if (answer.status === 403 && code === 'AuthorizationFailed') {
        // ARM returns the request's correlation ID; the Activity Log event carries the same correlationId.
        state.rbacProbe = {
          at,
          correlationId: answer.headers.get('x-ms-correlation-request-id') ?? undefined,
        };
        state.exercised.set('rbac-denied', `one denied deployment write by the invoke-only identity`);
        return { status: 'pass', detail: `${describe(answer)}${cleanup ? `; ${cleanup}` : ''}` };
      }
      const why =
        answer.status < 300
          ? `ARM accepted the write of deployment ${RBAC_PROBE_DEPLOYMENT}: remove the role that allowed it`
          : answer.status === 401
            ? 'ARM did not accept the token; the check could not see an authorization decision'
            : 'ARM let the request through to the service, so the identity may write deployments';
      return {
        status: 'fail',
        detail: `expected 403 AuthorizationFailed, got ${describe(answer)}: ${why}${cleanup ? `; ${cleanup}` : ''}`,
      };
    },
  },
  {
    id: 'VERIFY-IAM-004',
    checklistItem: 'IA-4',
    family: 'identity',
    title: 'The denied deployment write appears in the Activity Log',
    phase: 'observe',
    async run(ctx, state) {
      const probe = state.rbacProbe;
      if (!probe) {
        throw new SkipCheck('needs the denial from VERIFY-IAM-003, which did not produce one in this run');
      }
      const account = parseArmId(ctx.config.accountId, 'Microsoft.CognitiveServices/accounts')!;
      const from = new Date(probe.at - 60_000).toISOString();
      const deadline = ctx.now() + ctx.config.alertWaitSeconds * 1000;
      const result = await pollUntil(ctx, 'VERIFY-IAM-004', 'Activity Log', deadline, async () => {
        const to = new Date(ctx.now() + 60_000).toISOString();
        // The list API accepts only a few filter shapes, among them a correlation ID or a resource group.
        const scope = probe.correlationId
          ? `correlationId eq '${probe.correlationId}'`
          : `resourceGroupName eq '${account.resourceGroup}'`;
        const filter = `eventTimestamp ge '${from}' and eventTimestamp le '${to}' and ${scope}`;
        const url = `${armBase(ctx)}/subscriptions/${account.subscription}/providers/Microsoft.Insights/eventtypes/management/values?api-version=${ACTIVITY_LOG_API_VERSION}&$filter=${encodeURIComponent(filter)}`;
        const answer = await call(ctx, url, { audience: 'arm' });
        if (answer.status !== 200) throw new Error(`Activity Log: ${describe(answer)}`);
        return (answer.json?.value ?? []).find(
          (e: any) =>
            /\/deployments\/write$/i.test(String(e?.operationName?.value ?? '')) &&
            /^fail/i.test(String(e?.status?.value ?? '')) &&
            String(e?.resourceId ?? '')
              .toLowerCase()
              .includes(RBAC_PROBE_DEPLOYMENT),
        );
      });
      if (result.found) {
        const e = result.found;
        return {
          status: 'pass',
          detail: `${e.operationName.value} ${e.status.value}${e.subStatus?.value ? `/${e.subStatus.value}` : ''} by ${e.caller ?? '?'} at ${e.eventTimestamp}`,
        };
      }
      if (result.lastError) throw result.lastError;
      return {
        status: 'fail',
        detail: `no failed deployments/write for ${RBAC_PROBE_DEPLOYMENT} in the Activity Log after ${ctx.config.alertWaitSeconds} s`,
      };
    },
  },
];
