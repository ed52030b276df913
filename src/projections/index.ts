import { catalogueProjection } from './catalogue-projection.js';
import type { Projection } from './projection.js';
import { salesProjection } from './sales-projection.js';

export * from './projection.js';
export * from './projector.js';
export { catalogueProjection } from './catalogue-projection.js';
export { salesProjection } from './sales-projection.js';

/** Every projection the service runs, by name. */
export const projections: readonly Projection[] = [catalogueProjection, salesProjection];

/** The projection called `name`, or undefined. */
export function projectionNamed(name: string): Projection | undefined {
  return projections.find((p) => p.name === name);
}
