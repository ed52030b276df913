/**
 * Fatal import errors: the directory as a whole cannot be read. Row-level problems are not
 * errors; they are reported in `OlistDataset.rejected` / `warnings`.
 */

/**
 * Thrown by `readOlist` for a missing file, a missing column in a header, or CSV that cannot be
 * tokenised (e.g. an unclosed quote). `file` (base name) and `line` (1-based) are set when known.
 */
export class OlistImportError extends Error {
  override readonly name = 'OlistImportError';
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
