/**
 * Secrets stay out (issue 13): webhook URIs from sensitive variables never reach cdk.tf.json or the hardening
 * reports; error messages redact credentials; verify-content-filter sends its Entra ID token only to Azure OpenAI /
 * AI Services hosts unless --allow-endpoint-host names another. A scan looks for secret-looking strings in all of
 * the synthesized output and in every error message these inputs produce.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, Aspects, TerraformStack, TerraformVariable } from 'cdktf';
import { HardenedAzureOpenAI, HardeningChecks, SubscriptionCoverage } from '../lib';
import { main } from '../lib/checklist/cli';
import { checkTokenEndpoint } from '../lib/validation';

/** Strings that must never appear in output: the planted secrets, and generic credential shapes. */
const PLANTED = ['SeCrEtSiG0123456789', 'FuncC0deSecret42', 'p4ssw0rdInUrl'];
const SECRET_SHAPES = [
  /[?&]sig=(?!<redacted>)[^&"\s]+/i,
  /[?&]code=(?!<redacted>)[^&"\s]+/i,
  /SharedAccessSignature|AccountKey=/i,
  /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // a JWT (Entra ID token)
  /:\/\/[^/\s"@]+:[^/\s"@]+@/, // user:password@ in a URL
];
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
        subscriptionCoverage: SubscriptionCoverage.byBaselineStack('aoai-subscription'),
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
    [
      'token endpoint with user info',
      () => checkTokenEndpoint('--endpoint', `https://me:${PLANTED[2]}@aoai.openai.azure.com/`),
    ],
    [
      'token endpoint off Azure with a SAS query',
      () => checkTokenEndpoint('--endpoint', `https://evil.example.com/?sig=${PLANTED[0]}`),
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

describe('verify-content-filter sends tokens only to Azure OpenAI endpoints', () => {
  const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJjb2duaXRpdmUifQ.signature';
  let calls: Array<{ url: string; auth: string }>;
  const realFetch = global.fetch;
  beforeEach(() => {
    calls = [];
    process.env.AZURE_OPENAI_AD_TOKEN = TOKEN;
    global.fetch = (async (url: string, init: any) => {
      calls.push({ url: String(url), auth: init.headers.Authorization });
      return new Response(
        JSON.stringify({ error: { code: 'content_filter', innererror: { content_filter_result: {} } } }),
        { status: 400 },
      );
    }) as any;
  });
  afterEach(() => {
    global.fetch = realFetch;
    delete process.env.AZURE_OPENAI_AD_TOKEN;
  });
  const run = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await main(['verify-content-filter', ...args], {
      out: (s) => (out += s),
      err: (s) => (err += s),
    });
    return { code, out, err };
  };

  test.each([
    'https://attacker.example.com/',
    'https://aoai.openai.azure.com.attacker.example/',
    'https://a.b.openai.azure.com/',
    'http://aoai.openai.azure.com/',
  ])('refuses %s without sending anything', async (endpoint) => {
    const r = await run('--endpoint', endpoint, '--deployment', 'gpt-4o');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--endpoint: invalid value/);
    expect(calls).toEqual([]);
    assertNoSecrets('cli stderr', r.err + r.out);
  });

  test.each([
    'https://aoai-prod.openai.azure.com/',
    'https://aoai-prod.cognitiveservices.azure.com/',
    'https://aoai-prod.services.ai.azure.com/',
  ])('sends the token to %s', async (endpoint) => {
    await run('--endpoint', endpoint, '--deployment', 'gpt-4o');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.url.startsWith(endpoint) && c.auth === `Bearer ${TOKEN}`)).toBe(true);
  });

  test('another host only when --allow-endpoint-host names it exactly', async () => {
    const refused = await run(
      '--endpoint',
      'https://apim.contoso.com/',
      '--deployment',
      'gpt-4o',
      '--allow-endpoint-host',
      'other.contoso.com',
    );
    expect(refused.code).toBe(2);
    expect(calls).toEqual([]);
    await run(
      '--endpoint',
      'https://apim.contoso.com/',
      '--deployment',
      'gpt-4o',
      '--allow-endpoint-host',
      'apim.contoso.com',
    );
    expect(calls[0].url).toMatch(/^https:\/\/apim\.contoso\.com\/openai\/deployments\/gpt-4o\//);
  });
});
