import { Rule, badSetting, ok, perAccount } from '../../rule';
import { SETTING } from '../fail-closed';

export const rule: Rule = {
  id: 'AOAI-IAM-001',
  constant: 'IAM_LOCAL_AUTH',
  summary: 'Key (local) authentication is disabled.',
  severity: 'error',
  phase: 'Identity and Access',
  title: 'Key (local) authentication is disabled',
  rationale:
    'API keys grant full data-plane access without identity or audit trail and are the most common leak.',
  references: {
    checkov: 'CKV_AZURE_236',
    azurePolicy: '71ef260a-8f18-47b7-abcb-62d0673d94dc',
    mcsb: 'IM-1',
  },
  failClosed: SETTING,
  evaluate: (m) =>
    perAccount(m, (a) =>
      a.localAuth.ok
        ? ok(
            a.localAuth.address,
            a.declared ? 'local auth disabled' : 'imported account: local auth disabled',
          )
        : badSetting(
            a.localAuth,
            'key (local) authentication is enabled',
            'key (local) authentication is disabled',
          ),
    ),
};
