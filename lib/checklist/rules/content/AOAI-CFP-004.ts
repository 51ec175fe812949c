import { perBoundPolicy, requireFilters } from './shared';
import { Rule } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-CFP-004',
  constant: 'CFP_PROTECTED_MATERIAL',
  summary: 'Protected material is blocked on completions.',
  severity: 'warning',
  phase: 'Content Safety',
  title: 'Protected material (text and code) is blocked on completions',
  rationale: 'Stops the model returning copyrighted text or licensed code verbatim.',
  references: { azurePolicy: 'af253d37 (Preview guardrail: allowed completion content filtering)' },
  failClosed: 'As AOAI-CFP-002.',
  evaluate: (m) =>
    perBoundPolicy(m, (p) =>
      requireFilters(m, p, [
        { name: 'Protected Material Text', source: 'Completion' },
        { name: 'Protected Material Code', source: 'Completion' },
      ]),
    ),
};
