// How the HardeningChecks Aspect runs at synth, through cdktf's public hooks only: one judgement and one set of
// reports per stack, on by default in HardenedAzureOpenAI, App-level Aspects honoured, a summary printed.
import * as fs from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { synthRefused } from './helpers';
import { firstOf, referenceStack } from './reference';
import {
  AccountKind,
  HardenedAzureOpenAI,
  HardenedAzureOpenAIProps,
  HardeningChecks,
  SubscriptionCoverage,
} from '../lib';
import * as reporters from '../lib/checklist/reporters';
import { DEFAULT_CONFIG } from '../stacks/config';
import { HardenedOpenAIStack } from '../stacks/hardened-openai-stack';

// Public access flipped on the hardened account: its postcondition makes Terraform refuse the plan.
const PUBLIC_ACCESS_REFUSED = {
  error: 'public network access on the Azure OpenAI account must stay disabled',
  reason: 'public_network_access_enabled overridden to true on purpose',
};
const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A stack with a public, key-authenticated account and none of this package's constructs. */
function plainWeakStack(app: App, id: string): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  new CognitiveAccount(stack, 'account', {
    name: `${id}-account`,
    location: 'swedencentral',
    resourceGroupName: 'rg',
    kind: 'OpenAI',
    skuName: 'S0',
    publicNetworkAccessEnabled: true,
    localAuthEnabled: true,
  });
  return stack;
}

/** A user's own stack built on the composition (a plain TerraformStack), with no Aspect added by hand. */
function userStack(
  id: string,
  extra: Partial<HardenedAzureOpenAIProps> = {},
): { stack: TerraformStack; hardened: HardenedAzureOpenAI } {
  const stack = new TerraformStack(Testing.app(), id);
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const hardened = new HardenedAzureOpenAI(stack, 'AzureOpenAI', {
    account: {
      name: `aoai-${id}`,
      resourceGroupName: 'rg',
      location: 'swedencentral',
      kind: AccountKind.of('OpenAI'),
      deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
    },
    networking: {
      newNetwork: {
        name: 'vnet',
        addressSpace: '10.0.0.0/16',
        endpointSubnetCidr: '10.0.1.0/24',
        appSubnetCidrs: ['10.0.2.0/24'],
      },
    },
    ...extra,
  });
  return { stack, hardened };
}

/** Calls of obj[method] while fn runs; `silence` replaces the method instead of passing calls through. */
function countCalls<T>(
  fn: () => T,
  obj: any,
  method: string,
  silence = false,
): { result?: T; error?: Error; calls: any[][] } {
  const spy = jest.spyOn(obj, method);
  if (silence) spy.mockImplementation(() => true);
  try {
    return { result: fn(), calls: [...spy.mock.calls] };
  } catch (error) {
    return { error: error as Error, calls: [...spy.mock.calls] };
  } finally {
    spy.mockRestore();
  }
}

describe("one judgement per stack, from cdktf's own toTerraform()", () => {
  test('Testing.synth with validations judges the reference stack and returns what cdktf resolves without them', () => {
    const stack = referenceStack();
    const judged = countCalls(() => Testing.synth(stack, true), reporters, 'toJson');
    expect(judged.error).toBeUndefined();
    expect(judged.calls).toHaveLength(1);
    // Judging changed nothing: the same JSON as a synth without validations.
    expect(JSON.parse(judged.result!)).toEqual(JSON.parse(Testing.synth(stack)));
  });

  test("a user's own TerraformStack is judged too, through cdktf's own toTerraform", () => {
    const { stack } = userStack('user', {
      monitoring: {
        subscriptionCoverage: SubscriptionCoverage.managedElsewhere('test: the baseline is not part of it'),
      },
    });
    const { result, error, calls } = countCalls(
      () => Testing.synth(stack, true),
      TerraformStack.prototype,
      'toTerraform',
    );
    expect(error).toBeUndefined();
    // Once by the checks' validation, once by Testing.synth itself: cdktf's public resolve, nothing replaced.
    expect(calls).toHaveLength(2);
    expect(JSON.parse(result!)).toEqual(JSON.parse(Testing.synth(stack)));
  });

  test('App.synth: one judgement and one set of reports per stack, with the default, an explicit and an App-level Aspect all present', () => {
    const outdir = tempDir('aoai-checks-');
    const app = new App({ outdir });
    // Each owns its subscription's baseline (inThisStack): two subscriptions, or synth refuses the second owner.
    const stacks = ['aoai-a', 'aoai-b'].map(
      (stackName, i) =>
        new HardenedOpenAIStack(app, {
          ...DEFAULT_CONFIG,
          stackName,
          accountName: stackName,
          subscriptionId: `${i + 1}1111111-1111-1111-1111-111111111111`,
        }),
    );
    Aspects.of(stacks[0]).add(new HardeningChecks()); // the reference stack already adds one; a third instance
    Aspects.of(app).add(new HardeningChecks());
    const reports = countCalls(() => app.synth(), reporters, 'toJson');
    expect(reports.error).toBeUndefined();
    expect(reports.calls).toHaveLength(2);
    expect(reports.calls.map(([report]) => report.findings.length > 0)).toEqual([true, true]);
    for (const id of ['aoai-a', 'aoai-b']) {
      expect(fs.existsSync(join(outdir, 'stacks', id, 'hardening-report.json'))).toBe(true);
    }
    // The judged configuration is the written one: the report's resource addresses are the written file's.
    const written = JSON.parse(fs.readFileSync(join(outdir, 'stacks', 'aoai-a', 'cdk.tf.json'), 'utf8'));
    const [account] = Object.keys(written.resource.azurerm_cognitive_account);
    const report = JSON.parse(
      fs.readFileSync(join(outdir, 'stacks', 'aoai-a', 'hardening-report.json'), 'utf8'),
    );
    expect(report.findings.map((f: { address?: string }) => f.address)).toContain(
      `azurerm_cognitive_account.${account}`,
    );
  });

  test('a later synth of the same stack judges it as it is then', () => {
    const stack = referenceStack();
    Testing.synth(stack, true);
    stack.hardened.account.resource.addOverride('public_network_access_enabled', true);
    const result = synthRefused(stack, PUBLIC_ACCESS_REFUSED);
    expect(firstOf(JSON.parse(result), 'azurerm_cognitive_account')[1].public_network_access_enabled).toBe(
      true,
    );
  });
});

describe('secure by default: HardenedAzureOpenAI adds the checks', () => {
  function weakened(optOut?: { reason: string }) {
    const { stack, hardened } = userStack('custom', { hardeningChecksOptOut: optOut });
    hardened.account.resource.addOverride('public_network_access_enabled', true);
    return stack;
  }

  test('no Aspect added by hand, yet a weakened account fails synth with its rule ID', () => {
    expect(Aspects.of(weakened()).all).toEqual([]);
    expect(() => Testing.synth(weakened(), true)).toThrow(/AOAI-NET-001/);
  });

  test('the opt-out takes a written reason, is recorded in the output, and leaves the synth unchecked', () => {
    const reason = 'CI judges the plan with aoai-harden check instead of at synth';
    const stack = weakened({ reason });
    const json = JSON.parse(synthRefused(stack, PUBLIC_ACCESS_REFUSED, true));
    const record = Object.values(json.resource.terraform_data as Record<string, any>).find(
      (r) => r.input?.kind === 'aoai-hardening-record',
    );
    expect(record.input.synth_checks_opt_out).toEqual({ property: 'hardeningChecksOptOut', reason });
    // It exempts no rule: the CLI still judges the output in full.
    expect(record.input.exemptions.map((e: any) => e.property)).not.toContain('hardeningChecksOptOut');
    expect(() => weakened({ reason: 'n/a' })).toThrow(/hardeningChecksOptOut\.reason/);
  });

  test('an App-level HardeningChecks still covers a stack that opted out of the default', () => {
    const stack = weakened({ reason: 'the platform team adds the checks at the App' });
    Aspects.of(App.of(stack)).add(new HardeningChecks({ writeReports: false }));
    expect(() => Testing.synth(stack, true)).toThrow(/AOAI-NET-001/);
  });
});

describe('App-level Aspects (cdktf 0.21 never invokes them itself)', () => {
  test('cover a stack without any of this package’s constructs: judged from its written JSON, synth fails, its configuration is removed', () => {
    const outdir = tempDir('aoai-applevel-');
    const app = new App({ outdir });
    new HardenedOpenAIStack(app, DEFAULT_CONFIG);
    plainWeakStack(app, 'plain');
    Aspects.of(app).add(new HardeningChecks());
    expect(() => app.synth()).toThrow(
      /\[plain\] azurerm_cognitive_account.account: \[AOAI-NET-001\][\s\S]*\[AOAI-IAM-001\]/,
    );
    expect(fs.existsSync(join(outdir, 'stacks', 'plain', 'hardening-report.json'))).toBe(true);
    expect(fs.existsSync(join(outdir, 'stacks', 'plain', 'cdk.tf.json'))).toBe(false);
    expect(fs.existsSync(join(outdir, 'stacks', DEFAULT_CONFIG.stackName, 'cdk.tf.json'))).toBe(true);
  });

  test('in an app without any of this package’s constructs, the Aspect goes on each stack (cdktf runs it there)', () => {
    const outdir = tempDir('aoai-plainapp-');
    const app = new App({ outdir });
    const stack = plainWeakStack(app, 'plain');
    Aspects.of(stack).add(new HardeningChecks());
    expect(() => app.synth()).toThrow(
      /\[AOAI-NET-001\][\s\S]*\[AOAI-IAM-001\]|\[AOAI-IAM-001\][\s\S]*\[AOAI-NET-001\]/,
    );
    // Refused before cdktf writes it.
    expect(fs.existsSync(join(outdir, 'stacks', 'plain', 'cdk.tf.json'))).toBe(false);
    expect(fs.existsSync(join(outdir, 'stacks', 'plain', 'hardening-report.json'))).toBe(true);
  });
});

test("a finding's annotation lands on the construct of the resource it names, with no stack trace of the checks", () => {
  const outdir = tempDir('aoai-annotations-');
  const app = new App({ outdir });
  // The built-in defaults name no receivers: AOAI-MON-014 warns once per action group.
  new HardenedOpenAIStack(app, { ...DEFAULT_CONFIG, stackName: 'aoai-annotated' });
  const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    app.synth();
  } finally {
    log.mockRestore();
  }
  const manifest = JSON.parse(fs.readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const warnings = manifest.stacks['aoai-annotated'].annotations.filter((a: any) =>
    a.message.startsWith('[AOAI-MON-014]'),
  );
  expect(warnings.map((a: any) => a.constructPath).sort()).toEqual(
    ['finops', 'security', 'change']
      .map((g) => `aoai-annotated/AzureOpenAI/Monitoring/ActionGroup-${g}`)
      .sort(),
  );
  expect(warnings.map((a: any) => [a.level, a.stacktrace])).toEqual(
    Array(3).fill(['@cdktf/warn', undefined]),
  );
});

describe('what synth prints', () => {
  test('a one-line summary per stack, and every warning when errors abort the synth', () => {
    // With receivers named, so the one warning is the deployment's (AOAI-MON-014 stays quiet).
    const stack = referenceStack({
      monitoring: {
        securityEmails: ['secops@contoso.com'],
        finOpsEmails: ['finops@contoso.com'],
        changeEmails: ['cab@contoso.com'],
      },
    });
    Aspects.of(stack).add(new HardeningChecks({ printSummary: true, writeReports: false }));
    stack.hardened.account.deployments[0].resource.addOverride(
      'version_upgrade_option',
      'OnceNewDefaultVersionAvailable',
    );
    const pass = countCalls(() => Testing.synth(stack, true), process.stdout, 'write', true);
    const passLines = pass.calls.map(([chunk]) => String(chunk)).join('');
    expect(pass.error).toBeUndefined();
    expect(passLines).toMatch(/^hardening checklist \[aoai-hardened-dev\]: PASS, 0 errors, 1 warning, /);
    // Without errors the warning travels as an annotation (the cdktf CLI prints those): not printed twice.
    expect(passLines).not.toMatch(/AOAI-CFP-005/);

    stack.hardened.account.resource.addOverride('local_auth_enabled', true);
    const fail = countCalls(() => Testing.synth(stack, true), process.stdout, 'write', true);
    const failLines = fail.calls.map(([chunk]) => String(chunk)).join('');
    expect(fail.error?.message).toMatch(/AOAI-IAM-001/);
    expect(failLines).toMatch(/^hardening checklist \[aoai-hardened-dev\]: FAIL, 1 error, 1 warning, /);
    // On the deployment construct the finding names, not on the stack.
    expect(failLines).toMatch(/WARN \[aoai-hardened-dev\/[^\]]+\]: \[AOAI-CFP-005\]/);
  });
});
