import { HardeningConfigError as ConfigError } from './validation';

export * from './account';
export {
  AZAPI_PROVIDER_VERSION_CONSTRAINT,
  AZAPI_SCHEMA_FIRST_RELEASE,
  AzapiProvider,
  AzapiResource,
  AzapiUpdateResource,
} from './azapi';
export type { AzapiProviderConfig, AzapiResourceConfig, AzapiUpdateResourceConfig } from './azapi';
export * from './content-filter-policy';
export * from './fleet-collisions';
export * from './hardened-azure-openai';
export { HARDENING_RECORD_KIND, HardeningRecord } from './hardening-record';
export type { RecordedExemption } from './hardening-record';
export * from './identity-lockdown';
export * from './naming';
export { MIN_REASON_LENGTH } from './opt-out';
export type { OptOut } from './opt-out';
export * from './private-networking';
export * from './security-monitoring';
export * from './subscription-baseline';
export * from './checklist';

/**
 * Thrown at synth for configuration that is invalid or weaker than the hardened baseline; the message names the
 * field, the value and the fix. (A value, not a jsii class: jsii cannot export subclasses of Error.)
 */
export const HardeningConfigError = ConfigError;
export type HardeningConfigError = ConfigError;
