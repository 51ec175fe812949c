import { Rule } from '../rule';
import { CONTENT_RULES } from './content';
import { IDENTITY_RULES } from './identity';
import { INTEGRITY_RULES } from './integrity';
import { MONITORING_RULES } from './monitoring';
import { NETWORK_RULES } from './network';

/** Every rule, in report order. IDs are stable: never reused or renumbered. */
export const ALL_RULES: readonly Rule[] = [
  ...NETWORK_RULES,
  ...IDENTITY_RULES,
  ...CONTENT_RULES,
  ...MONITORING_RULES,
  ...INTEGRITY_RULES,
];
