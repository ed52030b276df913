import type { FastifyPluginAsync } from 'fastify';
import * as queries from '../../application/queries/index.js';
import { isAdmin, type Role } from './auth.js';
import type { HttpDependencies } from './deps.js';
import { authenticate, principalOf, requireRoles } from './guard.js';
import { notFound } from './problems.js';
import * as schemas from './query-schemas.js';
import { readSnapshot } from './read-snapshot.js';
import { parseInput } from './validation.js';

const CUSTOMER_OR_ADMIN: readonly Role[] = ['customer', 'admin'];
/** Tenant-wide figures are the retailer's business, not a customer's. */
const ADMIN: readonly Role[] = ['admin'];
const CATALOGUE = ['catalogue'] as const;
const SALES = ['sales'] as const;

/**
 * The `queries` plugin (register with prefix `/queries`): every route is `GET`, needs a
 * bearer token with role `customer` or `admin`, reads only the token's tenant, and
 * answers 200 `{ position, data }` (sales figures: `admin` only) where `position` (`<commit>/<prepare>`) is what the
 * data reflects. `?position=` waits for the read model to reach a command's position.
 * Errors (problem+json): 400 `validation-failed`, 401, 403, 404 `not-found`,
 * 503 `read-model-behind` (`Retry-After: 1`), 500.
 */
export const queryRoutes: FastifyPluginAsync<HttpDependencies> = (instance, deps) => {
  const { db, config } = deps;
  const maxWaitMs = config.queryWaitMaxMs;
  instance.addHook('onRequest', authenticate(config));
  instance.addHook('onRequest', requireRoles(CUSTOMER_OR_ADMIN));

  /** `data`: `CatalogueItem[]` ordered by SKU. */
  instance.get('/catalogue', async (request) => {
    const { tenantId } = principalOf(request);
    const q = parseInput(schemas.catalogueQuery, request.query);
    return readSnapshot(db, { projections: CATALOGUE, atLeast: q.position, maxWaitMs }, (trx) =>
      queries.listCatalogue(trx, tenantId, { category: q.category, limit: q.limit, offset: q.offset }),
    );
  });

  /** `data`: one `CatalogueItem`; 404 when the tenant has no such SKU (at that position). */
  instance.get('/catalogue/:sku', async (request) => {
    const { tenantId } = principalOf(request);
    const { sku } = parseInput(schemas.skuParams, request.params);
    const q = parseInput(schemas.positionOnlyQuery, request.query);
    const answer = await readSnapshot(db, { projections: CATALOGUE, atLeast: q.position, maxWaitMs }, (trx) => queries.findCatalogueItem(trx, tenantId, sku));
    if (!answer.data) throw notFound(`no product ${sku} in the catalogue`);
    return answer;
  });

  /** `data`: `OrderView[]`, newest first; a customer sees only their own (customerId forced to `sub`). */
  instance.get('/orders', async (request) => {
    const principal = principalOf(request);
    const q = parseInput(schemas.ordersQuery, request.query);
    const customerId = isAdmin(principal) ? q.customerId : principal.subject;
    return readSnapshot(db, { projections: SALES, atLeast: q.position, maxWaitMs }, (trx) =>
      queries.listOrders(trx, principal.tenantId, { status: q.status, customerId, limit: q.limit, offset: q.offset }),
    );
  });

  /** `data`: one order with its `lines`; 404 when absent or (for a customer) not theirs. */
  instance.get('/orders/:orderId', async (request) => {
    const principal = principalOf(request);
    const { orderId } = parseInput(schemas.orderIdParams, request.params);
    const q = parseInput(schemas.positionOnlyQuery, request.query);
    const answer = await readSnapshot(db, { projections: SALES, atLeast: q.position, maxWaitMs }, (trx) => queries.findOrder(trx, principal.tenantId, orderId));
    if (!answer.data || (!isAdmin(principal) && answer.data.customerId !== principal.subject)) throw notFound(`no order ${orderId}`);
    return answer;
  });

  /** `data`: `DailySalesRow[]` by day then category. Admin only (403 for a customer). */
  instance.get('/sales/daily', { onRequest: requireRoles(ADMIN) }, async (request) => {
    const { tenantId } = principalOf(request);
    const q = parseInput(schemas.dailySalesQuery, request.query);
    return readSnapshot(db, { projections: SALES, atLeast: q.position, maxWaitMs }, (trx) =>
      queries.listDailySales(trx, tenantId, { from: q.from, to: q.to, category: q.category, limit: q.limit, offset: q.offset }),
    );
  });

  /** `data`: the tenant's `SalesReport`. Admin only (403 for a customer). */
  instance.get('/reports/sales', { onRequest: requireRoles(ADMIN) }, async (request) => {
    const { tenantId } = principalOf(request);
    const q = parseInput(schemas.positionOnlyQuery, request.query);
    return readSnapshot(db, { projections: SALES, atLeast: q.position, maxWaitMs }, (trx) => queries.salesReport(trx, tenantId));
  });

  return Promise.resolve();
};
