import { SUBSCRIPTION_BASELINE_KIND } from '../../subscription-markers';
import { TfModel, asArray, block, isLiteral } from '../model';
import { normalizeCondition, readRecords, synthChecksOptOutProblems } from '../records';
import { Rule, RuleResult, accounts, azapiWrites, bad, na, ok, writingMethod } from '../rule';
import { RuleIds } from '../rule-ids';

const phase = 'Checklist Integrity' as const;

/**
 * Rules about the checklist's own work: an input with nothing to judge, an account it cannot judge, and exemption
 * records it refuses. They keep a wrong file, an unseen account or a forged record from passing silently.
 */
export const INTEGRITY_RULES: Rule[] = [
  {
    id: RuleIds.CHK_NO_ACCOUNT,
    severity: 'error',
    phase,
    title: 'The input has an Azure OpenAI account to judge',
    rationale:
      'An input with no account (a wrong file, an empty plan, a plan of another stack) would otherwise pass every rule as "not applicable"; it cannot be exempted.',
    references: {},
    evaluate: (m) => {
      const all = accounts(m);
      const baseline = m
        .ofType('terraform_data')
        .find((r) => r.values.input?.kind === SUBSCRIPTION_BASELINE_KIND);
      if (!all.length && baseline) {
        // A subscription baseline stack has no account by design: AOAI-MON-003 and AOAI-MON-011 judge it.
        return [
          ok(baseline.address, 'subscription baseline: its Activity Log export and Defender plan are judged'),
        ];
      }
      return all.length
        ? [
            ok(
              all[0].resource.address,
              `${all.length} account(s) judged: ${all.map((a) => a.resource.address).join(', ')}`,
            ),
          ]
        : [
            bad(
              undefined,
              'no Azure OpenAI account in this input: nothing was judged (is this the right file? a plan needs planned_values or resource_changes)',
              m.resources.length ? `${m.resources.length} other resource(s)` : '(no resources)',
            ),
          ];
    },
  },
  {
    id: RuleIds.CHK_CANNOT_JUDGE,
    severity: 'error',
    phase,
    title: 'Every account can be judged: no account hidden in a module call and no account kind unknown',
    rationale:
      'Terraform JSON shows a module call, not the resources inside it, and a kind that is a variable may be OpenAI; both are reported instead of passing unseen (check the plan JSON to see inside modules).',
    references: {},
    evaluate: (m) => cannotJudge(m),
  },
  {
    id: RuleIds.CHK_EXEMPTION_RECORD,
    severity: 'error',
    phase,
    title: 'Every exemption comes from a well-formed hardening record',
    rationale:
      'Exemptions are only honoured as this package writes them: one resource address (no wildcard), a known rule, a written reason, a real date or none; the record of synth checks left out needs a written reason too. Anything else is refused and reported; it cannot be exempted.',
    references: {},
    evaluate: (m) => {
      const records = readRecords(m);
      const results: RuleResult[] = [];
      for (const { record, exemptions } of records) {
        for (const e of exemptions.filter((x) => x.problems.length)) {
          results.push(
            bad(
              record.address,
              `exemption ${e.index} (${String(e.exemption.ruleId)} on ${String(e.exemption.address)}) is refused: ${e.problems.join('; ')}`,
              {
                address: e.exemption.address,
                rule_id: e.exemption.ruleId,
                reason: e.exemption.reason,
                expires_on: e.exemption.expiresOn,
              },
            ),
          );
        }
        const synthChecks = synthChecksOptOutProblems(m, record);
        if (synthChecks.length) {
          results.push(
            bad(
              record.address,
              `synth_checks_opt_out is refused: ${synthChecks.join('; ')}`,
              record.values.input.synth_checks_opt_out,
            ),
          );
        }
        if (!exemptions.some((x) => x.problems.length) && !synthChecks.length) {
          results.push(ok(record.address, `${exemptions.length} exemption(s), all well-formed`));
        }
      }
      return results.length ? results : [{ status: 'not-applicable', message: 'no hardening record' }];
    },
  },
];

const lifecycleRule: Rule = {
  id: RuleIds.CHK_LIFECYCLE,
  severity: 'error',
  phase,
  title: 'No lifecycle setting hides or disarms a hardened attribute',
  rationale:
    'ignore_changes on public access, local auth, ACLs or outbound restriction (or on the endpoint, NSG rules, diagnostics, alerts and filter policy the other rules judge) lets a portal change stand unnoticed; a postcondition removed or replaced by a constant no longer stops an apply that reopens the account.',
  references: {},
  evaluate: (m) => {
    // Terraform's plan and state JSON carry no lifecycle blocks (json-format "Configuration Representation":
    // expressions, count, for_each and depends_on, no lifecycle; Terraform 1.11.4's plan of the reference stack,
    // __tests__/fixtures/terraform/, has none). On them this rule has nothing to see: saying "every postcondition
    // is in place" there would vouch for what the input cannot show.
    if (m.format !== 'terraform-json') {
      return [
        na(
          'plan and state JSON carry no lifecycle blocks: ignore_changes and postconditions are judged on the configuration (cdk.tf.json)',
        ),
      ];
    }
    const found = lifecycleFindings(m);
    return found.length
      ? found
      : [
          ok(
            undefined,
            'no ignore_changes on hardened settings; every postcondition reads self and is in place',
          ),
        ];
  },
};
INTEGRITY_RULES.push(lifecycleRule);

/**
 * Resources whose presence a rule counts as proof (the endpoint and its NSG, diagnostics, alerts, the policy, the
 * account's azapi settings): one that may not be created cannot prove anything. Grants, deployments and extra DNS
 * links only ever add to what is judged, so a conditional one weakens nothing.
 */
const PROVING_TYPES = [
  'azurerm_private_endpoint',
  'azurerm_subnet_network_security_group_association',
  'azurerm_network_security_group',
  'azurerm_network_security_rule',
  'azurerm_monitor_diagnostic_setting',
  'azurerm_log_analytics_workspace',
  'azurerm_monitor_scheduled_query_rules_alert_v2',
  'azurerm_monitor_metric_alert',
  'azurerm_monitor_activity_log_alert',
  'azurerm_monitor_action_group',
  'azurerm_security_center_subscription_pricing',
  'azurerm_cognitive_account_rai_policy',
];
/** The ARM resource type (lower case) of the azurerm types an azapi write could change behind the rules' back. */
const ARM_TYPES: Record<string, string> = {
  azurerm_monitor_scheduled_query_rules_alert_v2: 'microsoft.insights/scheduledqueryrules',
  azurerm_monitor_metric_alert: 'microsoft.insights/metricalerts',
  azurerm_monitor_activity_log_alert: 'microsoft.insights/activitylogalerts',
  azurerm_monitor_action_group: 'microsoft.insights/actiongroups',
  azurerm_log_analytics_workspace: 'microsoft.operationalinsights/workspaces',
  // The pricing's name is its resource type ("AI"): REST spec Microsoft.Security pricings.
  azurerm_security_center_subscription_pricing: 'microsoft.security/pricings',
  azurerm_private_endpoint: 'microsoft.network/privateendpoints',
  azurerm_network_security_rule: 'microsoft.network/networksecuritygroups/securityrules',
};

/**
 * azapi resource types a rule counts as proof: the account's children at any depth (policies, blocklists and their
 * items, the Defender setting), a securityRules child of the endpoint NSG (AOAI-NET-009 counts its deny rule) and a
 * subnet write (AOAI-NET-008 counts one that enables the policies of a subnet managed elsewhere).
 */
const PROVING_AZAPI = [
  /^Microsoft\.CognitiveServices\/accounts\/[A-Za-z/]+@/i,
  /^Microsoft\.Network\/networkSecurityGroups\/securityRules@/i,
  /^Microsoft\.Network\/virtualNetworks\/subnets@/i,
];

function provesHardening(r: { type: string; values: Record<string, any> }): boolean {
  if (PROVING_TYPES.includes(r.type)) return true;
  return (
    ['azapi_resource', 'azapi_update_resource', 'azapi_resource_action'].includes(r.type) &&
    PROVING_AZAPI.some((t) => t.test(String(r.values.type ?? '')))
  );
}

/**
 * Nested blocks a rule counts as proof, per resource type (azurerm 4.55 argument names). Generated by a `dynamic`
 * block whose for_each is an expression, they may not exist: an empty for_each generates none (Terraform docs,
 * language/expressions/dynamic-blocks). Blocks that only add to what is judged (IP and VNet rules, receivers, an
 * Allow rule) are judged as generated, which fails closed, so they are not listed.
 */
const PROVING_BLOCKS: Record<string, string[]> = {
  azurerm_cognitive_account: ['network_acls', 'identity'],
  azurerm_ai_services: ['network_acls', 'identity'],
  azurerm_private_endpoint: ['private_dns_zone_group', 'private_service_connection'],
  azurerm_network_security_group: ['security_rule'],
  azurerm_monitor_diagnostic_setting: ['enabled_log', 'enabled_metric'],
  azurerm_cognitive_account_rai_policy: ['content_filter'],
  azurerm_monitor_scheduled_query_rules_alert_v2: ['action'],
  azurerm_monitor_metric_alert: ['action'],
  azurerm_monitor_activity_log_alert: ['action'],
};

/** True when a conditionally generated block is one a rule counts as proof (an inline Allow rule only adds). */
function provingBlock(type: string, name: string, content: Record<string, any>): boolean {
  if (!PROVING_BLOCKS[type]?.includes(name)) return false;
  return !(name === 'security_rule' && String(content.access ?? '').toLowerCase() === 'allow');
}

function cannotJudge(m: TfModel): RuleResult[] {
  const results: RuleResult[] = [];
  for (const call of m.hiddenModules) {
    results.push(
      bad(
        call.address,
        `cannot judge ${call.address}: Terraform JSON does not show the resources of a module call (source ${JSON.stringify(call.source)}); check the plan JSON, which does`,
        call.source,
      ),
    );
  }
  // An account managed elsewhere is hardened only by the azapi writes to it: each is proof.
  const onlyProof = new Set(
    accounts(m)
      .filter((a) => !a.declared)
      .flatMap((a) => a.patches.map((p) => p.address)),
  );
  for (const r of m.format === 'terraform-json'
    ? m.resources.filter((x) => provesHardening(x) || onlyProof.has(x.address))
    : []) {
    const meta = ['count', 'for_each'].find((k) => r.values[k] !== undefined && !isLiteral(r.values[k]));
    if (meta) {
      results.push(
        bad(
          r.address,
          `cannot verify ${r.address} is created: its ${meta} is an expression, and a rule relies on it (check the plan JSON, where ${meta} is resolved)`,
          r.values[meta],
        ),
      );
    }
  }
  for (const r of m.resources) {
    for (const c of m.conditionalBlocks.get(r.address) ?? []) {
      if (!provingBlock(r.type, c.block, c.content)) continue;
      results.push(
        bad(
          r.address,
          `cannot verify ${r.address} has its ${c.block} block: a dynamic block generates it over a for_each that is an expression (it may be empty), and a rule relies on it (check the plan JSON, where it is expanded)`,
          c.forEach,
        ),
      );
    }
  }
  // The rules know the arguments of the official providers only: a resource of their types managed by another
  // provider (a fork under another source, a local name bound to one) means whatever that provider makes of it.
  const official: Record<string, string> = { azurerm: 'hashicorp/azurerm', azapi: 'azure/azapi' };
  for (const r of m.resources) {
    const want = official[r.type.split('_')[0]];
    const source = m.providerSources.get(r.address);
    if (want && source !== undefined && source !== want) {
      results.push(
        bad(
          r.address,
          `cannot judge ${r.address}: it is managed by provider ${source}, not ${want}; the checklist knows only the official provider's arguments`,
          source,
        ),
      );
    }
  }
  // An azapi write (update_resource; PATCH/PUT resource_action with no action: azapi docs) to a resource the rules
  // judge as declared through azurerm changes it behind the rules' back (an alert's enabled, a diagnostic
  // setting's logs, a workspace's cap, the Defender tier). The subnet and NSG writes NET-008/009 judge are not
  // repeated here.
  for (const u of azapiWrites(m)) {
    const byRef = m
      .references(u.values.resource_id)
      .map((x) => m.get(x)!)
      .find(
        (r) =>
          PROVING_TYPES.includes(r.type) &&
          !['azurerm_network_security_group'].includes(r.type) &&
          new RegExp(`^\\$\\{\\s*${r.address.replace(/[.[\]]/g, '\\$&')}\\.id\\s*\\}$`).test(
            String(u.values.resource_id).trim(),
          ),
      );
    // Or by its ARM type and name: name with parent_id, or the last segment of a resource_id written out. A name
    // that is not a literal may be any of them (fail closed).
    const armType = String(u.values.type ?? '')
      .split('@')[0]
      .toLowerCase();
    const id = u.values.resource_id;
    const name =
      id === undefined || id === null
        ? u.values.name
        : typeof id === 'string'
          ? id.split('/').pop()
          : undefined;
    const byName = byRef
      ? undefined
      : m.resources.find(
          (r) =>
            ARM_TYPES[r.type] === armType &&
            (!isLiteral(name) ||
              String(name ?? '').toLowerCase() ===
                String(r.values.name ?? r.values.resource_type ?? '').toLowerCase()),
        );
    const target = byRef ?? byName;
    if (target) {
      results.push(
        bad(
          u.address,
          `cannot judge ${target.address}: an azapi write changes it after creation, and the rules judge it as declared`,
          u.values.body ?? '(no body)',
        ),
      );
    }
  }
  // An azapi_resource_action sends its request to <resource_id>/<action> (azapi docs, resources/resource_action:
  // `action` is "the name of the resource action"): with PUT, PATCH or DELETE and an action that is a child path
  // (securityRules/<name>, defenderForAISettings/Default, providers/Microsoft.Insights/diagnosticSettings/<name>),
  // it creates, changes or deletes a resource of a type its `type` does not name, which no rule maps.
  for (const u of m.ofType('azapi_resource_action')) {
    const action = u.values.action;
    if (action === undefined || action === null || action === '' || !writingMethod(u.values.method)) continue;
    results.push(
      bad(
        u.address,
        `cannot judge ${u.address}: it sends ${String(u.values.method ?? 'POST')} to ${String(u.values.resource_id)}/${String(action)}, a resource the rules do not map (write it as the azapi or azurerm resource of its type)`,
        { action, method: u.values.method, body: u.values.body ?? '(no body)' },
      ),
    );
  }
  for (const a of accounts(m).filter((x) => !x.kindKnown)) {
    results.push(
      bad(
        a.resource.address,
        'cannot verify the account kind: it is not a literal; judged as an Azure OpenAI account, with the AIServices DNS zones',
        a.resource.values.kind ?? '(unset)',
      ),
    );
  }
  return results.length
    ? results
    : [ok(undefined, 'every account and module in the input is visible and of a known kind')];
}

/** Arguments whose drift would undo the account hardening, per resource type (ARM body for azapi). */
const HARDENED_ARGUMENTS: Record<string, string[]> = {
  azurerm_cognitive_account: [
    'public_network_access_enabled',
    'local_auth_enabled',
    'network_acls',
    'outbound_network_access_restricted',
    'fqdns',
    'identity',
    'custom_subdomain_name',
  ],
  azurerm_ai_services: [
    'public_network_access',
    'local_authentication_enabled',
    'network_acls',
    'outbound_network_access_restricted',
    'fqdns',
    'identity',
    'custom_subdomain_name',
  ],
  azapi_resource: ['body', 'identity'],
  azapi_update_resource: ['body'],
  azurerm_cognitive_deployment: ['rai_policy_name'],
  // The resources the other rules judge: drift of these arguments reopens the endpoint path, silences
  // detection or weakens filtering just as drift of the account does (argument names: azurerm 4.55 docs).
  azurerm_cognitive_account_rai_policy: ['content_filter', 'mode'],
  azurerm_subnet: ['private_endpoint_network_policies'],
  azurerm_network_security_group: ['security_rule'],
  azurerm_network_security_rule: [
    'access',
    'direction',
    'priority',
    'protocol',
    'source_address_prefix',
    'source_address_prefixes',
    'destination_address_prefix',
    'destination_address_prefixes',
    'destination_port_range',
    'destination_port_ranges',
  ],
  azurerm_subnet_network_security_group_association: ['network_security_group_id'],
  azurerm_private_endpoint: ['private_service_connection', 'private_dns_zone_group', 'subnet_id'],
  azurerm_monitor_diagnostic_setting: [
    'enabled_log',
    'enabled_metric',
    'log_analytics_workspace_id',
    'target_resource_id',
  ],
  azurerm_log_analytics_workspace: ['retention_in_days', 'daily_quota_gb'],
  azurerm_monitor_scheduled_query_rules_alert_v2: [
    'enabled',
    'criteria',
    'scopes',
    'action',
    'severity',
    'window_duration',
  ],
  azurerm_monitor_metric_alert: ['enabled', 'criteria', 'scopes', 'action', 'severity', 'window_size'],
  azurerm_monitor_activity_log_alert: ['enabled', 'criteria', 'scopes', 'action'],
  azurerm_monitor_action_group: [
    'enabled',
    'email_receiver',
    'webhook_receiver',
    'logic_app_receiver',
    'azure_function_receiver',
  ],
  azurerm_security_center_subscription_pricing: ['tier'],
};

/** The first path segment of an ignore_changes entry ("network_acls[0].default_action" -> "network_acls"). */
function ignoredArgument(entry: unknown): string {
  return String(entry)
    .replace(/^\$\{|\}$/g, '')
    .trim()
    .split(/[.[]/)[0]
    .toLowerCase();
}

/** A postcondition that cannot fail: a constant, or a condition that never reads the resource (self). */
function disarmed(condition: unknown): boolean {
  if (typeof condition !== 'string') return condition !== undefined;
  const expr = condition.replace(/^\$\{|\}$/g, '').trim();
  return /^(true|!\s*false|1\s*==\s*1|"?true"?)$/i.test(expr) || !/\bself\./.test(expr);
}

function lifecycleFindings(m: TfModel): RuleResult[] {
  const results: RuleResult[] = [];
  const judgedTypes = Object.keys(HARDENED_ARGUMENTS);
  const cognitive = (r: { type: string; values: Record<string, any> }) =>
    !r.type.startsWith('azapi') ||
    /^Microsoft\.CognitiveServices\/accounts/i.test(String(r.values.type ?? ''));
  for (const r of m.ofType(...judgedTypes).filter(cognitive)) {
    const lifecycle = block(r.values.lifecycle);
    if (!lifecycle) continue;
    const ignore = lifecycle.ignore_changes;
    if (ignore !== undefined) {
      const entries = asArray(ignore);
      const all = entries.some((e) => ignoredArgument(e) === 'all');
      const hidden = entries.filter((e) => HARDENED_ARGUMENTS[r.type].includes(ignoredArgument(e)));
      if (all || hidden.length || !isLiteral(ignore)) {
        results.push(
          bad(
            r.address,
            all
              ? 'lifecycle.ignore_changes = all: drift of every hardened setting would go unnoticed and unrepaired'
              : hidden.length
                ? `lifecycle.ignore_changes hides hardened settings: ${hidden.map(String).join(', ')}`
                : 'cannot verify lifecycle.ignore_changes: it is not a literal list',
            ignore,
          ),
        );
      }
    }
  }
  for (const r of m.resources) {
    const lifecycle = block(r.values.lifecycle);
    const weak = asArray(lifecycle?.postcondition).find((p) => disarmed(p?.condition));
    if (weak) {
      results.push(
        bad(r.address, 'a postcondition cannot fail (a constant, or it does not read self)', weak.condition),
      );
    }
  }
  // Plans and states do not carry lifecycle blocks: removed guards can only be seen in Terraform JSON.
  for (const { record } of m.format === 'terraform-json' ? readRecords(m) : []) {
    for (const guard of asArray(record.values.input.guards)) {
      const target = typeof guard?.address === 'string' ? m.get(guard.address) : undefined;
      if (!target) continue;
      for (const kind of ['postcondition', 'precondition'] as const) {
        const present = asArray(block(target.values.lifecycle)?.[kind]).map((p) =>
          normalizeCondition(p?.condition),
        );
        const removed = asArray(guard[`${kind}s`]).filter((c) => !present.includes(normalizeCondition(c)));
        if (removed.length) {
          results.push(
            bad(
              target.address,
              `${kind}(s) the construct wrote were removed or changed: ${removed.map(String).join('; ')}`,
              removed,
            ),
          );
        }
      }
    }
  }
  return results;
}
