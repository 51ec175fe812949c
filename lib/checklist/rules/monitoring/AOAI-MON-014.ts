import { ACTION_GROUP_RECEIVERS } from './shared';
import { asArray, isLiteral } from '../../model';
import { Rule, accounts, bad, na, ok } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-MON-014',
  constant: 'MON_RECEIVERS',
  summary: 'Every action group has at least one receiver.',
  severity: 'warning',
  phase: 'Monitoring',
  title: 'Every action group reaches someone: it has at least one receiver',
  rationale:
    "An alert routed to an action group without receivers notifies nobody. A warning, not an error: the package's own default groups have none until the user names the security, FinOps and change teams (add them before go-live; `--fail-on warning` makes this blocking).",
  references: { mcsb: 'IR-2' },
  failClosed:
    'Any receiver block counts (e-mail, SMS, voice, push, webhook, Logic App, Function, runbook, ITSM, Event Hub, ARM role); receivers generated from an expression are judged on plan JSON, where Terraform has expanded them.',
  evaluate: (m) => {
    if (accounts(m).length === 0) return [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')];
    const results = m.ofType('azurerm_monitor_action_group').map((g) => {
      const given = ACTION_GROUP_RECEIVERS.filter((k) => asArray(g.values[k]).length > 0);
      // A receiver list given by reference (a dynamic block over a variable) is known at plan.
      const deferred = ACTION_GROUP_RECEIVERS.filter(
        (k) => g.values[k] !== undefined && !isLiteral(g.values[k]),
      );
      if (given.length) return ok(g.address, `receivers: ${given.join(', ')}`);
      if (deferred.length) {
        return ok(g.address, `receivers from an expression (${deferred.join(', ')}): judged on the plan`);
      }
      return bad(g.address, 'action group has no receiver: its alerts notify nobody', '(no receivers)');
    });
    return results.length ? results : [na('no action groups in this input')];
  },
};
