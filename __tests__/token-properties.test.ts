/**
 * The token property test (issue 13): every string, number and list field of every public props type, found by
 * walking the package's TypeScript types (not a hand-kept list), is replaced by a TerraformVariable of the right
 * type; synth must succeed and the checklist Aspect must report no error the literal did not.
 *
 * Public props types: the constructor parameters of every exported Construct in lib/ (the azapi bindings and
 * the checklist are not constructs users configure), the parameters of their public and static methods, and every
 * struct reachable from those. Each root below gives a baseline that sets fields; the walk asserts that every leaf
 * field of every reachable struct is set by some baseline, so a new field fails this test until a baseline sets it.
 */
// TypeScript compiler API flags (SymbolFlags, TypeFlags, ModifierFlags) are bit sets.
/* eslint-disable no-bitwise */
import { join } from 'path';
import { Aspects, TerraformStack, TerraformVariable, Testing, Token } from 'cdktf';
import * as ts from 'typescript';
import { newStack } from './helpers';
import {
  AccountKind,
  AccountRole,
  ContentFilterPolicy,
  HardenedAzureOpenAI,
  HardeningChecks,
  IdentityLockdown,
  OpenAIAccount,
  PrincipalType,
  PrivateNetworking,
  SecurityMonitoring,
  SubscriptionBaseline,
} from '../lib';

type Kind = 'string' | 'number' | 'list';
interface Struct {
  readonly name: string;
  readonly props: Map<string, { kind?: Kind; struct?: string; structArray?: boolean }>;
}

/** Walk lib/index.ts's exports with the TypeScript checker. */
function publicPropsTypes(): { structs: Map<string, Struct>; constructs: string[]; roots: Set<string> } {
  const libDir = join(__dirname, '..', 'lib');
  const program = ts.createProgram([join(libDir, 'index.ts')], {
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const ownDecl = (s: ts.Symbol | undefined) =>
    s?.declarations?.some((d) => {
      const file = d.getSourceFile().fileName;
      return file.startsWith(libDir) && !/\/lib\/(azapi|checklist)\//.test(file);
    }) ?? false;
  const structs = new Map<string, Struct>();
  const roots = new Set<string>();
  const constructs: string[] = [];

  const isStructType = (t: ts.Type) =>
    !!(t.symbol && t.symbol.flags & ts.SymbolFlags.Interface) &&
    !/^I[A-Z]/.test(t.symbol.name) &&
    ownDecl(t.symbol);
  const classify = (raw: ts.Type): { kind?: Kind; struct?: string; structArray?: boolean } => {
    const t = checker.getNonNullableType(raw);
    if (t.flags & ts.TypeFlags.StringLike) return { kind: 'string' };
    if (t.flags & ts.TypeFlags.NumberLike) return { kind: 'number' };
    if (checker.isArrayType(t)) {
      const element = checker.getNonNullableType(checker.getTypeArguments(t as ts.TypeReference)[0]);
      if (element.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike)) return { kind: 'list' };
      if (isStructType(element)) return { struct: visitStruct(element), structArray: true };
      return {};
    }
    if (isStructType(t)) return { struct: visitStruct(t) };
    return {};
  };
  const visitStruct = (t: ts.Type): string => {
    const name = t.symbol.name;
    if (structs.has(name)) return name;
    const struct: Struct = { name, props: new Map() };
    structs.set(name, struct);
    for (const p of checker.getPropertiesOfType(t)) {
      struct.props.set(p.name, classify(checker.getTypeOfSymbol(p)));
    }
    return name;
  };
  const isConstruct = (t: ts.Type): boolean =>
    checker.getBaseTypes(t as ts.InterfaceType).some((b) => b.symbol?.name === 'Construct' || isConstruct(b));

  const index = program.getSourceFile(join(libDir, 'index.ts'))!;
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(index)!)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Class) || !ownDecl(symbol)) continue;
    const classType = checker.getDeclaredTypeOfSymbol(symbol);
    // HardeningRecord records exemptions for the checklist; users never configure it.
    if (!isConstruct(classType) || symbol.name === 'HardeningRecord') continue;
    constructs.push(symbol.name);
    const staticType = checker.getTypeOfSymbol(symbol);
    const signatures = [
      ...staticType.getConstructSignatures(),
      ...[...checker.getPropertiesOfType(classType), ...checker.getPropertiesOfType(staticType)]
        .filter((p) => !p.name.startsWith('_') && p.flags & ts.SymbolFlags.Method)
        .flatMap((p) => checker.getTypeOfSymbol(p).getCallSignatures()),
    ];
    for (const sig of signatures) {
      if (
        sig.declaration &&
        ts.getCombinedModifierFlags(sig.declaration as ts.Declaration) & ts.ModifierFlags.Private
      ) {
        continue;
      }
      for (const param of sig.getParameters()) {
        const t = checker.getNonNullableType(checker.getTypeOfSymbol(param));
        if (isStructType(t)) roots.add(visitStruct(t));
      }
    }
  }
  return { structs, constructs, roots };
}

const GUID = '9f2c1e4a-3b7d-4c0e-8a51-2d6f0b9e7c13';
/** Fresh objects on every call: a test mutates its baseline in place. */
const reason = () => ({ reason: 'accepted for this test fixture', expiresOn: '2099-12-31' });
const gpt = () => ({
  name: 'gpt-4o',
  modelName: 'gpt-4o',
  modelVersion: '2024-08-06',
  modelFormat: 'OpenAI',
  skuName: 'Standard',
  capacity: 10,
  automaticVersionUpgradeOptOut: reason(),
});
const SUBNET = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pe';
const VNET = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v';
const ZONE = (n: string) =>
  `/subscriptions/s/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/${n}`;
const ACCOUNT_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/aoai-x';
const WORKSPACE =
  '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log-x';

const accountProps = () => ({
  name: 'aoai-tokens',
  resourceGroupName: 'rg-tokens',
  location: 'swedencentral',
  allowUnlistedLocation: false,
  customSubdomainName: 'aoai-tokens',
  kind: AccountKind.OPENAI,
  skuName: 'S0',
  allowedOutboundFqdns: ['mysearch.search.windows.net'],
  userAssignedIdentityIds: [
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai',
  ],
  deployments: [gpt()],
  publicNetworkAccessOptOut: reason(),
  allowedIpRules: ['20.50.1.10'],
  ipRulesOptOut: reason(),
  trustedServicesBypassOptOut: reason(),
  localAuthOptOut: reason(),
  unrestrictedOutboundOptOut: reason(),
});
const newNetwork = () => ({
  name: 'vnet-tokens',
  addressSpace: '10.20.0.0/16',
  endpointSubnetCidr: '10.20.1.0/24',
  appSubnetCidrs: ['10.20.2.0/24'],
  apimSubnetCidr: '10.20.3.0/24',
});
const existingNetwork = () => ({
  virtualNetworkId: VNET,
  endpointSubnetId: SUBNET,
  allowedSources: [{ name: 'app', cidr: '10.30.0.0/24', priority: 200 }],
});
const actionGroup = () => ({
  shortName: 'aoai-sec',
  emailAddresses: ['secops@contoso.com'],
  webhookUris: ['https://itsm.contoso.com/hook'],
});
const grant = () => ({
  displayName: 'ops',
  principalId: GUID,
  principalType: PrincipalType.GROUP,
  role: AccountRole.INVOKE,
  privilegedRoleOptOut: reason(),
});
const blocklist = () => ({
  name: 'corp',
  description: 'corp terms',
  items: [{ pattern: 'Project Bluebird', isRegex: false }],
  sources: ['Prompt'],
});
const filter = () => ({
  name: 'Hate',
  source: 'Prompt',
  severityThreshold: 'Low',
  enabled: true,
  blocking: true,
  optOut: reason(),
});

const account = (stack: TerraformStack) =>
  new OpenAIAccount(stack, 'Account', {
    name: 'aoai-base',
    resourceGroupName: 'rg',
    location: 'swedencentral',
  });

/** One way into the public API: a baseline value of a root struct and how to build it into a stack. */
interface Root {
  readonly struct: string;
  readonly label: string;
  readonly baseline: () => any;
  readonly build: (stack: TerraformStack, value: any) => void;
}

const ROOTS: Root[] = [
  {
    struct: 'HardenedAzureOpenAIProps',
    label: 'HardenedAzureOpenAI (new network)',
    baseline: () => ({
      account: accountProps(),
      networking: {
        resourceGroupName: 'rg-net',
        newNetwork: newNetwork(),
        additionalDnsLinkedVirtualNetworkIds: [VNET],
        dnsLinkOwner: 'spoke-owner',
      },
      identity: {
        workloadIdentities: [{ name: 'id-chat', role: AccountRole.INVOKE, privilegedRoleOptOut: reason() }],
        grants: [grant()],
      },
      contentFilter: { policyName: 'strict', filters: [filter()], blocklists: [blocklist()] },
      monitoring: {
        existingWorkspaceId: WORKSPACE,
        securityTeam: actionGroup(),
        finOps: actionGroup(),
        changeManagement: actionGroup(),
        defenderForAI: true,
        defenderForAIOptOut: reason(),
      },
      hardeningChecksOptOut: undefined,
    }),
    build: (stack, value) => new HardenedAzureOpenAI(stack, 'AzureOpenAI', value),
  },
  {
    struct: 'HardenedAzureOpenAIProps',
    label: 'HardenedAzureOpenAI (existing network, central DNS)',
    baseline: () => ({
      account: { name: 'aoai-tokens', resourceGroupName: 'rg-tokens', location: 'swedencentral' },
      networking: {
        existingNetwork: existingNetwork(),
        existingPrivateDnsZoneIds: [
          ZONE('privatelink.openai.azure.com'),
          ZONE('privatelink.cognitiveservices.azure.com'),
        ],
      },
      privateNetworkingOptOut: undefined,
    }),
    build: (stack, value) => new HardenedAzureOpenAI(stack, 'AzureOpenAI', value),
  },
  {
    struct: 'HardenedAzureOpenAIProps',
    label: 'HardenedAzureOpenAI (opt-outs)',
    baseline: () => ({
      account: { name: 'aoai-tokens', resourceGroupName: 'rg-tokens', location: 'swedencentral' },
      privateNetworkingOptOut: reason(),
      hardeningChecksOptOut: reason(),
    }),
    build: (stack, value) => new HardenedAzureOpenAI(stack, 'AzureOpenAI', value),
  },
  {
    struct: 'HardenedAzureOpenAIProps',
    label: 'HardenedAzureOpenAI (every phase option)',
    baseline: () => ({
      account: { name: 'aoai-tokens', resourceGroupName: 'rg-tokens', location: 'swedencentral' },
      networking: { newNetwork: newNetwork(), denyAllInboundOptOut: reason() },
      identity: { resourceGroupName: 'rg-id' },
      contentFilter: { basePolicyName: 'Microsoft.DefaultV2', mode: 'Deferred', modeOptOut: reason() },
      monitoring: {
        resourceGroupName: 'rg-mon',
        workspaceName: 'log-tokens',
        retentionInDays: 365,
        logAlertFrequency: 'PT15M',
      },
    }),
    build: (stack, value) => new HardenedAzureOpenAI(stack, 'AzureOpenAI', value),
  },
  {
    struct: 'OpenAIAccountProps',
    label: 'OpenAIAccount',
    baseline: () => ({ ...accountProps(), deletionProtection: true, tags: { a: 'b' } }),
    build: (stack, value) => new OpenAIAccount(stack, 'Account', value),
  },
  {
    struct: 'PrivateNetworkingProps',
    label: 'PrivateNetworking',
    baseline: () => ({
      resourceGroupName: 'rg-net',
      newNetwork: newNetwork(),
      denyAllInboundOptOut: reason(),
    }),
    build: (stack, value) => new PrivateNetworking(stack, 'Net', { ...value, account: account(stack) }),
  },
  {
    struct: 'PrivateNetworkingProps',
    label: 'PrivateNetworking (landing zone: adopted NSG and subnet policies)',
    baseline: () => ({
      existingNetwork: {
        ...existingNetwork(),
        networkSecurityGroupId: VNET.replace(/virtualNetworks\/.*$/, 'networkSecurityGroups/nsg-spoke-pe'),
        subnetNetworkPoliciesManagedBy: 'platform spoke module (ticket NET-1234)',
        location: 'westeurope',
        subscriptionId: VNET.split('/')[2],
      },
    }),
    build: (stack, value) => new PrivateNetworking(stack, 'Net', { ...value, account: account(stack) }),
  },
  {
    struct: 'PrivateNetworkingProps',
    label: 'PrivateNetworking (new network, named app subnets)',
    baseline: () => ({
      newNetwork: {
        name: 'vnet-named',
        addressSpace: '10.40.0.0/16',
        endpointSubnetCidr: '10.40.1.0/24',
        appSubnets: [{ name: 'aks', cidr: '10.40.2.0/24', priority: 300 }],
      },
    }),
    build: (stack, value) => new PrivateNetworking(stack, 'Net', { ...value, account: account(stack) }),
  },
  {
    struct: 'PrivateNetworkingProps',
    label: 'PrivateNetworking (existing network, central DNS)',
    baseline: () => ({
      existingNetwork: existingNetwork(),
      existingPrivateDnsZoneIds: [
        ZONE('privatelink.openai.azure.com'),
        ZONE('privatelink.cognitiveservices.azure.com'),
      ],
      additionalDnsLinkedVirtualNetworkIds: [VNET],
      dnsLinkOwner: 'spoke-owner',
    }),
    build: (stack, value) => new PrivateNetworking(stack, 'Net', { ...value, account: account(stack) }),
  },
  {
    struct: 'IdentityLockdownProps',
    label: 'IdentityLockdown',
    baseline: () => ({
      resourceGroupName: 'rg-id',
      workloadIdentities: [{ name: 'id-chat' }],
      grants: [grant()],
    }),
    build: (stack, value) => new IdentityLockdown(stack, 'Id', { ...value, account: account(stack) }),
  },
  {
    struct: 'ContentFilterPolicyProps',
    label: 'ContentFilterPolicy',
    baseline: () => ({
      policyName: 'strict',
      basePolicyName: 'Microsoft.DefaultV2',
      mode: 'Deferred',
      modeOptOut: reason(),
      filters: [filter()],
      blocklists: [blocklist()],
    }),
    build: (stack, value) => new ContentFilterPolicy(stack, 'Cf', { ...value, account: account(stack) }),
  },
  {
    struct: 'SecurityMonitoringProps',
    label: 'SecurityMonitoring',
    baseline: () => ({
      resourceGroupName: 'rg-mon',
      workspaceName: 'log-tokens',
      retentionInDays: 365,
      logAlertFrequency: 'PT15M',
      existingWorkspaceId: undefined,
      securityTeam: actionGroup(),
    }),
    build: (stack, value) => new SecurityMonitoring(stack, 'Mon', { ...value, account: account(stack) }),
  },
  {
    struct: 'SecurityMonitoringProps',
    label: 'SecurityMonitoring (existing workspace)',
    baseline: () => ({ existingWorkspaceId: WORKSPACE }),
    build: (stack, value) => new SecurityMonitoring(stack, 'Mon', { ...value, account: account(stack) }),
  },
  {
    struct: 'SubscriptionBaselineProps',
    label: 'SubscriptionBaseline',
    baseline: () => ({
      namePrefix: 'aoai',
      activityLogWorkspaceId: WORKSPACE,
      defenderExtensions: ['AIPromptEvidence'],
    }),
    build: (stack, value) => new SubscriptionBaseline(stack, 'Baseline', value),
  },
  {
    struct: 'SubscriptionBaselineProps',
    label: 'SubscriptionBaseline (Activity Log export managed by the platform)',
    baseline: () => ({
      namePrefix: 'aoai',
      activityLogWorkspaceId: WORKSPACE,
      activityLogExportManagedBy: 'platform diagnostic setting activity-log-to-central',
    }),
    build: (stack, value) => new SubscriptionBaseline(stack, 'Baseline', value),
  },
  {
    struct: 'OpenAIAccountAttributes',
    label: 'OpenAIAccount.fromAttributes',
    baseline: () => ({
      accountId: ACCOUNT_ID,
      customSubdomainName: 'aoai-x',
      location: 'swedencentral',
      kind: AccountKind.OPENAI,
    }),
    build: (stack, value) => {
      const imported = OpenAIAccount.fromAttributes(stack, 'Imported', value);
      new IdentityLockdown(stack, 'Id', { account: imported, grants: [grant()] });
    },
  },
  {
    struct: 'GrantPrincipal',
    label: 'account.grant(principal)',
    baseline: () => ({
      principalId: GUID,
      principalType: PrincipalType.SERVICE_PRINCIPAL,
      displayName: 'chat',
      createdInSameDeployment: true,
    }),
    build: (stack, value) => account(stack).grant(value, AccountRole.INVOKE),
  },
  {
    struct: 'GrantOptions',
    label: 'account.grant(options)',
    baseline: () => ({ privilegedRoleOptOut: reason(), optOutPropertyName: 'opsOptOut' }),
    build: (stack, value) =>
      account(stack).grant(
        { principalId: GUID, principalType: PrincipalType.GROUP, displayName: 'ops' },
        AccountRole.fromRoleDefinitionGuid('8e3af657-a8ff-443c-a75c-2fe8c4bcb635'),
        value,
      ),
  },
  {
    struct: 'ModelDeploymentOptions',
    label: 'account.addDeployment',
    baseline: () => gpt(),
    build: (stack, value) => account(stack).addDeployment(value),
  },
];

/** Leaf fields set by a baseline: [path, kind, struct.prop]. */
function leaves(
  structs: Map<string, Struct>,
  struct: string,
  value: any,
  path: string[] = [],
): Array<[string[], Kind, string]> {
  const out: Array<[string[], Kind, string]> = [];
  for (const [prop, info] of structs.get(struct)!.props) {
    const v = value?.[prop];
    if (v === undefined) continue;
    if (info.kind) {
      out.push([[...path, prop], info.kind, `${struct}.${prop}`]);
    } else if (info.struct && info.structArray) {
      out.push(...leaves(structs, info.struct, v[0], [...path, prop, '0']));
    } else if (info.struct) {
      out.push(...leaves(structs, info.struct, v, [...path, prop]));
    }
  }
  return out;
}

function setPath(target: any, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = value;
}

function variableOf(stack: TerraformStack, kind: Kind, literal: unknown): unknown {
  if (kind === 'string') {
    return new TerraformVariable(stack, 'token_under_test', { type: 'string' }).stringValue;
  }
  if (kind === 'number') {
    return new TerraformVariable(stack, 'token_under_test', { type: 'number' }).numberValue;
  }
  const numbers = Array.isArray(literal) && typeof literal[0] === 'number';
  const v = new TerraformVariable(stack, 'token_under_test', {
    type: numbers ? 'list(number)' : 'list(string)',
  });
  return numbers ? Token.asNumberList(v.value) : v.listValue;
}

/**
 * Synthesize with the checklist and return the Aspect's error findings as "<resource type> [RULE]" entries, numbered
 * when one repeats ("#2"), so one more finding of a rule already failing on a resource of that type counts as a new
 * error too. The type, not the full address: a name given by reference moves its resource to an index-keyed
 * construct ID (`Deployment-0`, docs/architecture.md), and the same finding there is not a new one.
 * Anything else that fails synth (a crash, a HardeningConfigError) throws.
 */
function aspectErrors(root: Root, mutate?: (stack: TerraformStack, value: any) => void): Set<string> {
  const stack = newStack();
  const value = root.baseline();
  mutate?.(stack, value);
  root.build(stack, value);
  Aspects.of(stack).add(new HardeningChecks({ writeReports: false, printSummary: false }));
  try {
    Testing.synth(stack, true);
    return new Set();
  } catch (e) {
    const message = (e as Error).message;
    // One line per error finding: "[stack] <address>: [AOAI-...] <message>" (lib/checklist/stack-checks.ts).
    const found = [...message.matchAll(/^\s*\[[^\]]+\] (\S+): \[(AOAI-[A-Z]+-\d+)\]/gm)].map(
      (m) => `${m[1].replace(/\.[^.]+$/, '')} [${m[2]}]`,
    );
    if (found.length === 0) throw e;
    const seen = new Map<string, number>();
    return new Set(
      found.map((key) => {
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        return n === 1 ? key : `${key} #${n}`;
      }),
    );
  }
}

const walk = publicPropsTypes();

describe('the type walk finds the public props types', () => {
  test('every exported construct has a root here, and the walk sees the known props types', () => {
    // Constructs whose props are covered through the roots (ModelDeployment is made by addDeployment).
    const covered = new Set([
      'HardenedAzureOpenAI',
      'OpenAIAccount',
      'OpenAIAccountBase',
      'PrivateNetworking',
      'IdentityLockdown',
      'ContentFilterPolicy',
      'SecurityMonitoring',
      'SubscriptionBaseline',
      'ModelDeployment',
      'HardeningRecord',
    ]);
    expect(walk.constructs.filter((c) => !covered.has(c))).toEqual([]);
    for (const name of [
      'HardenedAzureOpenAIProps',
      'OpenAIAccountProps',
      'ModelDeploymentOptions',
      'AllowedSource',
      'ActionGroupOptions',
      'BlocklistItem',
      'OptOut',
    ]) {
      expect(walk.structs.has(name)).toBe(true);
    }
    for (const root of walk.roots) expect(ROOTS.map((r) => r.struct)).toContain(root);
  });

  test('every string, number and list field of every reachable props type is set by some baseline', () => {
    const required = [...walk.structs.values()].flatMap((s) =>
      [...s.props].filter(([, info]) => info.kind).map(([prop]) => `${s.name}.${prop}`),
    );
    const set = new Set(
      ROOTS.flatMap((r) => leaves(walk.structs, r.struct, r.baseline()).map(([, , key]) => key)),
    );
    expect(required.filter((key) => !set.has(key))).toEqual([]);
    expect(required.length).toBeGreaterThan(60);
  });
});

describe.each(ROOTS.map((r) => [r.label, r] as const))(
  '%s: each field as a TerraformVariable',
  (_label, root) => {
    const literal = aspectErrors(root);
    test.each(
      leaves(walk.structs, root.struct, root.baseline()).map(
        ([path, kind, key]) => [path.join('.'), kind, key, path] as const,
      ),
    )('%s (%s)', (_path, kind, _key, path) => {
      const withToken = aspectErrors(root, (stack, value) => {
        let literalValue: any = value;
        for (const k of path) literalValue = literalValue?.[k];
        setPath(value, path, variableOf(stack, kind, literalValue));
      });
      // The reference is accepted: the Aspect reports no error finding the literal did not.
      expect([...withToken].filter((error) => !literal.has(error))).toEqual([]);
    });
  },
);
