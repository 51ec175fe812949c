import { closedWorldFindings } from './closed-world';
import { Rule, accounts, na, ok } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-CHK-005',
  constant: 'CHK_CLOSED_WORLD',
  summary: 'Nothing in a configuration with an account writes to Azure or runs code unseen.',
  severity: 'error',
  phase: 'Checklist Integrity',
  title:
    'Closed world: every resource, data source, azapi type and provisioner is judged or known to be inert',
  rationale:
    'The rules read what they know; an ARM template deployment, a deployment script, a provisioner that calls az, a policy that remediates, a transformation that drops rows at ingestion or a type nobody listed can change the account or what protects it while every rule passes. In a configuration that holds an Azure OpenAI account each of them fails, naming its address, until it is written as resources the rules read or exempted with a reason',
  references: {},
  sources: [
    'https://developer.hashicorp.com/terraform/language/resources/provisioners/syntax',
    'https://learn.microsoft.com/azure/azure-resource-manager/templates/deployment-script-template',
    'https://learn.microsoft.com/azure/governance/policy/how-to/remediate-resources',
    'https://learn.microsoft.com/azure/azure-monitor/essentials/data-collection-transformations',
  ],
  failClosed:
    'A type not in the closed-world table (docs/rules.md), an azapi resource whose ARM type is not a literal or not listed, an azapi_resource_action POST other than a list action, any provisioner, and a listed writer fail; a policy assignment with a managed identity or a definition here whose effect is modify, deployIfNotExists or a parameter, a data collection rule with a transformation, and a workspace with a transformation rule fail. Exemptable per address with a reason (recorded in the report).',
  evaluate: (m) => {
    if (accounts(m).length === 0) return [na('no Azure OpenAI account in this input (see AOAI-CHK-001)')];
    const found = closedWorldFindings(m);
    return found.length
      ? found
      : [
          ok(
            undefined,
            `${m.resources.length} resource(s) and ${m.dataSources.length} data source(s): each judged or inert`,
          ),
        ];
  },
};
