import { Rule, badSetting, ok, perAccount } from '../../rule';
import { SETTING } from '../fail-closed';

export const rule: Rule = {
  id: 'AOAI-NET-004',
  constant: 'NET_OUTBOUND_RESTRICTED',
  summary: 'Outbound network access is restricted.',
  severity: 'error',
  phase: 'Network Isolation',
  title: 'Outbound network access is restricted to an allowlist',
  rationale:
    'Restricting outbound calls stops the service from being used to exfiltrate data to arbitrary endpoints.',
  references: { checkov: 'CKV_AZURE_247' },
  failClosed: SETTING,
  evaluate: (m) =>
    perAccount(m, (a) =>
      a.outbound.ok
        ? ok(a.resource.address, 'outbound restricted')
        : badSetting(
            a.outbound,
            'outbound network access is not restricted',
            'outbound network access is restricted',
          ),
    ),
};
