import pLimit from 'p-limit';

/**
 * Runs tasks submitted in a given order concurrently, except that tasks sharing a key run
 * one after another in submission order. So each key (an order, a customer, a product) sees
 * its tasks in exactly the order a sequential run would, whatever the concurrency, and the
 * result of a replay does not depend on it. The importers key each step by the streams it
 * writes.
 *
 * A task waits for its predecessors outside the concurrency limit, so waiting never holds a
 * slot (no deadlock). Back-pressure is a counter and a queue of waiters, O(1) per task, so
 * the 500,000 line steps of Online Retail cost no more per step than the first (waiting
 * with `Promise.race` over every unfinished task, as an earlier version did, is quadratic).
 */
export class KeyedScheduler {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly tails = new Map<string, Promise<void>>();
  private unfinished = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly idle: (() => void)[] = [];
  private failure: { error: unknown } | undefined;

  /**
   * @param concurrency tasks running at once (≥ 1)
   * @param maxPending submitted tasks not yet finished before `submit` waits
   */
  constructor(concurrency: number, private readonly maxPending = concurrency * 8) {
    this.limit = pLimit(concurrency);
  }

  /**
   * Queues `task` after every unfinished task sharing one of `keys`; returns once fewer
   * than `maxPending` tasks are unfinished. After a task throws, no further task starts
   * and `drain` rethrows the first error.
   */
  async submit(keys: readonly string[], task: () => Promise<void>): Promise<void> {
    const predecessors: Promise<void>[] = [];
    for (const k of keys) {
      const tail = this.tails.get(k);
      if (tail) predecessors.push(tail);
    }
    const start = predecessors.length === 0 ? Promise.resolve() : predecessors.length === 1 ? predecessors[0]! : Promise.all(predecessors);
    const run: Promise<void> = start.then(() =>
      this.limit(async () => {
        if (this.failure) return;
        try {
          await task();
        } catch (error) {
          this.failure ??= { error };
        }
      }),
    );
    for (const key of keys) this.tails.set(key, run);
    this.unfinished++;
    void run.then(() => {
      this.unfinished--;
      for (const key of keys) if (this.tails.get(key) === run) this.tails.delete(key);
      this.waiters.shift()?.();
      if (this.unfinished === 0) for (const resolve of this.idle.splice(0)) resolve();
    });
    while (this.unfinished >= this.maxPending) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Waits for every submitted task. @throws the first error a task threw */
  async drain(): Promise<void> {
    if (this.unfinished > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.failure) throw this.failure.error;
  }
}
