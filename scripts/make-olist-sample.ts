/**
 * Cuts the committed Olist sample out of the shared Olist directory.
 *
 *   npx tsx scripts/make-olist-sample.ts ../shared/data/olist data/olist-sample [orders]
 *
 * Takes the first `orders` (default 2,000) data rows of the orders file, in file order, then
 * every row of the other tables that belongs to them: their item rows and payment rows (by
 * `order_id`), their customers (by `customer_id`), the products and sellers their items use, and
 * the whole category translation file. Rows are copied as raw text lines, so every kept line is
 * byte-identical to its source line (same quoting, same line ending); nothing is re-serialised.
 * Writes the orders/items under the plain Kaggle names and a SOURCE.md with counts and sha256.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { OLIST_FILE_NAMES, OLIST_ORDER_FILE_VARIANTS } from '../src/infrastructure/import/olist/files.js';

/** A CSV file split into its raw header line and raw data lines, each with its parsed record. */
interface RawTable {
  readonly header: string;
  readonly rows: readonly { readonly raw: string; readonly record: Record<string, string> }[];
}

/**
 * Reads a CSV file as raw lines (terminators kept) and pairs each data line with its parsed record.
 * @throws Error when a record spans several lines (the raw-line copy would then be wrong)
 */
function readRawTable(path: string): RawTable {
  const text = readFileSync(path, 'utf8');
  const lines = text.split(/(?<=\n)/).filter((line) => line !== '');
  const records = parse<Record<string, string>>(text, { bom: true, columns: true });
  const [header, ...data] = lines;
  if (header === undefined || data.length !== records.length) {
    throw new Error(`${path}: ${data.length} data lines but ${records.length} records; a record spans lines`);
  }
  return { header, rows: data.map((raw, index) => ({ raw, record: records[index] ?? {} })) };
}

/** The table's header plus the data lines whose record satisfies `keep`, as one text. */
function cut(table: RawTable, keep: (record: Record<string, string>) => boolean): { text: string; rows: number } {
  const kept = table.rows.filter((row) => keep(row.record));
  return { text: table.header + kept.map((row) => row.raw).join(''), rows: kept.length };
}

function field(record: Record<string, string>, column: string): string {
  const value = record[column];
  if (value === undefined) throw new Error(`missing column ${column}`);
  return value;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function main(argv: readonly string[]): void {
  const [sourceDir, outDir, countText = '2000'] = argv;
  if (!sourceDir || !outDir) throw new Error('usage: make-olist-sample.ts <olist dir> <out dir> [orders]');
  const orderCount = Number(countText);
  if (!Number.isInteger(orderCount) || orderCount <= 0) throw new Error(`bad order count ${countText}`);

  const variant = OLIST_ORDER_FILE_VARIANTS.find(
    (v) => existsSync(join(sourceDir, v.orders)) && existsSync(join(sourceDir, v.items)),
  );
  if (!variant) throw new Error(`${sourceDir}: no Olist orders/items files`);
  const [fullNames] = OLIST_ORDER_FILE_VARIANTS;

  const orders = readRawTable(join(sourceDir, variant.orders));
  const keptOrders = orders.rows.slice(0, orderCount).map((row) => row.record);
  const orderIds = new Set(keptOrders.map((r) => field(r, 'order_id')));
  const customerIds = new Set(keptOrders.map((r) => field(r, 'customer_id')));

  const items = cut(readRawTable(join(sourceDir, variant.items)), (r) => orderIds.has(field(r, 'order_id')));
  const itemRecords = parse<Record<string, string>>(items.text, { columns: true });
  const productIds = new Set(itemRecords.map((r) => field(r, 'product_id')));
  const ordersWithItems = new Set(itemRecords.map((r) => field(r, 'order_id')));
  const noItemOrders = [...orderIds].filter((id) => !ordersWithItems.has(id)).length;
  const sellerIds = new Set(itemRecords.map((r) => field(r, 'seller_id')));

  const outputs: { name: string; from: string; rows: number; data: string | Buffer; how: string }[] = [
    {
      name: fullNames.orders,
      from: variant.orders,
      rows: keptOrders.length,
      data: orders.header + orders.rows.slice(0, orderCount).map((row) => row.raw).join(''),
      how: `first ${orderCount} data rows, in file order`,
    },
    { name: fullNames.items, from: variant.items, ...items, data: items.text, how: 'rows of those orders' },
  ];
  const filtered: [string, (r: Record<string, string>) => boolean, string][] = [
    [OLIST_FILE_NAMES.payments, (r) => orderIds.has(field(r, 'order_id')), 'rows of those orders'],
    [OLIST_FILE_NAMES.customers, (r) => customerIds.has(field(r, 'customer_id')), "those orders' customer_ids"],
    [OLIST_FILE_NAMES.products, (r) => productIds.has(field(r, 'product_id')), 'products of those items'],
    [OLIST_FILE_NAMES.sellers, (r) => sellerIds.has(field(r, 'seller_id')), 'sellers of those items'],
  ];
  for (const [name, keep, how] of filtered) {
    const result = cut(readRawTable(join(sourceDir, name)), keep);
    outputs.push({ name, from: name, rows: result.rows, data: result.text, how });
  }
  const translation = readFileSync(join(sourceDir, OLIST_FILE_NAMES.categoryTranslation));
  outputs.push({
    name: OLIST_FILE_NAMES.categoryTranslation,
    from: OLIST_FILE_NAMES.categoryTranslation,
    rows: readRawTable(join(sourceDir, OLIST_FILE_NAMES.categoryTranslation)).rows.length,
    data: translation,
    how: 'whole file, byte for byte',
  });

  mkdirSync(outDir, { recursive: true });
  for (const v of OLIST_ORDER_FILE_VARIANTS.slice(1)) {
    for (const stale of [v.orders, v.items]) rmSync(join(outDir, stale), { force: true });
  }
  for (const output of outputs) writeFileSync(join(outDir, output.name), output.data);
  writeFileSync(join(outDir, 'SOURCE.md'), sourceMarkdown(outputs, variant.orders, orderCount, noItemOrders));
  const total = outputs.reduce((sum, o) => sum + Buffer.byteLength(o.data), 0);
  process.stdout.write(`wrote ${outputs.length} CSV files (${total} bytes) and SOURCE.md to ${outDir}\n`);
}

function sourceMarkdown(
  outputs: readonly { name: string; from: string; rows: number; data: string | Buffer; how: string }[],
  ordersSource: string,
  orderCount: number,
  noItemOrders: number,
): string {
  const total = outputs.reduce((sum, o) => sum + Buffer.byteLength(o.data), 0);
  const table = outputs
    .map((o) => `| \`${o.name}\` | \`${o.from}\` | ${o.how} | ${o.rows} | ${Buffer.byteLength(o.data)} | \`${sha256(o.data)}\` |`)
    .join('\n');
  return `# Olist sample (${orderCount} orders)

**Data:** "Brazilian E-Commerce Public Dataset by Olist", Olist, via Kaggle
(\`olistbr/brazilian-ecommerce\`). Real, anonymised marketplace data from olist.com, Brazil.

**Licence:** [CC BY-NC-SA 4.0](https://creativecommons.org/licenses/by-nc-sa/4.0/): attribution,
non-commercial use only, share alike. This sample is a derivative (a cut) of the dataset and is
shared under the same licence. It is test data for this repository, not for commercial use.

## How it was cut

Generated by \`scripts/make-olist-sample.ts\` from the project's shared copy of the data
(\`../shared/data/olist\`, see its SOURCE.md; its orders/items are the first 10,000 rows of the
original \`olist_orders_dataset.csv\` with a 2017 purchase date, and their items):

    npx tsx scripts/make-olist-sample.ts ../shared/data/olist data/olist-sample

1. The first ${orderCount} data rows of \`${ordersSource}\`, in file order.
2. Every row of the other tables that belongs to those orders: item and payment rows by
   \`order_id\`, customers by \`customer_id\`, products and sellers used by the items.
3. The category translation file, whole (it keeps its UTF-8 BOM and CRLF line endings).

Rows are copied as raw lines, in source order: each line is byte-identical to its source line
(quoting, number formatting and line endings untouched). Headers are the originals.

**File names.** Every file keeps its Kaggle name, including the orders and items, which are named
\`olist_orders_dataset.csv\` / \`olist_order_items_dataset.csv\` (not \`…_2017_first10k.csv\`) so that
the importer's detection of the full-dataset names is exercised. Despite the names, **every file
except the translation is a cut**, not the complete Kaggle table.

## Files

| file | cut from | rows kept | data rows | bytes | sha256 |
| --- | --- | --- | ---: | ---: | --- |
${table}

Total: ${total} bytes. Row counts exclude the header.

Quirks kept on purpose (they are the original data): ${noItemOrders} of the ${orderCount} orders have no
item rows (unavailable or canceled orders; the importer rejects them as 'order has no items');
some delivered orders lack timestamps or have a carrier date before the approval (the importer
keeps them with a warning); some products have an empty category (\`uncategorized\`).
`;
}

main(process.argv.slice(2));
