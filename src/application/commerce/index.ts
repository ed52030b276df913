export * from './streams.js';
export * from './catalogue.js';
export * from './stock.js';
export * from './baskets.js';
export * from './wallets.js';
export * from './promotions.js';
export * from './orders.js';
export * from './checkout.js';
