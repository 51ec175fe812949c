import { Rule, bad, ok, perAccount } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-NET-005',
  constant: 'NET_CUSTOM_SUBDOMAIN',
  summary: 'The account has a custom subdomain.',
  severity: 'error',
  phase: 'Network Isolation',
  title: 'The account has a custom subdomain',
  rationale:
    'Entra ID tokens and private endpoints require a custom subdomain; without it clients fall back to keys and regional endpoints.',
  references: { mcsb: 'IM-1' },
  failClosed: 'An expression is accepted (Azure requires the subdomain at creation); unset fails.',
  evaluate: (m) =>
    perAccount(m, (a) => {
      if (!a.declared) {
        // An account managed elsewhere keeps the subdomain it was created with; endpoints and DNS name it.
        return ok(a.resource.address, 'account managed elsewhere: its subdomain is fixed at creation');
      }
      return typeof a.subdomain === 'string' && a.subdomain.trim() !== '' && !a.subdomain.includes('${')
        ? ok(a.resource.address, `subdomain ${a.subdomain}`)
        : typeof a.subdomain === 'string' && a.subdomain.includes('${')
          ? ok(a.resource.address, `subdomain set by ${a.subdomain}`)
          : bad(a.resource.address, 'no custom subdomain', a.subdomain ?? '(unset)');
    }),
};
