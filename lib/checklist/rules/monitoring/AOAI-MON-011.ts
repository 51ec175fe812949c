import { coverageDeclared, defenderPlans, markers } from './shared';
import { SUBSCRIPTION_BASELINE_KIND } from '../../../record-format';
import { TfResource } from '../../model';
import { Rule, accounts, bad, ok, perAccount, pointsAt } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-MON-011',
  constant: 'MON_DEFENDER',
  summary: 'Defender for AI plan and account setting.',
  severity: 'error',
  phase: 'Monitoring',
  title: 'Microsoft Defender for AI: the subscription plan is Standard and the account setting is Enabled',
  rationale:
    'Defender for AI raises alerts for jailbreak campaigns, credential theft and data exfiltration through the model.',
  references: { mcsb: 'LT-1' },
  failClosed:
    'A missing plan or account setting fails unless subscription coverage is declared; every plan for AI (an azurerm pricing of any case or of a resource type that is not a literal, or an azapi write of Microsoft.Security/pricings AI) must be Standard, not only the first; every write of the account setting must set Enabled; a plan written through another provider configuration than the account may cover another subscription and fails.',
  evaluate: (m) => {
    // Every plan for AI is judged, not the first: a second one (another name, another case of "AI", a type that is
    // not a literal, an azapi write) that sets Free applies as surely as the first; the weakest is the one shown.
    const plans = defenderPlans(m);
    const plan = plans.find((p) => p.tier !== 'Standard') ?? plans[0];
    const baseline = markers(m, SUBSCRIPTION_BASELINE_KIND)[0];
    if (baseline && accounts(m).length === 0) {
      // A subscription baseline stack: judge its plan.
      if (!plan) return [bad(baseline.address, 'no Defender plan with resource_type "AI"', '(none)')];
      return [
        plan.tier === 'Standard'
          ? ok(plan.address, 'plan Standard')
          : bad(plan.address, 'Defender for AI tier is not Standard', plan.tier),
      ];
    }
    const declared = plan ? undefined : coverageDeclared(m);
    return perAccount(m, (a) => {
      if (!plan && !declared) {
        return bad(
          a.resource.address,
          'no Defender plan with resource_type "AI", and no subscription coverage is declared',
          '(none)',
        );
      }
      if (plan && plan.tier !== 'Standard') {
        return bad(plan.address, 'Defender for AI tier is not Standard', plan.tier);
      }
      // The plan is per subscription: written through another provider configuration (an alias for another
      // subscription) it may cover a subscription that is not the account's.
      const providerOf = (r: TfResource) => String(r.values.provider ?? 'azurerm').replace(/^\$\{|\}$/g, '');
      const planProvider = (p: (typeof plans)[number]) =>
        p.subscriptionFrom ? providerOf(p.subscriptionFrom) : undefined;
      const elsewhere = plans.find((p) => a.declared && planProvider(p) !== providerOf(a.resource));
      if (elsewhere) {
        const via = planProvider(elsewhere);
        return bad(
          elsewhere.address,
          via
            ? `the Defender plan is written through provider ${via}, the account through ${providerOf(a.resource)}: it may cover another subscription`
            : "the Defender plan's subscription is not read through the account's provider: it may cover another subscription",
          via ?? elsewhere.resource.values.resource_id,
        );
      }
      // azapi_update_resource is how this package manages the setting (it has no DELETE); azapi_resource also counts.
      // Every write of the setting counts: a second one that disables it is applied too.
      const settings = m
        .ofType('azapi_resource', 'azapi_update_resource', 'azapi_resource_action')
        .filter(
          (r) =>
            /defenderForAISettings@/i.test(String(r.values.type)) &&
            (pointsAt(m, r.values.parent_id, a) ||
              (typeof r.values.resource_id === 'string' &&
              r.values.resource_id.includes('/defenderForAISettings/')
                ? pointsAt(m, r.values.resource_id.replace(/\/defenderForAISettings\/.*$/i, ''), a)
                : false)),
        );
      if (!settings.length) {
        return bad(a.resource.address, 'no defenderForAISettings on the account', '(none)');
      }
      const off = settings.find((r) => {
        const body = r.values.body;
        return !body || typeof body !== 'object' || body.properties?.state !== 'Enabled';
      });
      if (off) {
        return bad(
          off.address,
          'defenderForAISettings state is not Enabled',
          off.values.body?.properties?.state,
        );
      }
      return plan
        ? ok(plan.address, 'plan Standard, account setting Enabled')
        : ok(declared!.address, `plan ${declared!.message}; account setting Enabled`);
    });
  },
};
