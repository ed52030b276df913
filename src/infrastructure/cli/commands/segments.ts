import { computeSegments, segmentSizes } from '../../../application/queries/index.js';
import { catchUpAll, withRuntime } from '../session.js';

/** Options of `segments recompute`. */
export interface RecomputeOptions {
  readonly tenant: string;
  readonly k?: number;
  readonly seed?: number;
  readonly asOf?: string;
  readonly currency?: string;
}

/**
 * `segments recompute [--tenant T] [--k K] [--seed S] [--as-of DAY] [--currency C]`:
 * catches the projections up, recomputes the tenant's RFM scores, named segments and
 * k-means clusters, and prints the run (sizes, breakpoints, centroids) as JSON.
 */
export async function recomputeSegments(options: RecomputeOptions): Promise<void> {
  await withRuntime(async (runtime) => {
    await catchUpAll(runtime);
    const run = await computeSegments(runtime.database.db, options.tenant, options);
    if (!run) {
      console.error(`tenant ${options.tenant} has no customer to segment`);
      process.exitCode = 1;
      return;
    }
    console.log(JSON.stringify(run, null, 2));
  });
}

/** `segments show [--tenant T] [--currency C]`: the last run's segment sizes and clusters as JSON. Read-only (no migration). */
export async function showSegments(options: { tenant: string; currency?: string }): Promise<void> {
  await withRuntime(async (runtime) => {
    const sizes = await segmentSizes(runtime.database.db, options.tenant, options.currency);
    if (!sizes) {
      console.error(`tenant ${options.tenant} has no segmentation yet: run \`segments recompute\``);
      process.exitCode = 1;
      return;
    }
    console.log(JSON.stringify(sizes, null, 2));
  }, { migrate: false });
}
