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
  failClosed:
    'A subscription target that is not recognisably the subscription does not count. A baseline that declares an existing export passes only with its owner (10 characters or more) and workspace recorded.',
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
    // A baseline that declares the export already exists (SubscriptionBaseline.activityLogExportManagedBy): a second
    // export of the same categories to that workspace would be refused (one diagnostic setting per category and
    // destination), so the declaration, its owner and workspace stand in for it.
    const exportedBy = baseline?.values.input?.activity_log_exported_by;
    const existing =
      !good &&
      typeof exportedBy === 'string' &&
      exportedBy.trim().length >= 10 &&
      baseline?.values.input?.activity_log_workspace_id;
    return [
      good
        ? ok(good.address, 'Activity Log (Administrative) exported')
        : existing
          ? ok(
              baseline!.address,
              `declared: the Activity Log already goes to ${baseline!.values.input.activity_log_workspace_id} (exported by: ${exportedBy.trim()})`,
            )
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
