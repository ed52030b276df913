/**
 * Upcasting: events keep the schema version they were written with; on read, the
 * upcasters registered for their type turn old versions into the current one, one
 * version step at a time (v1 → v2 → … → current). The stored event is never rewritten.
 * (Technique: Greg Young, "Versioning in an Event Sourced System", ch. "Upcasting".)
 */

/** Turns `data` of version `fromVersion` into version `fromVersion + 1`. Pure. */
export type Upcast = (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** Thrown when a stored event's version has no path to the current version. */
export class UpcastError extends Error {
  override readonly name = 'UpcastError';
  constructor(
    readonly eventType: string,
    readonly fromVersion: number,
  ) {
    super(`no upcaster for ${eventType} v${fromVersion} → v${fromVersion + 1}`);
  }
}

/** The data and version of an event as an adapter read it from storage. */
export interface VersionedData {
  readonly data: Record<string, unknown>;
  readonly schemaVersion: number;
}

/**
 * Upcasters per event type. Register each step with `register(type, from, upcast)`;
 * the current version of a type is 1 + its highest `from` (1 when none is registered).
 */
export class Upcasters {
  private readonly steps = new Map<string, Map<number, Upcast>>();

  /**
   * Registers the step `fromVersion` → `fromVersion + 1` for `eventType`.
   * @throws RangeError when `fromVersion` is not an integer ≥ 1 or the step is already registered
   */
  register(eventType: string, fromVersion: number, upcast: Upcast): this {
    if (!Number.isInteger(fromVersion) || fromVersion < 1) throw new RangeError(`fromVersion must be an integer >= 1, got ${fromVersion}`);
    const byVersion = this.steps.get(eventType) ?? new Map<number, Upcast>();
    if (byVersion.has(fromVersion)) throw new RangeError(`an upcaster for ${eventType} v${fromVersion} is already registered`);
    byVersion.set(fromVersion, upcast);
    this.steps.set(eventType, byVersion);
    return this;
  }

  /** The version new events of `eventType` are written with (1 when no upcaster is registered). */
  currentVersion(eventType: string): number {
    const byVersion = this.steps.get(eventType);
    return byVersion ? Math.max(...byVersion.keys()) + 1 : 1;
  }

  /**
   * Brings stored data to the current version. Data already current (or newer, written
   * by a newer release) is returned as is.
   * @throws UpcastError when a step between the stored and current version is missing
   */
  upcast(eventType: string, stored: VersionedData): VersionedData {
    const byVersion = this.steps.get(eventType);
    if (!byVersion) return stored;
    const current = this.currentVersion(eventType);
    let { data, schemaVersion } = stored;
    while (schemaVersion < current) {
      const step = byVersion.get(schemaVersion);
      if (!step) throw new UpcastError(eventType, schemaVersion);
      data = step(data);
      schemaVersion++;
    }
    return { data, schemaVersion };
  }
}
