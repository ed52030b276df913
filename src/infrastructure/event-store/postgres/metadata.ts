import type { StreamMetadata } from '../../../application/ports/event-store.js';

/** Stream metadata as `streams.metadata` (jsonb) holds it: `truncateBefore` as a JSON number. */
export interface StoredMetadata {
  maxAge?: number;
  maxCount?: number;
  truncateBefore?: number;
  custom?: Record<string, unknown>;
}

/**
 * Port metadata → stored JSON. Absent fields are left out.
 * @throws RangeError when a limit is negative or not an integer (maxAge: seconds, may be fractional)
 */
export function toStoredMetadata(metadata: StreamMetadata): StoredMetadata {
  const stored: StoredMetadata = {};
  if (metadata.maxAge !== undefined) {
    if (!(metadata.maxAge > 0)) throw new RangeError(`maxAge must be a positive number of seconds, got ${metadata.maxAge}`);
    stored.maxAge = metadata.maxAge;
  }
  if (metadata.maxCount !== undefined) {
    if (!Number.isInteger(metadata.maxCount) || metadata.maxCount < 1) throw new RangeError(`maxCount must be a positive integer, got ${metadata.maxCount}`);
    stored.maxCount = metadata.maxCount;
  }
  if (metadata.truncateBefore !== undefined) {
    if (metadata.truncateBefore < 0n || metadata.truncateBefore > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`truncateBefore must be a revision from 0 to 2^53-1, got ${metadata.truncateBefore}`);
    }
    stored.truncateBefore = Number(metadata.truncateBefore);
  }
  if (metadata.custom !== undefined) stored.custom = { ...metadata.custom };
  return stored;
}

/** Stored JSON → port metadata. */
export function fromStoredMetadata(stored: StoredMetadata): StreamMetadata {
  return {
    ...(stored.maxAge !== undefined ? { maxAge: stored.maxAge } : {}),
    ...(stored.maxCount !== undefined ? { maxCount: stored.maxCount } : {}),
    ...(stored.truncateBefore !== undefined ? { truncateBefore: BigInt(stored.truncateBefore) } : {}),
    ...(stored.custom !== undefined ? { custom: stored.custom } : {}),
  };
}
