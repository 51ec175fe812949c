// The Azure SDK clients of `aoai-harden verify` are not dependencies of the package (issue 15: bundled, they made
// the tarball 32 MB; jsii refuses non-jsii peer dependencies). Verify loads them on demand and a missing or
// unsupported one is reported with the command that installs it.
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { createRequire } from 'module';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadAzureClient, MissingAzureClientError, VERIFY_CLIENTS } from '../lib/verify/azure-clients';

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** Node's own error for a module that is not installed, as `require` throws it. */
function notInstalled(id: string): Error {
  return Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- ${__filename}`), {
    code: 'MODULE_NOT_FOUND',
  });
}

describe('packaging', () => {
  test('the clients are neither dependencies nor bundled, and stay dev dependencies for the tests', () => {
    for (const name of Object.keys(VERIFY_CLIENTS)) {
      expect(pkg.dependencies?.[name]).toBeUndefined();
      expect(pkg.peerDependencies?.[name]).toBeUndefined();
      expect(pkg.devDependencies[name]).toBe(`^${VERIFY_CLIENTS[name]}`);
    }
    expect(pkg.bundledDependencies ?? pkg.bundleDependencies).toBeUndefined();
  });

  test('local synth and bench output is not published', () => {
    const ignored = readFileSync(join(ROOT, '.npmignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.build/', 'cdktf.out/', 'bench-results/']));
  });
});

describe('loadAzureClient', () => {
  test('a client that is not installed: names it, what verify needs it for, and the install command', () => {
    const load = (id: string) => {
      throw notInstalled(id);
    };
    const call = () => loadAzureClient('@azure/identity', 'for tokens', 'set AZURE_OPENAI_AD_TOKEN', load);
    expect(call).toThrow(MissingAzureClientError);
    expect(call).toThrow(
      '@azure/identity is not installed. aoai-harden verify needs it for tokens; it is not a dependency of ' +
        'cdktf-azure-openai-hardening (only verify uses it). Install it next to the package: ' +
        'npm install @azure/identity@^4.14.0, or set AZURE_OPENAI_AD_TOKEN.',
    );
  });

  test("Node's real error for a module it cannot find is recognised", () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoai-no-clients-'));
    try {
      // Resolved from an empty folder outside the project: nothing there provides the client.
      const load = createRequire(join(dir, 'index.js'));
      expect(() => loadAzureClient('@azure/monitor-query-logs', 'for logs', undefined, load)).toThrow(
        '@azure/monitor-query-logs is not installed. aoai-harden verify needs it for logs;',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a module missing inside an installed client is not disguised as the client missing', () => {
    const broken = notInstalled('@azure/msal-node');
    const load = (id: string) => {
      if (id.endsWith('/package.json')) return { version: '4.14.1' };
      throw broken;
    };
    expect(() => loadAzureClient('@azure/identity', 'for tokens', undefined, load)).toThrow(broken);
  });

  test.each([
    ['4.14.0', true],
    ['4.14.1', true],
    ['4.20.3', true],
    ['4.13.9', false],
    ['3.4.2', false],
    ['5.0.0', false],
    ['not-a-version', false],
  ])('@azure/identity %s is supported: %s', (version, ok) => {
    const client = { DefaultAzureCredential: class {} };
    const load = (id: string) => (id.endsWith('/package.json') ? { version } : client);
    const call = () => loadAzureClient('@azure/identity', 'for tokens', undefined, load);
    if (ok) {
      expect(call()).toBe(client);
    } else {
      expect(call).toThrow(
        `@azure/identity ${version} is installed; aoai-harden verify is tested with ^4.14.0. Install a supported release: npm install @azure/identity@^4.14.0.`,
      );
    }
  });

  test('the installed clients are supported releases', () => {
    for (const name of Object.keys(VERIFY_CLIENTS)) {
      expect(loadAzureClient(name, 'for the test')).toBeDefined();
    }
  });
});

// Modules are required after jest.doMock, so each test loads them with the clients missing.
/* eslint-disable @typescript-eslint/no-require-imports */
describe('without the clients installed', () => {
  beforeEach(() => {
    jest.resetModules();
    for (const name of Object.keys(VERIFY_CLIENTS)) {
      for (const id of [name, `${name}/package.json`]) {
        jest.doMock(
          id,
          () => {
            throw notInstalled(id);
          },
          { virtual: true },
        );
      }
    }
  });
  afterEach(() => {
    for (const name of Object.keys(VERIFY_CLIENTS)) {
      jest.dontMock(name);
      jest.dontMock(`${name}/package.json`);
    }
    jest.resetModules();
  });

  test('the constructs, the checklist and its CLI load and run', () => {
    // Anything that imported a client at load time would throw here.
    const lib = require('../lib');
    const { runChecks } = require('../lib/checklist/engine');
    const { loadModel } = require('../lib/checklist/model');
    require('../lib/checklist/cli');
    require('../lib/cli/verify');
    expect(typeof lib.HardenedAzureOpenAI).toBe('function');
    expect(runChecks(loadModel({ resource: {} }, 'empty'), {}).findings.length).toBeGreaterThan(0);
  });

  test('verify tokens fail with the install command', async () => {
    const { defaultTokenSource } = require('../lib/verify/tokens');
    await expect(defaultTokenSource({ env: {} })('arm', 'workload')).rejects.toThrow(
      /^@azure\/identity is not installed\. aoai-harden verify needs it for the workload identity's Entra ID tokens .*npm install @azure\/identity@\^4\.14\.0\.$/,
    );
  });

  test('a pre-acquired data-plane token still works', async () => {
    const { defaultTokenSource } = require('../lib/verify/tokens');
    await expect(
      defaultTokenSource({ env: { AZURE_OPENAI_AD_TOKEN: 'tok' } })('cognitive', 'workload'),
    ).resolves.toBe('tok');
  });

  test('the content filter check names the client and the token alternative', async () => {
    const { defaultTokenProvider } = require('../lib/verify/content-filter-check');
    const saved = process.env.AZURE_OPENAI_AD_TOKEN;
    delete process.env.AZURE_OPENAI_AD_TOKEN;
    try {
      await expect(defaultTokenProvider()()).rejects.toThrow(
        'npm install @azure/identity@^4.14.0, or set AZURE_OPENAI_AD_TOKEN to an Entra ID token for https://cognitiveservices.azure.com.',
      );
    } finally {
      if (saved !== undefined) process.env.AZURE_OPENAI_AD_TOKEN = saved;
    }
  });

  test('log queries fail with the install command', () => {
    const { logsQuerier } = require('../lib/verify/logs');
    const ctx = { config: { logsEndpoint: 'https://api.loganalytics.azure.com', requestTimeoutSeconds: 1 } };
    expect(() => logsQuerier(ctx, '00000000-0000-0000-0000-000000000000')).toThrow(
      '@azure/monitor-query-logs is not installed. aoai-harden verify needs it to query the Log Analytics workspace',
    );
  });
});
