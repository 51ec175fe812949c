import { DefaultAzureCredential } from '@azure/identity';
import { Audience, Identity, SCOPES, TokenSource } from './model';

/**
 * Tokens from @azure/identity's DefaultAzureCredential (managed identity, workload identity federation in CI,
 * or the Azure CLI login); only `verify` loads this module, so `check` never pays for it. A pre-acquired data-plane
 * token can be given in AZURE_OPENAI_AD_TOKEN, and the invoke-only identity's
 * ARM token in AOAI_VERIFY_INVOKE_ONLY_ARM_TOKEN.
 */
export function defaultTokenSource(options: {
  readonly workloadClientId?: string;
  readonly invokeOnlyClientId?: string;
  readonly env?: NodeJS.ProcessEnv;
}): TokenSource {
  const env = options.env ?? process.env;
  const credentials = new Map<Identity, DefaultAzureCredential>();
  const cache = new Map<string, Promise<string>>();
  const credentialFor = (identity: Identity) => {
    if (!credentials.has(identity)) {
      const clientId = identity === 'invoke-only' ? options.invokeOnlyClientId : options.workloadClientId;
      credentials.set(
        identity,
        new DefaultAzureCredential(
          clientId ? { managedIdentityClientId: clientId, workloadIdentityClientId: clientId } : {},
        ),
      );
    }
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
          const token = await credentialFor(identity).getToken(SCOPES[audience]);
          if (!token?.token) throw new Error(`no ${audience} token for the ${identity} identity`);
          return token.token as string;
        })(),
      );
    }
    return cache.get(key)!;
  };
}
