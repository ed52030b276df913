import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { START, comparePositions, formatPosition, parsePosition } from '../../application/ports/event-store.js';
import * as queries from '../../application/queries/index.js';
import { projectionStatuses, projections } from '../../projections/index.js';
import { createQueryCache } from '../cache/index.js';
import { isAdmin, type Role } from './auth.js';
import type { HttpDependencies } from './deps.js';
import { authenticate, principalOf, requireRoles } from './guard.js';
import { documented, type RouteContract } from './openapi.js';
import { HttpProblem, notFound, problem } from './problems.js';
import * as schemas from './query-schemas.js';
import { cachedSnapshot, readSnapshot, type CachedResponse, type QueryResponse } from './read-snapshot.js';
import { parseInput } from './validation.js';

const CUSTOMER_OR_ADMIN: readonly Role[] = ['customer', 'admin'];
/** Tenant-wide figures are the retailer's business, not a customer's. */
const ADMIN: readonly Role[] = ['admin'];
const CATALOGUE = ['catalogue'] as const;
const SALES = ['sales'] as const;
const ANALYTICS = ['analytics'] as const;

/** Drops `position` and undefined values and sorts keys: the cache key of a query's parameters. */
function paramsKey(q: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(q).filter(([k, v]) => k !== 'position' && v !== undefined).sort(([a], [b]) => a.localeCompare(b))));
}

/** Sends a cached answer with `X-Cache: hit|miss`. */
function send<T>(reply: FastifyReply, answer: CachedResponse<T>): QueryResponse<T> {
  void reply.header('x-cache', answer.cached ? 'hit' : 'miss');
  return { position: answer.position, data: answer.data };
}

/**
 * The `queries` plugin (register with prefix `/queries`): every route is `GET` (but
 * `POST /segments/recompute`), needs a bearer token with role `customer` or `admin`,
 * reads only the token's tenant, and answers 200 `{ position, data }` where `position`
 * (`<commit>/<prepare>`) is what the data reflects. `?position=` waits for the read model
 * to reach a command's position. Catalogue lists and analytics are cached (Redis when
 * `REDIS_URL` answers, else in-process) by query and position (`X-Cache: hit|miss`).
 * Customers may read the catalogue and their own orders; everything tenant-wide
 * (sales, analytics, segments, projections) is `admin` only.
 * Errors (problem+json): 400 `validation-failed`, 401, 403, 404 `not-found`, 422
 * `as-of-before-last-order` (segments recompute),
 * 503 `read-model-behind` (`Retry-After: 1`), 500.
 */
export const queryRoutes: FastifyPluginAsync<HttpDependencies> = (instance, deps) => {
  const { db, config } = deps;
  const maxWaitMs = config.queryWaitMaxMs;
  const cache = createQueryCache(config.redisUrl, (message) => instance.log.warn(message));
  const ttlMs = config.queryCacheTtlMs ?? 60_000;
  instance.addHook('onClose', () => cache.close());
  instance.addHook('onRequest', authenticate(config));
  instance.addHook('onRequest', requireRoles(CUSTOMER_OR_ADMIN));
  /** Options of a route only admins may call, with its inputs for the OpenAPI document. */
  const admin = (inputs: Omit<RouteContract, 'roles'> = {}) => ({ onRequest: requireRoles(ADMIN), ...documented(ADMIN, inputs) });

  /** `data`: `CatalogueItem[]`, filtered, sorted (default by SKU) and paginated. */
  instance.get('/catalogue', documented(CUSTOMER_OR_ADMIN, { querystring: schemas.catalogueSearchQuery }), async (request, reply) => {
    const { tenantId } = principalOf(request);
    const q = parseInput(schemas.catalogueSearchQuery, request.query);
    const key = `${tenantId}:catalogue:${paramsKey(q)}`;
    return send(reply, await cachedSnapshot(db, { projections: CATALOGUE, atLeast: q.position, maxWaitMs, cache, ttlMs, key }, (trx) => queries.listCatalogue(trx, tenantId, q)));
  });

  /** `data`: the category tree (`CategoryNode[]`), or the subtree under `root`. */
  instance.get('/catalogue/categories', documented(CUSTOMER_OR_ADMIN, { querystring: schemas.categoriesQuery }), async (request, reply) => {
    const { tenantId } = principalOf(request);
    const q = parseInput(schemas.categoriesQuery, request.query);
    const key = `${tenantId}:categories:${paramsKey(q)}`;
    return send(reply, await cachedSnapshot(db, { projections: CATALOGUE, atLeast: q.position, maxWaitMs, cache, ttlMs, key }, (trx) => queries.categoryTree(trx, tenantId, q.root)));
  });

  /** `data`: one `CatalogueItemDetail` (with stock per warehouse); 404 when the tenant has no such SKU (at that position). */
  instance.get('/catalogue/:sku', documented(CUSTOMER_OR_ADMIN, { params: schemas.skuParams, querystring: schemas.positionOnlyQuery }), async (request) => {
    const { tenantId } = principalOf(request);
    const { sku } = parseInput(schemas.skuParams, request.params);
    const q = parseInput(schemas.positionOnlyQuery, request.query);
    const answer = await readSnapshot(db, { projections: CATALOGUE, atLeast: q.position, maxWaitMs }, (trx) => queries.findCatalogueItem(trx, tenantId, sku));
    if (!answer.data) throw notFound(`no product ${sku} in the catalogue`);
    return answer;
  });

  /** `data`: `OrderView[]`, newest first; a customer sees only their own (customerId forced to `sub`). */
  instance.get('/orders', documented(CUSTOMER_OR_ADMIN, { querystring: schemas.ordersQuery }), async (request) => {
    const principal = principalOf(request);
    const q = parseInput(schemas.ordersQuery, request.query);
    const customerId = isAdmin(principal) ? q.customerId : principal.subject;
    return readSnapshot(db, { projections: SALES, atLeast: q.position, maxWaitMs }, (trx) =>
      queries.listOrders(trx, principal.tenantId, { status: q.status, customerId, limit: q.limit, offset: q.offset }),
    );
  });

  /** `data`: one order with its `lines`; 404 when absent or (for a customer) not theirs. */
  instance.get('/orders/:orderId', documented(CUSTOMER_OR_ADMIN, { params: schemas.orderIdParams, querystring: schemas.positionOnlyQuery }), async (request) => {
    const principal = principalOf(request);
    const { orderId } = parseInput(schemas.orderIdParams, request.params);
    const q = parseInput(schemas.positionOnlyQuery, request.query);
    const answer = await readSnapshot(db, { projections: SALES, atLeast: q.position, maxWaitMs }, (trx) => queries.findOrder(trx, principal.tenantId, orderId));
    if (!answer.data || (!isAdmin(principal) && answer.data.customerId !== principal.subject)) throw notFound(`no order ${orderId}`);
    return answer;
  });

  /** `data`: `DailySalesRow[]` by day then category. Admin only (403 for a customer). */
  instance.get('/sales/daily', admin({ querystring: schemas.dailySalesQuery }), async (request) => {
    const { tenantId } = principalOf(request);
    const q = parseInput(schemas.dailySalesQuery, request.query);
    return readSnapshot(db, { projections: SALES, atLeast: q.position, maxWaitMs }, (trx) =>
      queries.listDailySales(trx, tenantId, { from: q.from, to: q.to, category: q.category, limit: q.limit, offset: q.offset }),
    );
  });

  /** `data`: the tenant's `SalesReport`. Admin only (403 for a customer). */
  instance.get('/reports/sales', admin({ querystring: schemas.positionOnlyQuery }), async (request) => {
    const { tenantId } = principalOf(request);
    const q = parseInput(schemas.positionOnlyQuery, request.query);
    return readSnapshot(db, { projections: SALES, atLeast: q.position, maxWaitMs }, (trx) => queries.salesReport(trx, tenantId));
  });

  /** Registers a cached admin analytics route. */
  function analytics<S extends Parameters<typeof parseInput>[0]>(path: string, schema: S, run: (trx: typeof db, tenantId: string, q: ReturnType<typeof parseInput<S>>) => Promise<unknown>) {
    instance.get(`/analytics/${path}`, admin({ querystring: schema }), async (request, reply) => {
      const { tenantId } = principalOf(request);
      const q = parseInput(schema, request.query) as ReturnType<typeof parseInput<S>> & { position?: string };
      const key = `${tenantId}:analytics/${path}:${paramsKey(q)}`;
      return send(reply, await cachedSnapshot(db, { projections: ANALYTICS, atLeast: q.position, maxWaitMs, cache, ttlMs, key }, (trx) => run(trx, tenantId, q)));
    });
  }

  /** `data`: `SalesBucket[]`: net orders, GMV, items, average order value and cancellations per day or hour. */
  analytics('sales', schemas.analyticsSalesQuery, (trx, tenantId, q) => queries.salesSeries(trx, tenantId, q));
  /** `data`: `SalesTotal[]` per category, largest GMV first. */
  analytics('categories', schemas.analyticsCategoriesQuery, (trx, tenantId, q) => queries.salesByCategory(trx, tenantId, q));
  /** `data`: `ProductDay[]`: net sales and returned units per product and day. */
  analytics('products', schemas.analyticsProductsQuery, (trx, tenantId, q) => queries.salesByProduct(trx, tenantId, q));
  /** `data`: `TopSeller[]`: the best sellers of the period by units, GMV or units net of returns, each with its returned and net units. */
  analytics('top-sellers', schemas.topSellersQuery, (trx, tenantId, q) => queries.topSellers(trx, tenantId, q));
  /** `data`: `ReturnsDay[]`: cancellations and refunds per day and kind. */
  analytics('returns', schemas.returnsQuery, (trx, tenantId, q) => queries.cancellationsAndRefunds(trx, tenantId, q));
  /** `data`: `WalletFlowDay[]`: wallet money per day and flow. */
  analytics('wallet-flows', schemas.walletFlowsQuery, (trx, tenantId, q) => queries.walletFlows(trx, tenantId, q));
  /** `data`: `WalletFreezeDay[]`: wallets frozen and unfrozen per day. */
  analytics('wallet-freezes', schemas.walletFreezesQuery, (trx, tenantId, q) => queries.walletFreezes(trx, tenantId, q));
  /** `data`: `PaymentOutcomeDay[]`: external payments captured and declined per day and method. */
  analytics('payments', schemas.paymentsQuery, (trx, tenantId, q) => queries.paymentOutcomes(trx, tenantId, q));
  /** `data`: `CouponDay[]`: coupon redemptions held, released and net per day and campaign, with their discounts. */
  analytics('coupons', schemas.couponsQuery, (trx, tenantId, q) => queries.couponRedemptions(trx, tenantId, q));
  /** `data`: `StockAlert[]`: SKUs low or out of stock now, per warehouse. */
  analytics('stock-alerts', schemas.stockAlertsQuery, (trx, tenantId, q) => queries.stockAlerts(trx, tenantId, q));
  /** `data`: `BasketFunnel`: baskets opened, checked out, abandoned per day of opening, with rates. */
  analytics('baskets', schemas.basketsQuery, (trx, tenantId, q) => queries.basketFunnel(trx, tenantId, q));

  /** `data`: `SegmentSizes` of the last segmentation run (404 before the first). `position`: what that run read. */
  instance.get('/segments', admin({ querystring: schemas.segmentsQuery }), async (request) => {
    const { tenantId } = principalOf(request);
    const q = parseInput(schemas.segmentsQuery, request.query);
    const sizes = await queries.segmentSizes(db, tenantId, q.currency);
    if (!sizes) throw notFound('no segmentation yet: POST /queries/segments/recompute or run `segments recompute`');
    return { position: sizes.position, data: sizes };
  });

  /** `data`: `CustomerSegment[]` of a segment and/or cluster, most valuable first. */
  instance.get('/segments/customers', admin({ querystring: schemas.segmentCustomersQuery }), async (request) => {
    const { tenantId } = principalOf(request);
    const q = parseInput(schemas.segmentCustomersQuery, request.query);
    const run = await queries.segmentSizes(db, tenantId, q.currency);
    return { position: run?.position ?? '0/0', data: await queries.segmentCustomers(db, tenantId, q) };
  });

  /** `data`: one customer's `CustomerSegment`; 404 when not segmented. */
  instance.get('/segments/customers/:customerId', admin({ params: schemas.customerIdParams }), async (request) => {
    const { tenantId } = principalOf(request);
    const { customerId } = parseInput(schemas.customerIdParams, request.params);
    const found = await queries.customerSegment(db, tenantId, customerId);
    if (!found) throw notFound(`customer ${customerId} is not in the last segmentation`);
    const run = await queries.segmentSizes(db, tenantId, found.currency);
    return { position: run?.position ?? '0/0', data: found };
  });

  /** Recomputes the tenant's RFM scores, segments and k-means clusters now. `data`: the `SegmentationRun`; 404 without customers. */
  instance.post('/segments/recompute', admin({ body: schemas.recomputeBody }), async (request) => {
    const { tenantId } = principalOf(request);
    const body = parseInput(schemas.recomputeBody, request.body) ?? {};
    const run = await queries.computeSegments(db, tenantId, body).catch((error: unknown) => {
      if (!(error instanceof queries.AsOfBeforeLastOrderError)) throw error;
      throw new HttpProblem(problem('as-of-before-last-order', 422, 'As-of day before the last order', error.message, { field: 'asOf', lastOrderDay: error.lastOrderDay }));
    });
    if (!run) throw notFound('no customer to segment');
    return { position: run.position, data: run };
  });

  /** `data`: `ProjectionStatus[]`: version, status, checkpoint and lag (events, seconds) of every projection. */
  /**
   * `data`: each projection's status as a tenant's admin may see it: the platform's projections
   * serve every tenant, so the instance holding the lock (`owner`) and the event a failed one
   * stopped at (stream, event id, message: possibly another tenant's) are left out; only its
   * position, type and time remain (operators read the rest with `projections list`).
   */
  instance.get('/projections', admin(), async () => {
    const statuses = (await projectionStatuses(db, projections)).map(({ owner: _owner, error, ...status }) => ({
      ...status,
      error: error && { position: error.position, type: error.type, at: error.at },
    }));
    const checkpoints = statuses.map((s) => parsePosition(s.live?.checkpoint ?? '0/0') ?? START);
    const lowest = checkpoints.reduce((min, p) => (comparePositions(p, min) < 0 ? p : min), checkpoints[0] ?? START);
    return { position: formatPosition(lowest), data: statuses };
  });

  return Promise.resolve();
};
