/**
 * Secrets stay out (issue 13): webhook URIs from sensitive variables never reach cdk.tf.json or the hardening
 * reports; error messages redact credentials; `aoai-harden verify` (which absorbed verify-content-filter) sends its
 * Entra ID token only to Azure OpenAI / AI Services hosts unless --allow-endpoint-host names another. A scan looks for secret-looking strings in all of
 * the synthesized output and in every error message these inputs produce.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, Aspects, TerraformStack, TerraformVariable } from 'cdktf';
import { HardenedAzureOpenAI, HardeningChecks, SubscriptionCoverage } from '../lib';
import { PLANTED_SECRETS, SECRET_SHAPES, errorMessageLeak } from './secret-shapes';
import { runVerifyCli } from '../cli/src/commands/verify';
import { hostProblem } from '../cli/src/verify/http';
import { HardeningConfigError, safeErrorMessage } from '../lib/validation';
import { ConfigError, loadAppConfig } from '../stacks/config';

const PLANTED = PLANTED_SECRETS;
function assertNoSecrets(where: string, text: string): void {
  for (const planted of PLANTED) {
    expect({ where, found: text.includes(planted) }).toEqual({ where, found: false });
  }
  for (const shape of SECRET_SHAPES) {
    expect({ where, match: shape.exec(text)?.[0] }).toEqual({ where, match: undefined });
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const base = {
  account: { name: 'aoai-secrets', resourceGroupName: 'rg-secrets', location: 'swedencentral' },
  networking: {
    newNetwork: {
      name: 'vnet-secrets',
      addressSpace: '10.20.0.0/16',
      endpointSubnetCidr: '10.20.1.0/24',
      appSubnetCidrs: ['10.20.2.0/24'],
    },
  },
};

describe('webhook receivers from sensitive variables', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'aoai-secrets-'));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  test('the value never lands in cdk.tf.json or a report', () => {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'secrets');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    const hook = new TerraformVariable(stack, 'security_webhook', { type: 'string', sensitive: true });
    const hooks = new TerraformVariable(stack, 'change_webhooks', { type: 'list(string)', sensitive: true });
    new HardenedAzureOpenAI(stack, 'AzureOpenAI', {
      ...base,
      monitoring: {
        subscriptionCoverage: SubscriptionCoverage.managedElsewhere(
          'test: the platform team owns the baseline',
        ),
        securityTeam: { webhookUris: [hook.stringValue] },
        changeManagement: { webhookUris: hooks.listValue },
      },
    });
    Aspects.of(stack).add(new HardeningChecks({ writeReports: true, printSummary: false }));
    // The value is supplied at plan time (TF_VAR_security_webhook); synth sees only the reference.
    process.env.TF_VAR_security_webhook = `https://prod.logic.azure.com/x?sig=${PLANTED[0]}`;
    try {
      app.synth();
    } finally {
      delete process.env.TF_VAR_security_webhook;
    }
    const files = filesUnder(outdir);
    const tfJson = files.find((f) => f.endsWith('cdk.tf.json'))!;
    const reports = files.filter((f) => /hardening-report\.(json|md|sarif)$/.test(f));
    expect(reports).toHaveLength(3);
    const json = JSON.parse(readFileSync(tfJson, 'utf8'));
    const security = Object.values<any>(json.resource.azurerm_monitor_action_group).find((g) =>
      g.name.endsWith('-security'),
    );
    expect(security.webhook_receiver[0].service_uri).toBe('${var.security_webhook}');
    expect(json.variable.security_webhook.sensitive).toBe(true);
    for (const file of files) assertNoSecrets(file, readFileSync(file, 'utf8'));
  });
});

describe('error messages never print secrets', () => {
  const secretInputs: Array<[string, () => void]> = [
    [
      'literal Logic App webhook',
      () =>
        new HardenedAzureOpenAI(new TerraformStack(new App(), 's'), 'A', {
          ...base,
          monitoring: {
            securityTeam: {
              webhookUris: [
                `https://prod.logic.azure.com/workflows/1/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers&sv=1.0&sig=${PLANTED[0]}`,
              ],
            },
          },
        }),
    ],
    [
      'literal Functions webhook over http',
      () =>
        new HardenedAzureOpenAI(new TerraformStack(new App(), 's'), 'A', {
          ...base,
          monitoring: {
            finOps: { webhookUris: [`http://fn.azurewebsites.net/api/hook?code=${PLANTED[1]}`] },
          },
        }),
    ],
    [
      'webhook with user info',
      () =>
        new HardenedAzureOpenAI(new TerraformStack(new App(), 's'), 'A', {
          ...base,
          monitoring: {
            changeManagement: { webhookUris: [`https://ops:${PLANTED[2]}@itsm.contoso.com/hook`] },
          },
        }),
    ],
  ];
  test.each(secretInputs)('%s', (_name, run) => {
    let message = '';
    try {
      run();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/invalid value/);
    assertNoSecrets('error message', message);
  });
});

describe('verify sends the data-plane token only to Azure OpenAI endpoints (the content-filter suite)', () => {
  const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJjb2duaXRpdmUifQ.signature';
  const ACCOUNT =
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/aoai';
  let calls: Array<{ url: string; auth: string }>;
  const fakeFetch = (async (url: string, init: any) => {
    calls.push({ url: String(url), auth: init.headers.Authorization ?? init.headers.authorization });
    return new Response(
      JSON.stringify({ error: { code: 'content_filter', innererror: { content_filter_result: {} } } }),
      { status: 400 },
    );
  }) as any;
  beforeEach(() => {
    calls = [];
  });
  const run = async (endpoint: string, ...extra: string[]) => {
    let out = '';
    let err = '';
    const args = [
      '--from',
      'vnet',
      '--endpoint',
      endpoint,
      '--account-id',
      ACCOUNT,
      '--deployments',
      'gpt-4o',
    ];
    // Virtual time: the blocklist case polls through propagation (never a real wait in a test).
    let t = 0;
    const code = await runVerifyCli(
      [...args, '--only', 'VERIFY-CS-001', '--blocklist-term', 'planted-term', '--timeout', '1', ...extra],
      { out: (s) => (out += s), err: (s) => (err += s) },
      {
        fetch: fakeFetch,
        getToken: async () => TOKEN,
        env: {},
        now: () => t,
        sleep: async (ms) => {
          t += ms;
        },
      },
    );
    return { code, out, err };
  };

  test.each([
    ['a host off Azure', 'https://attacker.example.com/'],
    ['an Azure suffix followed by another domain', 'https://aoai.openai.azure.com.attacker.example/'],
    ['two labels before the suffix', 'https://a.b.openai.azure.com/'],
    ['plain http', 'http://aoai.openai.azure.com/'],
    ['user info in the URL', `https://me:${PLANTED[2]}@aoai.openai.azure.com/`],
    ['a host off Azure with a SAS query', `https://evil.example.com/?sig=${PLANTED[0]}`],
  ])('refuses %s without sending anything, and echoes no secret', async (_label, endpoint) => {
    const r = await run(endpoint);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^aoai-harden verify: endpoint: /);
    expect(calls).toEqual([]);
    assertNoSecrets('cli stderr', r.err + r.out);
  });

  test.each([
    'https://aoai-prod.openai.azure.com/',
    'https://aoai-prod.cognitiveservices.azure.com/',
    'https://aoai-prod.services.ai.azure.com/',
  ])('sends the token to %s', async (endpoint) => {
    await run(endpoint);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.url.startsWith(endpoint) && c.auth === `Bearer ${TOKEN}`)).toBe(true);
  });

  test('another host only when --allow-endpoint-host names it exactly', async () => {
    const refused = await run('https://apim.contoso.com/', '--allow-endpoint-host', 'other.contoso.com');
    expect(refused.code).toBe(2);
    expect(calls).toEqual([]);
    await run('https://apim.contoso.com/', '--allow-endpoint-host', 'apim.contoso.com');
    expect(calls[0].url).toMatch(/^https:\/\/apim\.contoso\.com\/openai\/deployments\/gpt-4o\//);
  });

  test('the allowed gateway host never receives ARM or Log Analytics tokens', () => {
    expect(hostProblem('https://apim.contoso.com/', 'cognitive', 'apim.contoso.com')).toBeUndefined();
    expect(hostProblem('https://apim.contoso.com/', 'arm', 'apim.contoso.com')).toMatch(
      /arm tokens are only sent/,
    );
    expect(hostProblem('https://apim.contoso.com/', 'logs', 'apim.contoso.com')).toMatch(
      /logs tokens are only/,
    );
  });
});

describe('one error formatting redacts and truncates every config error message', () => {
  const sig = `https://prod.logic.azure.com/x/invoke?sv=1.0&sig=${PLANTED[0]}`;
  const long = 'a'.repeat(5000);

  test('HardeningConfigError: a secret in the field path or the fix is redacted too, not only in the value', () => {
    const e = new HardeningConfigError(`webhooks[${sig}]`, sig, `Remove ?code=${PLANTED[1]} from it.`);
    expect(errorMessageLeak(e.message)).toBeUndefined();
    expect(e.message).toContain('https://prod.logic.azure.com/x/invoke?<redacted>');
    expect(e.message).toContain('code=<redacted>');
  });

  test('ConfigError: a long value and a URL query string are cut and redacted', () => {
    const e = new ConfigError(`fleet[0].name: expected a name, got "${long}"; webhook ${sig}`);
    expect(errorMessageLeak(e.message)).toBeUndefined();
    // The run cut is `"aaa…";` (the quotes and the semicolon included).
    expect(e.message).toMatch(/a{100}… \(5003 characters\) webhook/);
    expect(e.message.length).toBeLessThan(400);
  });

  test('the reference app config echoes a bad value through describeValue: truncated even with spaces, redacted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoai-config-secret-'));
    try {
      const file = join(dir, 'fleet.json');
      const value = `${'word '.repeat(1000)} https://hook.contoso.com/x?sig=${PLANTED[0]}`;
      writeFileSync(file, JSON.stringify([{ environment: 'prod', stackName: value }]));
      let message = '';
      try {
        loadAppConfig(file);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        message = (e as Error).message;
      }
      expect(message).toMatch(
        /^AOAI_CONFIG\[0\]\.stackName: invalid value "word word .*… \(\d+ characters\)/,
      );
      expect(errorMessageLeak(message)).toBeUndefined();
      expect(message.length).toBeLessThan(400);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the scan flags each kind of leak the formatting prevents', () => {
    expect(errorMessageLeak(`got ${PLANTED[2]}`)).toMatch(/planted secret/);
    expect(errorMessageLeak('see https://host/path?sv=2024&sp=r')).toMatch(/secret-looking/);
    expect(errorMessageLeak('pass token=abc123 here')).toMatch(/secret-looking/);
    expect(errorMessageLeak(`pattern ${long}`)).toMatch(/5000-character value/);
    expect(errorMessageLeak(safeErrorMessage(`pattern ${long} token=abc123`))).toBeUndefined();
  });
});
