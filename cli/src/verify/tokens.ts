import {
  DefaultAzureCredential,
  ManagedIdentityCredential,
  TokenCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { Audience, Identity, IdentityError, SCOPES, TokenSource, VerifyConfig } from './model';

/**
 * Tokens from @azure/identity; only `verify` loads this module, so `check` never pays for it. A pre-acquired
 * data-plane token can be given in AZURE_OPENAI_AD_TOKEN, and the invoke-only identity's ARM token in
 * AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN.
 *
 * DefaultAzureCredential passes a client ID only to its managed-identity and workload-identity members; the
 * environment (client secret) and Azure CLI credentials ahead of them ignore it (docs/field-facts.md §7). So an
 * identity named by a client ID gets its own credential, built directly: WorkloadIdentityCredential where a
 * federated token file is configured (AZURE_FEDERATED_TOKEN_FILE, AZURE_TENANT_ID), else
 * ManagedIdentityCredential. Without a client ID the workload is whoever DefaultAzureCredential finds, and the
 * invoke-only identity has no credential at all. guardTokens then checks every token's claims.
 */
export function credentialFor(clientId: string | undefined, env: NodeJS.ProcessEnv): TokenCredential {
  if (!clientId) return new DefaultAzureCredential();
  if (env.AZURE_FEDERATED_TOKEN_FILE) {
    return new WorkloadIdentityCredential({
      clientId,
      tenantId: env.AZURE_TENANT_ID,
      tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE,
    });
  }
  return new ManagedIdentityCredential({ clientId });
}

export function defaultTokenSource(options: {
  readonly workloadClientId?: string;
  readonly invokeOnlyClientId?: string;
  readonly env?: NodeJS.ProcessEnv;
}): TokenSource {
  const env = options.env ?? process.env;
  const credentials = new Map<Identity, TokenCredential>();
  const cache = new Map<string, Promise<string>>();
  const credential = (identity: Identity) => {
    const clientId = identity === 'invoke-only' ? options.invokeOnlyClientId : options.workloadClientId;
    if (identity === 'invoke-only' && !clientId) {
      throw new IdentityError(
        'no invoke-only identity: give invokeOnlyClientId or its ARM token in AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN',
      );
    }
    if (!credentials.has(identity)) credentials.set(identity, credentialFor(clientId, env));
    return credentials.get(identity)!;
  };
  return (audience: Audience, identity: Identity) => {
    if (audience === 'cognitive' && identity === 'workload' && env.AZURE_OPENAI_AD_TOKEN) {
      return Promise.resolve(env.AZURE_OPENAI_AD_TOKEN);
    }
    // A pipeline signed in as one principal can hand over the invoke-only identity's ARM token
    // (`az account get-access-token --resource https://management.azure.com` as that identity).
    if (audience === 'arm' && identity === 'invoke-only' && env.AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN) {
      return Promise.resolve(env.AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN);
    }
    const key = `${audience}/${identity}`;
    if (!cache.has(key)) {
      cache.set(
        key,
        (async () => {
          const token = await credential(identity).getToken(SCOPES[audience]);
          if (!token?.token) throw new Error(`no ${audience} token for the ${identity} identity`);
          return token.token as string;
        })(),
      );
    }
    return cache.get(key)!;
  };
}

/** The claims verify reads from an Entra access token (learn.microsoft.com/entra/identity-platform/access-token-claims-reference). */
export interface TokenClaims {
  /** Object ID of the principal the token was issued to. */
  readonly oid?: string;
  /** Client (application) ID: `appid` in v1.0 tokens, `azp` in v2.0 tokens. */
  readonly appid?: string;
  readonly azp?: string;
  readonly aud?: string;
}

/** The payload of a JWT, or undefined when the token is not one. The signature is not checked: the service does that. */
export function decodeToken(token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? claims : undefined;
  } catch {
    return undefined;
  }
}

function clientOf(claims: TokenClaims): string | undefined {
  return claims.appid ?? claims.azp;
}

const same = (a?: string, b?: string) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/**
 * Every token is checked before it is sent: a token of an identity named by a client ID must carry that client ID
 * (appid/azp), and the invoke-only identity must not be the pipeline's own principal (the same `oid` as the
 * workload's ARM token). Otherwise the checks that need it refuse to run (IdentityError): IA-3 run as the
 * pipeline's principal would test the wrong role assignments.
 */
export function guardTokens(
  source: TokenSource,
  config: Pick<VerifyConfig, 'workloadClientId' | 'invokeOnlyClientId'>,
): TokenSource {
  const checked = new Map<string, Promise<string>>();
  const check = async (audience: Audience, identity: Identity, token: string): Promise<string> => {
    const expected = identity === 'invoke-only' ? config.invokeOnlyClientId : config.workloadClientId;
    const claims = decodeToken(token);
    if (!claims) {
      if (identity === 'workload' && !expected) return token;
      throw new IdentityError(
        `the ${identity} ${audience} token is not a JWT, so verify cannot tell whose it is; refusing to use it`,
      );
    }
    if (expected && !same(clientOf(claims), expected)) {
      throw new IdentityError(
        `the ${identity} ${audience} token belongs to client ${clientOf(claims) ?? '(none)'} (oid ${claims.oid ?? '?'}), not the configured ${expected}: the credential found another identity (a client secret in the environment, an az login); refusing to run as it`,
      );
    }
    if (identity === 'invoke-only') {
      const own = decodeToken(await source('arm', 'workload'));
      if (!own?.oid) {
        throw new IdentityError(
          "cannot read the pipeline's own principal (oid of its ARM token), so the invoke-only identity cannot be told apart from it; refusing to run",
        );
      }
      if (same(own.oid, claims.oid)) {
        throw new IdentityError(
          `the invoke-only token is the pipeline's own principal (oid ${claims.oid}): IA-3 would test the pipeline's roles, not the invoke-only identity's; refusing to run`,
        );
      }
    }
    return token;
  };
  return async (audience, identity) => {
    const token = await source(audience, identity);
    const key = `${audience}/${identity}/${token}`;
    if (!checked.has(key)) checked.set(key, check(audience, identity, token));
    return checked.get(key)!;
  };
}
