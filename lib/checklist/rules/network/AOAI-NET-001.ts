import { Rule, badSetting, ok, perAccount } from '../../rule';
import { SETTING } from '../fail-closed';

export const rule: Rule = {
  id: 'AOAI-NET-001',
  constant: 'NET_PUBLIC_ACCESS',
  summary: 'Public network access is disabled on the account.',
  severity: 'error',
  phase: 'Network Isolation',
  title: 'Public network access is disabled on the account',
  rationale:
    'A private endpoint does not close the public endpoint; only publicNetworkAccess = Disabled does.',
  references: {
    checkov: 'CKV_AZURE_134',
    azurePolicy: '47ba1dd7-28d9-4b07-a8d5-9813bed64e0c',
    mcsb: 'NS-2',
  },
  failClosed: SETTING,
  evaluate: (m) =>
    perAccount(m, (a) =>
      a.publicAccess.ok
        ? ok(a.resource.address, 'public network access disabled')
        : badSetting(a.publicAccess, 'public network access is enabled', 'public network access is disabled'),
    ),
};
