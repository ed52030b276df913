/**
 * Streaming CSV reading with physical line numbers, shared by every Olist file.
 *
 * csv-parse's own `info.lines` miscounts after a CRLF inside a quoted field, so the line of a
 * record is derived from byte offsets instead: a pass-through stream records where each `\n` is,
 * and a record starts on the line holding the byte right after the previous record
 * (csv-parse's `info.bytes_records`, which counts the BOM and line terminators).
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Transform, pipeline, type TransformCallback } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { OlistImportError } from './errors.js';

/**
 * One data row of a CSV file.
 * - `line`: 1-based physical line where the row starts (the header is line 1).
 * - `record`: column name → field text; a column is absent when the row has too few fields,
 *   extra fields are dropped.
 */
export interface CsvRow {
  readonly line: number;
  readonly record: Readonly<Record<string, string | undefined>>;
}

interface ParsedChunk {
  record: string[];
  info: { bytes_records: number };
}

/** Pass-through stream that remembers the byte offsets of line feeds, to map offsets to lines. */
class LineIndex extends Transform {
  private readonly newlines: number[] = [];
  private cursor = 0;
  private linesBeforeCursor = 0;
  private seen = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) this.newlines.push(this.seen + at);
    this.seen += chunk.length;
    callback(null, chunk);
  }

  /** 1-based line holding byte `offset`. Offsets must be asked for in non-decreasing order. */
  lineAt(offset: number): number {
    while (this.cursor < this.newlines.length && (this.newlines[this.cursor] ?? Infinity) < offset) {
      this.cursor += 1;
      this.linesBeforeCursor += 1;
    }
    if (this.cursor > 4096) {
      this.newlines.splice(0, this.cursor);
      this.cursor = 0;
    }
    return this.linesBeforeCursor + 1;
  }
}

/** A record of one empty field: a blank line, which carries no data. */
function isBlank(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0] === '';
}

/**
 * Streams the data rows of a CSV file with a header (UTF-8, optional BOM, LF or CRLF, fields
 * quoted or not). Rows with too few or too many fields are still yielded (callers validate them);
 * blank lines are skipped.
 *
 * @param path the file to read
 * @param requiredColumns header names that must be present
 * @throws OlistImportError (asynchronously, from the iteration) when the file cannot be read, a
 *   required column is missing, or the CSV cannot be tokenised (e.g. an unclosed quote)
 */
export async function* readCsvRows(path: string, requiredColumns: readonly string[]): AsyncGenerator<CsvRow> {
  const file = basename(path);
  const lines = new LineIndex();
  const parser = parse({ bom: true, info: true, relax_column_count: true });
  const stream = pipeline(createReadStream(path), lines, parser, () => {
    // Errors surface through the async iteration below; pipeline only has to tear the streams down.
  });
  let header: string[] | undefined;
  let recordStart = 0;
  try {
    for await (const chunk of stream) {
      const { record: fields, info } = chunk as ParsedChunk;
      const line = lines.lineAt(recordStart);
      recordStart = info.bytes_records;
      if (header === undefined) {
        header = fields;
        const missing = requiredColumns.filter((column) => !fields.includes(column));
        if (missing.length > 0) throw new OlistImportError(`${file}: missing column(s) ${missing.join(', ')}`, file, line);
        continue;
      }
      if (isBlank(fields)) continue;
      const record: Record<string, string | undefined> = {};
      header.forEach((column, index) => {
        record[column] = fields[index];
      });
      yield { line, record };
    }
  } catch (error) {
    if (error instanceof OlistImportError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const line = error instanceof CsvError ? lines.lineAt(recordStart) : undefined;
    throw new OlistImportError(`${file}: cannot read CSV: ${reason}`, file, line, { cause: error });
  }
}
