// The public API: what a construct user needs. Everything else in lib/ is the package's own plumbing and is not
// exported here (the account write chain, the hardening record, the azapi version pins, naming and validation
// helpers, rule-internal constants); members of public types that only the package calls are `@internal`.
import { HardeningConfigError as ConfigError } from './validation';

export {
  AccountKind,
  AccountRole,
  ModelDeployment,
  OpenAIAccount,
  OpenAIAccountBase,
  PrincipalType,
} from './account';
export type {
  AccessEntry,
  GrantOptions,
  GrantPrincipal,
  IOpenAIAccount,
  ModelDeploymentOptions,
  OpenAIAccountAttributes,
  OpenAIAccountProps,
} from './account';
export { AzapiProvider, AzapiResource, AzapiUpdateResource } from './azapi';
export type { AzapiProviderConfig, AzapiResourceConfig, AzapiUpdateResourceConfig } from './azapi';
export { ContentFilterPolicy } from './content-filter-policy';
export type {
  BlocklistItem,
  BlocklistOptions,
  ContentFilterPolicyProps,
  ContentFilterSetting,
} from './content-filter-policy';
export * from './hardened-azure-openai';
export * from './identity-lockdown';
export { NamingScheme } from './naming';
export type { OptOut } from './opt-out';
export * from './private-networking';
export * from './security-monitoring';
export { SubscriptionBaseline, SubscriptionCoverage } from './subscription-baseline';
export type { SubscriptionBaselineOptions, SubscriptionBaselineProps } from './subscription-baseline';
export * from './checklist';

/**
 * Thrown at synth for configuration that is invalid or weaker than the hardened baseline; the message names the
 * field, the value and the fix. (A value, not a jsii class: jsii cannot export subclasses of Error.)
 */
export const HardeningConfigError = ConfigError;
export type HardeningConfigError = ConfigError;
