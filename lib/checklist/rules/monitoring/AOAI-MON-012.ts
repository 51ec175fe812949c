import { receiverGuarded } from './shared';
import { HTTPS_GUARD_PATTERN } from '../../../record-format';
import { KNOWN_AFTER_APPLY, asArray, isLiteral } from '../../model';
import { Rule, RuleResult, accounts, bad, na, ok } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-MON-012',
  constant: 'MON_ENABLED',
  summary: 'Alert rules and action groups are enabled and notify over HTTPS.',
  severity: 'error',
  phase: 'Monitoring',
  title: 'Alert rules and action groups are enabled, and notify only over HTTPS',
  rationale:
    'An alert rule or action group with enabled = false, or a webhook over plain http, keeps the resource in the plan while nothing fires or the alert travels in clear text.',
  references: { mcsb: 'LT-1' },
  failClosed:
    'An enabled flag that is not a literal is "cannot verify"; a receiver URL that is not a literal is "cannot verify" unless the https precondition the construct wrote (evaluated by Terraform at plan) stands and the hardening record lists it; on plan JSON the resolved URL is judged.',
  evaluate: (m) => {
    if (accounts(m).length === 0) return [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')];
    const results: RuleResult[] = [];
    // azurerm 4.55: `enabled` defaults to true on these four resource types (registry docs of each resource).
    for (const r of m.ofType(
      'azurerm_monitor_scheduled_query_rules_alert_v2',
      'azurerm_monitor_metric_alert',
      'azurerm_monitor_activity_log_alert',
      'azurerm_monitor_action_group',
    )) {
      const enabled = r.values.enabled;
      // Not set (absent, null in a plan, or unknown and bound to nothing in the configuration): the provider
      // default applies, `enabled` Default true on all four (terraform-provider-azurerm internal/services/monitor).
      if (enabled !== undefined && enabled !== null && enabled !== true && enabled !== KNOWN_AFTER_APPLY) {
        results.push(
          bad(
            r.address,
            isLiteral(enabled)
              ? 'switched off (enabled = false)'
              : 'cannot verify it is enabled: enabled is not a literal',
            enabled,
          ),
        );
        continue;
      }
      if (r.type === 'azurerm_monitor_action_group') {
        const urls: Array<[string, unknown]> = [
          ...asArray(r.values.webhook_receiver).map((w): [string, unknown] => [
            'webhook_receiver',
            w?.service_uri,
          ]),
          ...asArray(r.values.logic_app_receiver).map((w): [string, unknown] => [
            'logic_app_receiver',
            w?.callback_url,
          ]),
          ...asArray(r.values.azure_function_receiver).map((w): [string, unknown] => [
            'azure_function_receiver',
            w?.http_trigger_url,
          ]),
        ];
        // A receiver URL by reference is accepted only while the construct's https precondition stands (it may be
        // sensitive: Terraform judges it at plan without printing it).
        const insecure = urls.find(([kind, u]) =>
          isLiteral(u)
            ? !/^https:\/\//i.test(String(u ?? ''))
            : !receiverGuarded(m, r, kind, u, HTTPS_GUARD_PATTERN),
        );
        if (insecure !== undefined) {
          results.push(
            bad(
              r.address,
              isLiteral(insecure[1])
                ? 'a receiver is not HTTPS'
                : 'cannot verify a receiver URL is HTTPS: it is not a literal, and no precondition checks it at plan',
              insecure[1],
            ),
          );
          continue;
        }
      }
      results.push(ok(r.address, 'enabled'));
    }
    return results.length ? results : [na('no alert rules or action groups in this input')];
  },
};
