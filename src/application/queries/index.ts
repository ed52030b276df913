export * from './catalogue-queries.js';
export * from './sales-queries.js';
