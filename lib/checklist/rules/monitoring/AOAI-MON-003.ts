import { coverageDeclared, markers } from './shared';
import { SUBSCRIPTION_BASELINE_KIND } from '../../../record-format';
import { asArray } from '../../model';
import { Rule, accounts, bad, na, ok } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-MON-003',
  constant: 'MON_ACTIVITY_LOG',
  summary: 'The Activity Log is exported.',
  severity: 'warning',
  phase: 'Monitoring',
  title: 'The subscription Activity Log is exported to Log Analytics',
  rationale:
    'Deployment, RAI policy and key-listing changes, and RBAC denials, are only in the Activity Log.',
  references: { mcsb: 'LT-3' },
  failClosed: 'A subscription target that is not recognisably the subscription does not count.',
  evaluate: (m) => {
    const baseline = markers(m, SUBSCRIPTION_BASELINE_KIND)[0];
    if (accounts(m).length === 0 && !baseline) return [na('no Azure OpenAI account in this configuration')];
    const exports = m.ofType('azurerm_monitor_diagnostic_setting').filter((d) => {
      const target = String(d.values.target_resource_id ?? '');
      // A subscription: a literal /subscriptions/<id>, the subscription data source, or "/subscriptions/<id>"
      // cut from a resource ID (this package's form: join("/", slice(split("/", <id>), 0, 3))).
      return (
        /^\/subscriptions\/[^/]+$/.test(target) ||
        /^\$\{data\.azurerm_subscription\.[^.}]+\.id\}$/.test(target) ||
        /slice\(split\("\/", [^)]+\), 0, 3\)/.test(target)
      );
    });
    const good = exports.find(
      (d) =>
        asArray(d.values.enabled_log).some((l) => l.category === 'Administrative') &&
        d.values.log_analytics_workspace_id,
    );
    const declared = good || baseline ? undefined : coverageDeclared(m);
    return [
      good
        ? ok(good.address, 'Activity Log (Administrative) exported')
        : declared
          ? ok(declared.address, declared.message)
          : bad(
              baseline?.address ?? accounts(m)[0].resource.address,
              'no subscription diagnostic setting exports the Administrative Activity Log, and no subscription coverage is declared',
              exports.map((e) => e.address),
            ),
    ];
  },
};
