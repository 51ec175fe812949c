import { queryRules } from './shared';
import { asArray, block } from '../../model';
import { Rule, RuleResult, accounts, bad, na, ok } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-MON-010',
  constant: 'MON_ACTION_GROUPS',
  summary: 'Alerts notify an action group.',
  severity: 'error',
  phase: 'Monitoring',
  title: 'Alerts of severity 0-3 notify an action group defined with them',
  rationale: 'An alert nobody receives detects nothing.',
  references: { mcsb: 'IR-2' },
  failClosed:
    'An action group ID that names no group here and is no literal action-group ID does not count; an enabled alert processing rule that removes all action groups fails, whatever its condition or schedule.',
  evaluate: (m) => {
    if (accounts(m).length === 0) return [na('no Azure OpenAI account in this configuration')];
    const groups = m.ofType('azurerm_monitor_action_group');
    const results: RuleResult[] = [];
    const wired = (v: unknown) =>
      groups.some((g) => m.refersTo(v, g)) ||
      asArray(v).some((x) => typeof x === 'string' && /\/actionGroups\//i.test(x));
    for (const q of queryRules(m).filter((x) => x.severity <= 3)) {
      const ids = block(q.r.values.action)?.action_groups;
      results.push(
        wired(ids)
          ? ok(q.r.address, 'notifies an action group')
          : bad(q.r.address, 'alert has no action group', ids ?? '(none)'),
      );
    }
    for (const r of m.ofType('azurerm_monitor_metric_alert', 'azurerm_monitor_activity_log_alert')) {
      if (Number(r.values.severity ?? 3) > 3) continue;
      const ids = asArray(r.values.action).map((x) => x?.action_group_id);
      results.push(
        ids.length && wired(ids)
          ? ok(r.address, 'notifies an action group')
          : bad(r.address, 'alert has no action group', ids),
      );
    }
    // An alert processing rule of type suppression removes every action group from the alerts fired in its
    // scopes (Microsoft Learn, "Alert processing rules": Suppression; azurerm 4.55
    // monitor_alert_processing_rule_suppression: scopes, enabled default true; azapi
    // Microsoft.AlertsManagement/actionRules with an action RemoveAllActionGroups). Its condition and schedule
    // only narrow it, so an enabled one is judged as silencing these alerts (fail closed; exempt it with a reason).
    const suppressions = [
      ...m.ofType('azurerm_monitor_alert_processing_rule_suppression'),
      ...m
        .ofType('azapi_resource')
        .filter(
          (r) =>
            /^Microsoft\.AlertsManagement\/actionRules@/i.test(String(r.values.type ?? '')) &&
            /RemoveAllActionGroups/i.test(JSON.stringify(r.values.body ?? 'RemoveAllActionGroups')),
        ),
    ].filter((r) => r.values.enabled !== false && r.values.body?.properties?.enabled !== false);
    for (const sup of suppressions) {
      results.push(
        bad(
          sup.address,
          'an alert processing rule suppresses notifications (removes all action groups) from the alerts in its scopes: they notify nobody',
          sup.values.scopes ?? sup.values.body?.properties?.scopes ?? '(unknown scopes)',
        ),
      );
    }
    return results.length ? results : [bad(accounts(m)[0].resource.address, 'no alerts at all', '(none)')];
  },
};
