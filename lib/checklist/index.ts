// The checklist for construct users: the cdktf-free core (./core) plus the synth-time glue, the only checklist
// files that load cdktf: the HardeningChecks Aspect (./aspect, over ./stack-checks) and HardeningSuppressions.
export * from './core';
export * from './aspect';
export * from './scope';
export * from './suppressions';
