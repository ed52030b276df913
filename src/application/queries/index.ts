export * from './catalogue-queries.js';
export * from './sales-queries.js';
export * from './analytics-queries.js';
export * from './segmentation.js';
