import pLimit from 'p-limit';

/**
 * The `KeyedScheduler` pattern (see `../keyed-scheduler.ts`) for imports of hundreds of
 * thousands of small tasks: tasks run concurrently, except that tasks sharing a key run
 * one after another in submission order, so every stream sees its commands in the order
 * of a sequential run whatever the concurrency.
 *
 * Back-pressure is a counter and a queue of waiters, O(1) per task. (`KeyedScheduler`
 * waits with `Promise.race` over every unfinished task, which attaches a reaction to each
 * of them per submission: fine for thousands of tasks, quadratic for the 500,000 line
 * steps of Online Retail.)
 */
export class KeyedPipeline {
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
