import { salesReport } from '../../../application/queries/index.js';
import { projections, projectionStatuses } from '../../../projections/index.js';
import { catchUpAll, withRuntime } from '../session.js';

/**
 * `report [--json] [--tenant T] [--catch-up]`: prints the tenant's sales report (see
 * `SalesReport`) read from the read models, as one JSON object with `--json`. Read-only: it
 * neither migrates nor writes, and reads the read models as they are, saying on stderr which
 * ones lag behind the log (`note: read models behind the log: sales 12 events, …`). With
 * `catchUp` it first migrates and catches every projection up (writes the read models).
 */
export async function report(options: { tenant: string; json: boolean; catchUp?: boolean }): Promise<void> {
  await withRuntime(
    async (runtime) => {
      if (options.catchUp) await catchUpAll(runtime);
      else {
        const lagging = (await projectionStatuses(runtime.database.db, projections)).filter((s) => (s.live?.lagEvents ?? 0) > 0);
        if (lagging.length > 0) {
          const behind = lagging.map((s) => `${s.name} ${s.live!.lagEvents} events`).join(', ');
          console.error(`note: read models behind the log: ${behind}; the report leaves those events out (the service catches them up, or run with --catch-up)`);
        }
      }
      const r = await salesReport(runtime.database.db, options.tenant);
      const out = {
        ...r,
        gmvByCategory: r.gmvByCategory.map(({ category, minor }) => ({ category, minor })),
      };
      if (options.json) {
        console.log(JSON.stringify(out, null, 2));
        return;
      }
      console.log(`tenant ${r.tenantId}: ${r.orders} orders`);
      for (const [status, n] of Object.entries(r.ordersByStatus)) console.log(`  ${status.padEnd(10)} ${n}`);
      for (const g of r.gmvByCurrency) console.log(`GMV ${(g.minor / 100).toFixed(2)} ${g.currency}`);
      for (const c of r.gmvByCategory.slice(0, 10)) console.log(`  ${c.category.padEnd(40)} ${(c.minor / 100).toFixed(2)}`);
    },
    { migrate: options.catchUp ?? false },
  );
}
