export * from './money.js';
export * from './domain-error.js';
export * from './decider.js';
export * from './time.js';
export * from './allocation.js';
