/**
 * Olist importer: public surface. `readOlist(dir)` is the entry point; the rest are its
 * building blocks, exported for tests and for other importers of the same data.
 */
export { readOlist } from './read-olist.js';
export type * from './types.js';
export { OlistImportError } from './errors.js';
export { OLIST_CURRENCY, parseMinorUnits, InvalidAmountError } from './money.js';
export { OLIST_TIME_ZONE, parseOlistTimestamp, InvalidTimestampError, type OlistInstant } from './timestamps.js';
export { normaliseTimeline, type Timeline, type TimelineField, type TimelineFix, type TimelinePoint } from './timeline.js';
export {
  UNCATEGORIZED,
  SUPPLEMENTARY_CATEGORY_TRANSLATIONS,
  resolveCategory,
  type ResolvedCategory,
} from './categories.js';
export { OLIST_FILE_NAMES, OLIST_ORDER_FILE_VARIANTS, resolveOlistFiles, type OlistFiles } from './files.js';
export { OLIST_ORDER_STATUSES, OLIST_PAYMENT_TYPES, type OlistOrderStatus, type OlistPaymentType } from './rows.js';
