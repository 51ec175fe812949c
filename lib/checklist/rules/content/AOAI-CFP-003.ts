import { perBoundPolicy, requireFilters } from './shared';
import { Rule } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-CFP-003',
  constant: 'CFP_PROMPT_SHIELDS',
  summary: 'Prompt shields are enabled and blocking.',
  severity: 'error',
  phase: 'Content Safety',
  title: 'Prompt shields: Jailbreak and Indirect Attack are enabled and blocking on prompts',
  rationale:
    'Jailbreak catches direct prompt injection; Indirect Attack catches instructions hidden in documents and tool output.',
  references: { azurePolicy: 'f3a9c2e0 (Preview guardrail: allowed prompt content filtering)' },
  failClosed: 'As AOAI-CFP-002.',
  evaluate: (m) =>
    perBoundPolicy(m, (p) =>
      requireFilters(m, p, [
        { name: 'Jailbreak', source: 'Prompt' },
        { name: 'Indirect Attack', source: 'Prompt' },
      ]),
    ),
};
