import { ACTION_GROUP_RECEIVERS, receiverGuarded } from './shared';
import { EMAIL_ADDRESS, EMAIL_GUARD_PATTERN } from '../../../record-format';
import { KNOWN_AFTER_APPLY, asArray, isLiteral } from '../../model';
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
    'Any receiver block counts (e-mail, SMS, voice, push, webhook, Logic App, Function, runbook, ITSM, Event Hub, ARM role); an e-mail receiver that is not an address fails, and one that is not a literal is "cannot verify" unless the precondition the construct wrote (an address, evaluated by Terraform at plan) stands and the hardening record lists it; receivers generated from an expression are judged on plan JSON, where Terraform has expanded them.',
  evaluate: (m) => {
    if (accounts(m).length === 0) return [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')];
    const results = m.ofType('azurerm_monitor_action_group').map((g) => {
      const given = ACTION_GROUP_RECEIVERS.filter((k) => asArray(g.values[k]).length > 0);
      // A receiver list given by reference (a dynamic block over a variable) is known at plan.
      const deferred = ACTION_GROUP_RECEIVERS.filter(
        (k) => g.values[k] !== undefined && !isLiteral(g.values[k]),
      );
      // An e-mail receiver that is no address reaches nobody; by reference it needs its plan-time guard.
      const email = asArray(g.values.email_receiver)
        .map((e) => e?.email_address)
        .find((v) =>
          isLiteral(v) && v !== KNOWN_AFTER_APPLY
            ? !EMAIL_ADDRESS.test(String(v ?? ''))
            : !receiverGuarded(m, g, 'email_receiver', v, EMAIL_GUARD_PATTERN),
        );
      if (email !== undefined) {
        return bad(
          g.address,
          isLiteral(email) && email !== KNOWN_AFTER_APPLY
            ? 'an e-mail receiver is not an e-mail address: its alerts reach nobody'
            : 'cannot verify an e-mail receiver is an address: it is not a literal, and no precondition checks it at plan',
          email,
        );
      }
      if (given.length) return ok(g.address, `receivers: ${given.join(', ')}`);
      if (deferred.length) {
        return ok(g.address, `receivers from an expression (${deferred.join(', ')}): judged on the plan`);
      }
      return bad(g.address, 'action group has no receiver: its alerts notify nobody', '(no receivers)');
    });
    return results.length ? results : [na('no action groups in this input')];
  },
};
