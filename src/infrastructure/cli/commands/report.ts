import { salesReport } from '../../../application/queries/index.js';
import { catchUpAll, withRuntime } from '../session.js';

/**
 * `report --json [--tenant T]`: catches the projections up, then prints the tenant's sales
 * report (see `SalesReport`) as one JSON object read from the read models.
 */
export async function report(options: { tenant: string; json: boolean }): Promise<void> {
  await withRuntime(async (runtime) => {
    await catchUpAll(runtime);
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
  });
}
