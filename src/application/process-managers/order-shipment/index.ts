export * from './manager.js';
export * from './subscriber.js';
