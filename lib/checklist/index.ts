export * from './aspect';
export * from './suppressions';
