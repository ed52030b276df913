import { sql, type Kysely } from 'kysely';
import { kmeans } from 'ml-kmeans';
import { mean, quantileSorted, standardDeviation } from 'simple-statistics';
import type { ReadModelSchema } from '../../infrastructure/database/schema.js';

/**
 * Named RFM segments: the table of the `rfm` R package (Aravind Hebbali, `rfm_segment`,
 * documented example of versions 0.2.x; https://cran.r-project.org/package=rfm). Each rule
 * is inclusive score ranges `[low, high]` for R, F and M; the first rule that matches
 * names the customer; a customer no rule matches is `Others`.
 */
export const SEGMENT_RULES: readonly { segment: string; r: [number, number]; f: [number, number]; m: [number, number] }[] = [
  { segment: 'Champions', r: [4, 5], f: [4, 5], m: [4, 5] },
  { segment: 'Loyal Customers', r: [2, 5], f: [3, 5], m: [3, 5] },
  { segment: 'Potential Loyalist', r: [3, 5], f: [1, 3], m: [1, 3] },
  { segment: 'New Customers', r: [4, 5], f: [1, 1], m: [1, 1] },
  { segment: 'Promising', r: [3, 4], f: [1, 1], m: [1, 1] },
  { segment: 'Need Attention', r: [2, 3], f: [2, 3], m: [2, 3] },
  { segment: 'About To Sleep', r: [2, 3], f: [1, 2], m: [1, 2] },
  { segment: 'At Risk', r: [1, 2], f: [2, 5], m: [2, 5] },
  { segment: "Can't Lose Them", r: [1, 1], f: [4, 5], m: [4, 5] },
  { segment: 'Lost', r: [1, 2], f: [1, 2], m: [1, 2] },
];

/** Every segment name: those of `SEGMENT_RULES` in order, then `Others`. */
export const SEGMENT_NAMES = [...SEGMENT_RULES.map((rule) => rule.segment), 'Others'] as readonly string[] as readonly [string, ...string[]];

/** The segment of a customer with scores r, f, m (1–5). */
export function segmentOf(r: number, f: number, m: number): string {
  const inRange = (x: number, [lo, hi]: [number, number]) => x >= lo && x <= hi;
  return SEGMENT_RULES.find((rule) => inRange(r, rule.r) && inRange(f, rule.f) && inRange(m, rule.m))?.segment ?? 'Others';
}

/** The quintile breakpoints (20th, 40th, 60th, 80th percentiles, R type 7 / numpy linear) of values. */
export function quintiles(values: readonly number[]): [number, number, number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  return [0.2, 0.4, 0.6, 0.8].map((p) => quantileSorted(sorted, p)) as [number, number, number, number];
}

/**
 * A score 1–5 from the quintile breakpoints: 1 + the number of breakpoints the value is
 * above (so F and M grow with the value); `reverse` (recency: fewer days is better) gives
 * 6 − that.
 */
export function quintileScore(value: number, breakpoints: readonly number[], reverse = false): number {
  const score = 1 + breakpoints.filter((b) => value > b).length;
  return reverse ? 6 - score : score;
}

/** Whole days from `fromDay` to `toDay` (`YYYY-MM-DD`). */
export function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / 86_400_000);
}

/** The day after `day`. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * `computeSegments` was asked for recency as of a day before the last order it would
 * score: that order's customer would be "-n days" since their last order. Recency as of
 * a past day would need the orders as they stood then, which `rfm_customers` does not keep.
 */
export class AsOfBeforeLastOrderError extends Error {
  override readonly name = 'AsOfBeforeLastOrderError';
  constructor(
    readonly asOf: string,
    readonly lastOrderDay: string,
  ) {
    super(`asOf ${asOf} is before the last order day ${lastOrderDay}: recency would be negative (give ${lastOrderDay} or later)`);
  }
}

/** Options of `computeSegments`. */
export interface SegmentationOptions {
  /** Recency is counted up to this day, not before the last order's; default: the day after the tenant's last order (in that currency). */
  readonly asOf?: string;
  /** Clusters of k-means (default 4; fewer when there are fewer distinct customers). */
  readonly k?: number;
  /** Seed of k-means++ (default 42): the same rows and seed give the same clusters. */
  readonly seed?: number;
  /** The currency whose customers are segmented; default: the one with most customers. */
  readonly currency?: string;
}

/** A k-means cluster: its size and centroid, standardised (z) and in RFM units. */
export interface Centroid {
  readonly cluster: number;
  readonly size: number;
  readonly z: { recency: number; frequency: number; monetary: number };
  readonly recencyDays: number;
  readonly frequency: number;
  readonly monetaryMinor: number;
}

/** What a segmentation run computed. */
export interface SegmentationRun {
  readonly tenantId: string;
  readonly currency: string;
  readonly asOf: string;
  readonly k: number;
  readonly seed: number;
  readonly customers: number;
  /** Quintile breakpoints of recency (days), frequency (orders) and monetary (minor units). */
  readonly breakpoints: { recency: number[]; frequency: number[]; monetary: number[] };
  readonly sizes: Record<string, number>;
  readonly centroids: Centroid[];
  /** Position of the segmentation read model the run read. */
  readonly position: string;
}

/** One customer's RFM row as a run scores it. */
export interface CustomerRfm {
  readonly customerId: string;
  readonly recencyDays: number;
  readonly frequency: number;
  readonly monetaryMinor: number;
}

/** Scores, segments and clusters of customers; pure (the part of a run that is not I/O). */
export function scoreCustomers(customers: readonly CustomerRfm[], k: number, seed: number) {
  const recency = customers.map((c) => c.recencyDays);
  const frequency = customers.map((c) => c.frequency);
  const monetary = customers.map((c) => c.monetaryMinor);
  const breakpoints = { recency: quintiles(recency), frequency: quintiles(frequency), monetary: quintiles(monetary) };
  const stats = [recency, frequency, monetary].map((v) => ({ mean: mean(v), sd: standardDeviation(v) }));
  const z = (x: number, i: number) => (stats[i]!.sd > 0 ? (x - stats[i]!.mean) / stats[i]!.sd : 0);
  const points = customers.map((c) => [z(c.recencyDays, 0), z(c.frequency, 1), z(c.monetaryMinor, 2)]);
  const distinct = new Set(points.map((p) => p.join(','))).size;
  const clusters = Math.max(1, Math.min(k, distinct));
  const result = kmeans(points, clusters, { seed, initialization: 'kmeans++', maxIterations: 300 });
  // Number clusters by centroid (lowest standardised monetary last), so numbering does not depend on the seed's start.
  const order = result.centroids.map((c, i) => ({ c, i })).sort((a, b) => b.c[2]! - a.c[2]! || a.c[0]! - b.c[0]! || a.c[1]! - b.c[1]!);
  const renumber = new Map(order.map(({ i }, n) => [i, n]));
  const scored = customers.map((c, i) => {
    const r = quintileScore(c.recencyDays, breakpoints.recency, true);
    const f = quintileScore(c.frequency, breakpoints.frequency);
    const m = quintileScore(c.monetaryMinor, breakpoints.monetary);
    return { ...c, r, f, m, segment: segmentOf(r, f, m), cluster: renumber.get(result.clusters[i]!)! };
  });
  const centroids: Centroid[] = order.map(({ c }, n) => ({
    cluster: n,
    size: scored.filter((s) => s.cluster === n).length,
    z: { recency: c[0]!, frequency: c[1]!, monetary: c[2]! },
    recencyDays: c[0]! * stats[0]!.sd + stats[0]!.mean,
    frequency: c[1]! * stats[1]!.sd + stats[1]!.mean,
    monetaryMinor: c[2]! * stats[2]!.sd + stats[2]!.mean,
  }));
  return { breakpoints, scored, centroids, k: clusters };
}

/**
 * Recomputes a tenant's segmentation from the segmentation read model, on demand:
 * 1. reads every customer's RFM base (`rfm_customers`) and the read model's position in
 *    one snapshot;
 * 2. recency = days from the customer's last order day to `asOf`; frequency = orders not
 *    cancelled; monetary = their line totals (minor units, shipping excluded);
 * 3. scores 1–5 by quintiles (`quintileScore`), named segment (`SEGMENT_RULES`);
 * 4. k-means (ml-kmeans, k-means++ with `seed`) over the z-scores of R, F and M
 *    (population standard deviation); centroids stored standardised and in RFM units;
 * 5. replaces the tenant's previous results (for that currency) in one transaction.
 * @returns the run, or undefined when the tenant has no customer to segment
 * @throws AsOfBeforeLastOrderError when `asOf` is before the last order day (nothing is replaced)
 */
export async function computeSegments(db: Kysely<ReadModelSchema>, tenantId: string, options: SegmentationOptions = {}): Promise<SegmentationRun | undefined> {
  const k = options.k ?? 4;
  const seed = options.seed ?? 42;
  const read = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      await sql`lock table rfm_customers in access share mode`.execute(trx);
      const { rows: position } = await sql<{ position: string }>`
        select c.commit_id || '/' || c.prepare as position from projection_registry r join projection_checkpoints c on c.name = r.live_schema
        where r.name = 'segmentation'`.execute(trx);
      let currency = options.currency;
      if (!currency) {
        const { rows } = await sql<{ currency: string }>`
          select currency from rfm_customers where tenant_id = ${tenantId} group by currency order by count(*) desc, currency limit 1`.execute(trx);
        currency = rows[0]?.currency.trim();
      }
      const rows = currency
        ? await trx.selectFrom('rfm_customers').selectAll().where('tenant_id', '=', tenantId).where('currency', '=', currency).orderBy('customer_id').execute()
        : [];
      return { position: position[0]?.position ?? '0/0', currency, rows };
    });
  if (!read.currency || read.rows.length === 0) return undefined;
  const currency = read.currency;
  const lastDay = read.rows.reduce((max, r) => (r.last_order_day > max ? r.last_order_day : max), read.rows[0]!.last_order_day);
  if (options.asOf !== undefined && options.asOf < lastDay) throw new AsOfBeforeLastOrderError(options.asOf, lastDay);
  const asOf = options.asOf ?? nextDay(lastDay);
  const customers: CustomerRfm[] = read.rows.map((r) => ({
    customerId: r.customer_id,
    recencyDays: daysBetween(r.last_order_day, asOf),
    frequency: r.orders,
    monetaryMinor: Number(r.monetary_minor),
  }));
  const { breakpoints, scored, centroids, k: clusters } = scoreCustomers(customers, k, seed);
  const sizes: Record<string, number> = {};
  for (const s of scored) sizes[s.segment] = (sizes[s.segment] ?? 0) + 1;

  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('customer_segments').where('tenant_id', '=', tenantId).where('currency', '=', currency).execute();
    await trx.deleteFrom('segment_centroids').where('tenant_id', '=', tenantId).where('currency', '=', currency).execute();
    await trx.deleteFrom('segment_runs').where('tenant_id', '=', tenantId).where('currency', '=', currency).execute();
    for (let i = 0; i < scored.length; i += 5000) {
      const chunk = scored.slice(i, i + 5000);
      await sql`
        insert into customer_segments (tenant_id, currency, customer_id, recency_days, frequency, monetary_minor, r_score, f_score, m_score, segment, cluster)
        select ${tenantId}, ${currency}, * from unnest(
          ${chunk.map((s) => s.customerId)}::text[], ${chunk.map((s) => s.recencyDays)}::int[], ${chunk.map((s) => s.frequency)}::int[],
          ${chunk.map((s) => s.monetaryMinor)}::int8[], ${chunk.map((s) => s.r)}::int2[], ${chunk.map((s) => s.f)}::int2[], ${chunk.map((s) => s.m)}::int2[],
          ${chunk.map((s) => s.segment)}::text[], ${chunk.map((s) => s.cluster)}::int[])`.execute(trx);
    }
    if (centroids.length > 0) {
      await trx
        .insertInto('segment_centroids')
        .values(
          centroids.map((c) => ({
            tenant_id: tenantId, currency, cluster: c.cluster, size: c.size, recency_z: c.z.recency, frequency_z: c.z.frequency, monetary_z: c.z.monetary,
            recency_days: c.recencyDays, frequency: c.frequency, monetary_minor: c.monetaryMinor,
          })),
        )
        .execute();
    }
    await trx
      .insertInto('segment_runs')
      .values({ tenant_id: tenantId, currency, as_of: asOf, k: clusters, seed, customers: scored.length, breakpoints: JSON.stringify(breakpoints), position: read.position })
      .execute();
  });
  return { tenantId, currency, asOf, k: clusters, seed, customers: scored.length, breakpoints, sizes, centroids, position: read.position };
}

/** The last run of a tenant's segmentation with the size of each segment (largest first) and each cluster. */
export interface SegmentSizes {
  readonly currency: string;
  readonly asOf: string;
  readonly k: number;
  readonly seed: number;
  readonly customers: number;
  readonly computedAt: string;
  readonly position: string;
  readonly breakpoints: unknown;
  readonly segments: { segment: string; customers: number; share: number }[];
  readonly clusters: Centroid[];
}

async function lastRun(db: Kysely<ReadModelSchema>, tenantId: string, currency?: string) {
  let query = db.selectFrom('segment_runs').selectAll().where('tenant_id', '=', tenantId);
  if (currency) query = query.where('currency', '=', currency);
  return query.orderBy('customers', 'desc').orderBy('currency').executeTakeFirst();
}

/** Segment sizes and cluster centroids of the last run (undefined before the first run). */
export async function segmentSizes(db: Kysely<ReadModelSchema>, tenantId: string, currency?: string): Promise<SegmentSizes | undefined> {
  const run = await lastRun(db, tenantId, currency);
  if (!run) return undefined;
  const cur = run.currency.trim();
  const counts = await db
    .selectFrom('customer_segments')
    .select(['segment', sql<number>`count(*)::int`.as('n')])
    .where('tenant_id', '=', tenantId)
    .where('currency', '=', cur)
    .groupBy('segment')
    .execute();
  const centroids = await db.selectFrom('segment_centroids').selectAll().where('tenant_id', '=', tenantId).where('currency', '=', cur).orderBy('cluster').execute();
  return {
    currency: cur,
    asOf: run.as_of,
    k: run.k,
    seed: run.seed,
    customers: run.customers,
    computedAt: run.computed_at.toISOString(),
    position: run.position,
    breakpoints: run.breakpoints,
    segments: counts
      .map((c) => ({ segment: c.segment, customers: c.n, share: Math.round((c.n / run.customers) * 10_000) / 10_000 }))
      .sort((a, b) => b.customers - a.customers || a.segment.localeCompare(b.segment)),
    clusters: centroids.map((c) => ({
      cluster: c.cluster,
      size: c.size,
      z: { recency: c.recency_z, frequency: c.frequency_z, monetary: c.monetary_z },
      recencyDays: c.recency_days,
      frequency: c.frequency,
      monetaryMinor: c.monetary_minor,
    })),
  };
}

/** A customer's scores, segment and cluster in the last run. */
export interface CustomerSegment {
  readonly customerId: string;
  readonly currency: string;
  readonly recencyDays: number;
  readonly frequency: number;
  readonly monetary: { minor: number; currency: string };
  readonly scores: { r: number; f: number; m: number };
  readonly segment: string;
  readonly cluster: number;
}

type SegmentRow = { customer_id: string; currency: string; recency_days: number; frequency: number; monetary_minor: string; r_score: number; f_score: number; m_score: number; segment: string; cluster: number };

function toCustomerSegment(r: SegmentRow): CustomerSegment {
  const currency = r.currency.trim();
  return {
    customerId: r.customer_id,
    currency,
    recencyDays: r.recency_days,
    frequency: r.frequency,
    monetary: { minor: Number(r.monetary_minor), currency },
    scores: { r: r.r_score, f: r.f_score, m: r.m_score },
    segment: r.segment,
    cluster: r.cluster,
  };
}

/** One customer's segment (undefined when not segmented). */
export async function customerSegment(db: Kysely<ReadModelSchema>, tenantId: string, customerId: string): Promise<CustomerSegment | undefined> {
  const row = await db.selectFrom('customer_segments').selectAll().where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).orderBy('currency').executeTakeFirst();
  return row ? toCustomerSegment(row) : undefined;
}

/** The customers of a segment (or of a cluster), most valuable first (monetary, then frequency, then id). */
export async function segmentCustomers(
  db: Kysely<ReadModelSchema>,
  tenantId: string,
  options: { segment?: string | undefined; cluster?: number | undefined; currency?: string | undefined; limit: number; offset: number },
): Promise<CustomerSegment[]> {
  let query = db.selectFrom('customer_segments').selectAll().where('tenant_id', '=', tenantId);
  if (options.segment !== undefined) query = query.where('segment', '=', options.segment);
  if (options.cluster !== undefined) query = query.where('cluster', '=', options.cluster);
  if (options.currency) query = query.where('currency', '=', options.currency);
  const rows = await query.orderBy('monetary_minor', 'desc').orderBy('frequency', 'desc').orderBy('customer_id').limit(options.limit).offset(options.offset).execute();
  return rows.map(toCustomerSegment);
}
