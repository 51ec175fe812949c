import { Rule, badSetting, ok, perAccount } from '../../rule';
import { SETTING } from '../fail-closed';

export const rule: Rule = {
  id: 'AOAI-NET-002',
  constant: 'NET_ACL_DENY',
  summary: 'The network ACL denies by default, with no IP or VNet rules.',
  severity: 'error',
  phase: 'Network Isolation',
  title: 'The network ACL denies by default, with no IP or VNet rules',
  rationale:
    'Network rules have no effect unless the default action is Deny; IP and VNet rules reopen paths around the private endpoint.',
  references: { azurePolicy: '037eea7a-bd0a-46c5-9a66-03aea78705d3', mcsb: 'NS-2' },
  failClosed: SETTING,
  evaluate: (m) =>
    perAccount(m, (a) => {
      if (!a.aclDefault.ok) {
        return badSetting(
          a.aclDefault,
          'network ACL default action is not Deny',
          'the network ACL default action is Deny',
        );
      }
      if (!a.aclRules.ok) {
        return badSetting(
          a.aclRules,
          'network ACL has IP or VNet rules',
          'the network ACL has no IP or VNet rules',
        );
      }
      return ok(a.resource.address, 'default Deny, no rules');
    }),
};
