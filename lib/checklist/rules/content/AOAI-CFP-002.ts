import { perBoundPolicy, requireFilters } from './shared';
import { HARM_FILTERS } from '../../../azure-facts';
import { Rule, bad } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-CFP-002',
  constant: 'CFP_HARM_FILTERS',
  summary: 'Harm filters block at Low on prompts and completions, synchronously.',
  severity: 'error',
  phase: 'Content Safety',
  title:
    'Hate, Sexual, Violence and Selfharm filters block at threshold Low on prompts and completions, in a synchronous mode',
  rationale:
    "The guide's strict policy: the service default (Medium) lets low-severity harmful content through; streaming modes return content before filtering ends.",
  references: { azurePolicy: '930f48f9 (Preview guardrail: allowed control)' },
  failClosed:
    'Every entry for a filter and source must hold (a weaker duplicate fails); names compare case-insensitively; ARM property names in any case are read as if honoured (a property spelled twice must hold in every spelling); flags that are not literal true fail. A bound policy is judged as written and as every azapi write to it leaves it (a body that cannot be read fails).',
  evaluate: (m) =>
    perBoundPolicy(m, (p) => {
      if (p.mode && !['Default', 'Blocking'].includes(p.mode)) {
        return bad(p.resource.address, `mode ${p.mode} returns content before filtering completes`, p.mode);
      }
      return requireFilters(
        m,
        p,
        HARM_FILTERS.flatMap((name) =>
          ['Prompt', 'Completion'].map((source) => ({ name, source, threshold: 'Low' })),
        ),
      );
    }),
};
