/**
 * The order timeline rule: how the importer treats missing and out-of-order Olist timestamps.
 */

/** The adjustable timestamps of an order, in the order they must happen. */
export type TimelineField = 'approvedAt' | 'shippedAt' | 'deliveredAt';

/**
 * One adjustment the importer made to an order's timeline (the order is kept; a warning is raised).
 * - `kind: 'filled'`: the timestamp was missing on a delivered order and was set to `value`,
 *   the latest earlier known timestamp (`from` names it).
 * - `kind: 'clamped'`: the timestamp was before `from`, an earlier step of the timeline, and was
 *   raised to that step's `value`; `original` is the ISO value found in the file.
 */
export interface TimelineFix {
  readonly field: TimelineField;
  readonly kind: 'filled' | 'clamped';
  readonly from: 'purchasedAt' | TimelineField;
  readonly value: string;
  readonly original?: string;
}

/** A timeline point: ISO text plus epoch milliseconds to compare by. */
export interface TimelinePoint {
  readonly iso: string;
  readonly epochMillis: number;
}

/** An order's timeline: purchase always known, the later steps possibly missing. */
export interface Timeline<P extends TimelinePoint = TimelinePoint> {
  readonly purchasedAt: P;
  readonly approvedAt?: P | undefined;
  readonly shippedAt?: P | undefined;
  readonly deliveredAt?: P | undefined;
}

const STEPS: readonly TimelineField[] = ['approvedAt', 'shippedAt', 'deliveredAt'];

/**
 * Makes an order timeline monotonic, and complete for delivered orders.
 *
 * Walks purchase → approval → carrier hand-over (`shippedAt`) → delivery, remembering the latest
 * known step so far:
 * 1. **Missing step on a delivered order** (the order must have gone through every step): filled
 *    with the latest earlier known timestamp, e.g. a missing approval becomes the purchase time.
 *    Orders in other statuses keep missing steps missing: an `invoiced` order has not shipped yet.
 * 2. **Step earlier than a previous step** (any status; Olist has carrier dates before approval and
 *    deliveries before the carrier date): clamped up to the previous step, so the events we derive
 *    never go back in time. We do not guess which of the two is wrong; the clamp keeps the later one.
 *
 * Pure: returns a new timeline and the list of fixes (empty when the input was already fine).
 * Filled and clamped values are later steps' reference points too.
 *
 * @param timeline the parsed timestamps
 * @param delivered whether the order's status is `delivered`
 */
export function normaliseTimeline<P extends TimelinePoint>(
  timeline: Timeline<P>,
  delivered: boolean,
): { timeline: Timeline<P>; fixes: TimelineFix[] } {
  const result: { purchasedAt: P; approvedAt?: P; shippedAt?: P; deliveredAt?: P } = { purchasedAt: timeline.purchasedAt };
  const fixes: TimelineFix[] = [];
  let latest: { name: 'purchasedAt' | TimelineField; point: P } = { name: 'purchasedAt', point: timeline.purchasedAt };
  for (const field of STEPS) {
    const point = timeline[field];
    if (point === undefined) {
      if (!delivered) continue;
      result[field] = latest.point;
      fixes.push({ field, kind: 'filled', from: latest.name, value: latest.point.iso });
    } else if (point.epochMillis < latest.point.epochMillis) {
      result[field] = latest.point;
      fixes.push({ field, kind: 'clamped', from: latest.name, value: latest.point.iso, original: point.iso });
    } else {
      result[field] = point;
      latest = { name: field, point };
    }
  }
  return { timeline: result, fixes };
}
