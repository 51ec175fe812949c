export * from './account';
export * from './azapi';
export * from './hardening-record';
export * from './opt-out';
export { HardeningConfigError } from './validation';
