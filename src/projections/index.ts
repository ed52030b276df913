import { analyticsProjection } from './analytics-projection.js';
import { catalogueProjection } from './catalogue-projection.js';
import type { Projection } from './projection.js';
import { salesProjection } from './sales-projection.js';
import { segmentationProjection } from './segmentation-projection.js';

export * from './projection.js';
export * from './projector.js';
export * from './rebuild.js';
export * from './registry.js';
export * from './status.js';
export { readAllSource, type EventSource } from './event-source.js';
export { BatchApplyError, isTransient, type BatchLimits, type BatchResult, type Target } from './batch.js';
export { catalogueProjection, categoryPath, categoryAncestors, DEFAULT_LOW_STOCK_THRESHOLD } from './catalogue-projection.js';
export { salesProjection, salesByCategory } from './sales-projection.js';
export { analyticsProjection, PAYMENT_OUTCOMES, stockLevel, WALLET_FLOWS, type StockLevel } from './analytics-projection.js';
export { segmentationProjection, isGuest, GUEST_PREFIXES } from './segmentation-projection.js';

/** Every projection the service runs, by name. */
export const projections: readonly Projection[] = [catalogueProjection, salesProjection, analyticsProjection, segmentationProjection];

/** The projection called `name`, or undefined. */
export function projectionNamed(name: string): Projection | undefined {
  return projections.find((p) => p.name === name);
}
