import { diagnosticsFor, shortTableRetention } from './shared';
import { AUDIT_RETENTION_DAYS } from '../../../azure-facts';
import { isReference, retentionGuardCondition } from '../../../record-format';
import { asArray, isLiteral } from '../../model';
import { guardStands } from '../../records';
import { Rule, bad, ok, perAccount } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-MON-002',
  constant: 'MON_RETENTION',
  summary: 'Log retention meets 365 days.',
  severity: 'error',
  phase: 'Monitoring',
  title: 'Log retention meets the audit requirement (365 days) and no deprecated retention_policy is used',
  rationale:
    'The guide keeps audit data a year; diagnostic-setting retention_policy is deprecated and ignored for Log Analytics.',
  references: { mcsb: 'LT-6' },
  failClosed:
    'A retention that is not a literal is "cannot verify" unless the workspace precondition the construct wrote (at least 365 days, evaluated by Terraform at plan) stands and the hardening record lists it; a workspace managed elsewhere is a post-deploy check. A workspace with immediate_data_purge_on_30_days_enabled true (or not a literal) fails. A table of the workspace (azurerm_log_analytics_workspace_table, or an azapi write of workspaces/tables) kept for less than 365 days in total (interactive plus archive) fails; a table retention that is not a literal is "cannot verify".',
  evaluate: (m) =>
    perAccount(m, (a) => {
      for (const s of diagnosticsFor(m, a)) {
        // Terraform's plan JSON writes an unset block list as [] (seen in Terraform 1.11.4 `show -json`): only a
        // non-empty retention_policy is the deprecated block.
        const withRetention = asArray(s.values.enabled_log).find(
          (l) => asArray(l?.retention_policy).length > 0,
        );
        if (withRetention || asArray(s.values.metric).length) {
          return bad(
            s.address,
            'deprecated retention_policy or metric block; set retention on the workspace',
            withRetention?.retention_policy ?? s.values.metric,
          );
        }
        const workspace = m
          .references(s.values.log_analytics_workspace_id)
          .map((x) => m.get(x)!)
          .find((r) => r.type === 'azurerm_log_analytics_workspace');
        if (!workspace) {
          return ok(
            s.address,
            'workspace managed outside this configuration: verify its retention after deploy',
          );
        }
        // immediate_data_purge_on_30_days_enabled removes the workspace's data after 30 days whatever its retention
        // (azurerm 4.x docs, log_analytics_workspace; ARM features.immediatePurgeDataOn30Days, REST spec
        // Microsoft.OperationalInsights workspaces): a 365-day retention with it keeps 30 days.
        const purge = workspace.values.immediate_data_purge_on_30_days_enabled;
        if (purge !== undefined && purge !== null && purge !== false) {
          return bad(
            workspace.address,
            isLiteral(purge)
              ? 'immediate_data_purge_on_30_days_enabled purges the logs after 30 days, whatever the retention'
              : 'cannot verify immediate_data_purge_on_30_days_enabled: it is not known from this input (true purges the logs after 30 days)',
            purge,
          );
        }
        const raw = workspace.values.retention_in_days ?? 30;
        if (!isLiteral(raw)) {
          // A reference is accepted only while the precondition the construct wrote checks it at plan.
          return isReference(raw) && guardStands(m, workspace, retentionGuardCondition(raw))
            ? ok(
                workspace.address,
                `retention ${raw} is checked at plan by a precondition (at least ${AUDIT_RETENTION_DAYS} days)`,
              )
            : bad(
                workspace.address,
                'cannot verify the workspace retention: it is not known from this input, and no precondition checks it at plan',
                raw,
              );
        }
        const days = Number(raw);
        if (!(days >= AUDIT_RETENTION_DAYS)) {
          return bad(workspace.address, `retention ${days} days is below ${AUDIT_RETENTION_DAYS}`, days);
        }
        const table = shortTableRetention(m, workspace, days);
        if (table) return bad(table.address, table.message, table.value);
        return ok(workspace.address, `retention ${days} days`);
      }
      return bad(a.resource.address, 'no diagnostic setting, so no retention', '(none)');
    }),
};
