export * from './read-online-retail.js';
export * from './replay-online-retail.js';
export { CachingCommandHandler } from './caching-handler.js';
