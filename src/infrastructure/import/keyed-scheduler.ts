import pLimit from 'p-limit';

/**
 * Runs tasks submitted in a given order concurrently, except that tasks sharing a key run
 * one after another in submission order. So each key (an order, a customer, a product) sees
 * its tasks in exactly the order a sequential run would, whatever the concurrency, and the
 * result of a replay does not depend on it.
 *
 * A task waits for its predecessors outside the concurrency limit, so waiting never holds a
 * slot (no deadlock). `submit` applies back-pressure: it returns once fewer than
 * `maxPending` tasks are unfinished.
 */
export class KeyedScheduler {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly tails = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  /**
   * @param concurrency tasks running at once (≥ 1)
   * @param maxPending submitted tasks not yet finished before `submit` waits (≥ concurrency)
   */
  constructor(concurrency: number, private readonly maxPending = concurrency * 64) {
    this.limit = pLimit(concurrency);
  }

  /**
   * Queues `task` after every unfinished task that shares one of `keys`. After a task throws,
   * no further task starts and `drain` rethrows the first error.
   */
  async submit(keys: readonly string[], task: () => Promise<void>): Promise<void> {
    const predecessors = keys.flatMap((k) => this.tails.get(k) ?? []);
    // The failure is recorded inside the limited function, before its slot is released,
    // so no queued task can start after it.
    const run = Promise.all(predecessors).then(() =>
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
    this.pending.add(run);
    void run.finally(() => {
      this.pending.delete(run);
      for (const key of keys) if (this.tails.get(key) === run) this.tails.delete(key);
    });
    while (this.pending.size >= this.maxPending) await Promise.race(this.pending);
  }

  /** Waits for every submitted task. @throws the first error a task threw */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
    if (this.failure) throw this.failure.error;
  }
}
