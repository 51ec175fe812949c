import { Rule, badSetting, ok, perAccount } from '../../rule';
import { SETTING } from '../fail-closed';

export const rule: Rule = {
  id: 'AOAI-NET-003',
  constant: 'NET_BYPASS_NONE',
  summary: 'Trusted-service bypass is explicitly None.',
  severity: 'error',
  phase: 'Network Isolation',
  title: 'Trusted-service bypass is explicitly None',
  rationale:
    'Omitted, Azure applies AzureServices (and azurerm shows a perpetual diff); None keeps the private endpoint the only path.',
  references: { mcsb: 'NS-2' },
  failClosed: `${SETTING} Unset means Azure's AzureServices.`,
  evaluate: (m) =>
    perAccount(m, (a) =>
      a.aclBypass.ok
        ? ok(a.resource.address, 'bypass None')
        : badSetting(a.aclBypass, 'network ACL bypass is not None', 'network ACL bypass is None'),
    ),
};
