/** Throughput measurement: `concurrency` workers repeat an operation for a fixed time. */
export interface Throughput {
  /** Events written or read per second. */
  readonly eventsPerSecond: number;
  readonly operations: number;
  readonly events: number;
  readonly seconds: number;
}

/**
 * Runs `operation(worker, iteration)` in `concurrency` loops for `ms` milliseconds.
 * @param operation resolves to the number of events it wrote or read
 */
export async function measure(concurrency: number, ms: number, operation: (worker: number, iteration: number) => Promise<number>): Promise<Throughput> {
  const started = performance.now();
  const deadline = started + ms;
  let operations = 0;
  let events = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const n = await operation(worker, i); // not `events += await …`: that reads `events` before awaiting
        events += n;
        operations++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { eventsPerSecond: events / seconds, operations, events, seconds };
}

/** Sums rounds measured alternately (store, baseline, store, …) so drift hits both sides alike. */
export function combine(rounds: readonly Throughput[]): Throughput {
  const operations = rounds.reduce((s, r) => s + r.operations, 0);
  const events = rounds.reduce((s, r) => s + r.events, 0);
  const seconds = rounds.reduce((s, r) => s + r.seconds, 0);
  return { eventsPerSecond: events / seconds, operations, events, seconds };
}

/** The median of per-round ratios store/baseline (each round's two sides ran back to back): robust to load bursts. */
export function medianRatio(store: readonly Throughput[], baseline: readonly Throughput[]): number {
  const ratios = store.map((s, i) => s.eventsPerSecond / baseline[i]!.eventsPerSecond).sort((a, b) => a - b);
  const mid = Math.floor(ratios.length / 2);
  return ratios.length % 2 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
}
