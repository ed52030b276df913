export * from './events.js';
export * from './process.js';
export * from './manager.js';
export * from './subscriber.js';
