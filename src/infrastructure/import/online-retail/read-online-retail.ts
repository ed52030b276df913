import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { DateTime } from 'luxon';

/** The data set's currency (UCI Online Retail: a UK retailer, prices in pounds sterling). */
export const ONLINE_RETAIL_CURRENCY = 'GBP';
/** The time zone of `InvoiceDate` (the retailer's local clock: GMT/BST). */
export const ONLINE_RETAIL_TIME_ZONE = 'Europe/London';

/** Stock codes that are carriage charges: added to their invoice's shipping. */
export const SHIPPING_CODES: ReadonlyMap<string, string> = new Map([
  ['POST', 'postage'],
  ['DOT', 'dotcom postage'],
  ['C2', 'carriage'],
]);

/** Stock codes that are not goods, with why each line is left out (reported, never imported). */
export const NON_SALES_CODES: ReadonlyMap<string, string> = new Map([
  ['M', 'manual adjustment'],
  ['m', 'manual adjustment'],
  ['D', 'discount'],
  ['S', 'samples'],
  ['B', 'bad debt adjustment'],
  ['BANK CHARGES', 'bank charges'],
  ['AMAZONFEE', 'Amazon fee'],
  ['CRUK', 'CRUK commission'],
  ['PADS', 'pads sold at a fraction of a penny'],
]);

/** One line of the file, as read. `line` is its line number in the file (header = 1). */
export interface RetailRow {
  readonly line: number;
  readonly invoice: string;
  readonly stockCode: string;
  readonly description: string;
  readonly quantity: number;
  /** Unit price in pence, or null when not a whole number of pence. */
  readonly unitPriceMinor: number | null;
  readonly unitPriceText: string;
  /** ISO 8601 with the London offset of that day. */
  readonly at: string;
  readonly customerId: string | null;
  readonly country: string;
}

/** A goods line of an invoice (quantity and price positive). */
export interface RetailLine {
  readonly line: number;
  readonly sku: string;
  readonly description: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
}

/** An invoice (sale) or a cancellation invoice (`C…`), its goods lines and carriage charges. */
export interface RetailInvoice {
  readonly invoice: string;
  readonly kind: 'sale' | 'cancellation';
  /** First line of the invoice in the file. */
  readonly line: number;
  readonly at: string;
  readonly customerId: string | null;
  readonly country: string;
  /** Goods; for a cancellation, the quantities given back (positive). */
  readonly lines: RetailLine[];
  /** Σ carriage lines (POST, DOT, C2) in pence; for a cancellation, the carriage refunded (positive). */
  shippingMinor: number;
  /** Line numbers of the carriage lines, in file order (where a carriage refund is reported). */
  readonly carriageLines: number[];
}

/** A line left out, with its line number and why. */
export interface RetailProblem {
  readonly line: number;
  readonly invoice: string;
  readonly message: string;
}

/** What `readOnlineRetail` returns. */
export interface RetailDataset {
  /** Invoices in file order (which is time order) that have at least one goods line. */
  readonly invoices: RetailInvoice[];
  /** Lines read. */
  readonly rows: number;
  /** Lines left out, each with the reason. */
  readonly skipped: RetailProblem[];
  /** Invoices left out whole (e.g. carriage only), with the reason. */
  readonly skippedInvoices: RetailProblem[];
  /** Invoice numbers read (with `limit`, at most that many): each is in `invoices`, `skippedInvoices` or `invoicesEveryLineSkipped`. */
  readonly invoicesRead: number;
  /** Invoice numbers every line of which was left out (in `skipped`, e.g. bad debt adjustments, postage and manual lines only). */
  readonly invoicesEveryLineSkipped: string[];
  /** The first non-empty description of each stock code (its product name). */
  readonly names: Map<string, string>;
}

/** Pence of a decimal price text, or null when it is not a whole number of pence. */
export function pence(text: string): number | null {
  const value = Number(text);
  if (!Number.isFinite(value)) return null;
  const minor = Math.round(value * 100);
  return Math.abs(minor - value * 100) < 1e-6 ? minor : null;
}

/** `YYYY-MM-DD HH:MM:SS` (London clock) → ISO 8601 with the offset, or null when invalid. */
export function londonTime(text: string): string | null {
  const t = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm:ss', { zone: ONLINE_RETAIL_TIME_ZONE });
  return t.isValid ? t.toISO({ suppressMilliseconds: false }) : null;
}

/**
 * Classifies one row: a goods line, a carriage charge, or a line left out with its reason.
 * Rules, in order:
 * 1. invoices starting with `A` (bad-debt adjustments) and codes of `NON_SALES_CODES`
 *    are not sales; gift vouchers (`gift_0001_*`) are left out too;
 * 2. `SHIPPING_CODES` are carriage (positive amounts on a sale, negative on a cancellation);
 * 3. a price that is not a whole number of pence, a price ≤ 0, or a quantity of the wrong
 *    sign (≤ 0 on a sale: stock write-offs such as "damaged"; ≥ 0 on a cancellation) is left out.
 */
export function classify(row: RetailRow): { kind: 'goods' | 'carriage' } | { kind: 'skip'; reason: string } {
  if (row.invoice.startsWith('A')) return { kind: 'skip', reason: 'adjustment invoice (bad debt), not a sale' };
  const nonSale = NON_SALES_CODES.get(row.stockCode);
  if (nonSale) return { kind: 'skip', reason: `${row.stockCode}: ${nonSale}, not a sale of goods` };
  if (/^gift_/i.test(row.stockCode)) return { kind: 'skip', reason: `${row.stockCode}: gift voucher, not goods` };
  const cancellation = row.invoice.startsWith('C');
  if (row.unitPriceMinor === null) return { kind: 'skip', reason: `unit price ${row.unitPriceText} is not a whole number of pence` };
  if (row.unitPriceMinor <= 0) return { kind: 'skip', reason: `unit price ${row.unitPriceText} is not positive` };
  if (cancellation ? row.quantity >= 0 : row.quantity <= 0) {
    return { kind: 'skip', reason: `quantity ${row.quantity} on a ${cancellation ? 'cancellation' : 'sale'} (stock adjustment, not a sale)` };
  }
  return SHIPPING_CODES.has(row.stockCode) ? { kind: 'carriage' } : { kind: 'goods' };
}

/**
 * Reads the UCI Online Retail CSV (gzip or plain), streaming, and groups its lines into
 * invoices. Every line left out is listed with its line number and reason; invoices
 * without any goods line are listed as skipped.
 * @param limit read at most this many invoices (the first ones in the file)
 * @throws Error when the header is not the data set's
 */
export async function readOnlineRetail(file: string, options: { limit?: number } = {}): Promise<RetailDataset> {
  const input = createReadStream(file);
  const source = file.endsWith('.gz') ? input.pipe(createGunzip()) : input;
  const expected = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];
  // The header is checked as soon as it is parsed: a file of another shape would otherwise
  // fail on its first line of another length, with the parser's message.
  const columns = (header: string[]) => {
    const missing = expected.filter((c) => !header.includes(c));
    if (missing.length > 0) throw new Error(`${file}: not the Online Retail file (missing ${missing.join(', ')})`);
    return header;
  };
  const parser = source.pipe(parse({ columns, bom: true, info: true, relax_column_count: false }));
  const invoices: RetailInvoice[] = [];
  const byNumber = new Map<string, RetailInvoice>();
  const skipped: RetailProblem[] = [];
  const skippedInvoices: RetailProblem[] = [];
  const names = new Map<string, string>();
  const seen = new Set<string>();
  let rows = 0;
  for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    rows++;
    const r = record.record;
    const line = record.info.lines;
    const invoice = r.InvoiceNo ?? '';
    if (!seen.has(invoice)) {
      seen.add(invoice);
      if (options.limit !== undefined && seen.size > options.limit) break;
    }
    const at = londonTime(r.InvoiceDate ?? '');
    const quantity = Number(r.Quantity);
    if (!at || !Number.isSafeInteger(quantity) || invoice === '' || !r.StockCode) {
      skipped.push({ line, invoice, message: 'malformed line (invoice, stock code, quantity or date)' });
      continue;
    }
    const row: RetailRow = {
      line,
      invoice,
      stockCode: r.StockCode,
      description: (r.Description ?? '').trim(),
      quantity,
      unitPriceMinor: pence(r.UnitPrice ?? ''),
      unitPriceText: r.UnitPrice ?? '',
      at,
      customerId: r.CustomerID ? r.CustomerID : null,
      country: r.Country ?? '',
    };
    const kind = classify(row);
    if (kind.kind === 'skip') {
      skipped.push({ line, invoice, message: kind.reason });
      continue;
    }
    let inv = byNumber.get(invoice);
    if (!inv) {
      inv = { invoice, kind: invoice.startsWith('C') ? 'cancellation' : 'sale', line, at: row.at, customerId: row.customerId, country: row.country, lines: [], shippingMinor: 0, carriageLines: [] };
      byNumber.set(invoice, inv);
    }
    if (kind.kind === 'carriage') {
      inv.shippingMinor += Math.abs(quantity) * row.unitPriceMinor!;
      inv.carriageLines.push(line);
      continue;
    }
    if (row.description !== '' && !names.has(row.stockCode)) names.set(row.stockCode, row.description);
    inv.lines.push({ line, sku: row.stockCode, description: row.description, quantity: Math.abs(quantity), unitPriceMinor: row.unitPriceMinor! });
  }
  for (const inv of byNumber.values()) {
    if (inv.lines.length > 0) invoices.push(inv);
    else {
      const why = inv.kind === 'cancellation' ? 'no returned goods to match an order to, carriage not refunded' : 'no goods to order';
      skippedInvoices.push({ line: inv.line, invoice: inv.invoice, message: `${inv.kind} invoice with carriage only (${inv.shippingMinor} pence): ${why}` });
    }
  }
  // The invoice that passed `limit` was not read.
  const read = options.limit !== undefined && seen.size > options.limit ? [...seen].slice(0, options.limit) : [...seen];
  const invoicesEveryLineSkipped = read.filter((invoice) => !byNumber.has(invoice));
  return { invoices, rows, skipped, skippedInvoices, invoicesRead: read.length, invoicesEveryLineSkipped, names };
}
