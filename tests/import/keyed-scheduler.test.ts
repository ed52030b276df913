import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedScheduler } from '../../src/infrastructure/import/keyed-scheduler.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedScheduler', () => {
  it('runs tasks sharing a key in submission order, even when later ones are faster', async () => {
    const scheduler = new KeyedScheduler(8);
    const log: string[] = [];
    const delays = [30, 1, 15, 0, 5];
    for (const [i, ms] of delays.entries()) {
      await scheduler.submit(['product:1'], async () => {
        log.push(`start ${i}`);
        await tick(ms);
        log.push(`end ${i}`);
      });
    }
    await scheduler.drain();
    assert.deepEqual(log, delays.flatMap((_, i) => [`start ${i}`, `end ${i}`]));
  });

  it('runs tasks with disjoint keys at the same time, up to the concurrency', async () => {
    const scheduler = new KeyedScheduler(3);
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 9; i++) {
      await scheduler.submit([`order:${i}`], async () => {
        peak = Math.max(peak, ++running);
        await tick(10);
        running--;
      });
    }
    await scheduler.drain();
    assert.equal(peak, 3);
  });

  it('orders a task after every predecessor of each of its keys', async () => {
    const scheduler = new KeyedScheduler(4);
    const done: string[] = [];
    await scheduler.submit(['a'], async () => { await tick(20); done.push('a'); });
    await scheduler.submit(['b'], async () => { await tick(5); done.push('b'); });
    await scheduler.submit(['a', 'b'], () => { done.push('ab'); return Promise.resolve(); });
    await scheduler.drain();
    assert.deepEqual(done, ['b', 'a', 'ab']);
  });

  it('starts nothing after a task fails and rethrows the first error from drain', async () => {
    const scheduler = new KeyedScheduler(1);
    const ran: number[] = [];
    await scheduler.submit(['k'], () => Promise.reject(new Error('boom')));
    for (let i = 0; i < 3; i++) await scheduler.submit([`other:${i}`], () => { ran.push(i); return Promise.resolve(); });
    await assert.rejects(scheduler.drain(), /boom/);
    assert.deepEqual(ran, []);
  });

  it('makes submit wait while maxPending tasks are unfinished (back-pressure)', async () => {
    const scheduler = new KeyedScheduler(2, 4);
    const release: (() => void)[] = [];
    let submitted = 0;
    const submitting = (async () => {
      for (let i = 0; i < 6; i++) {
        await scheduler.submit([`k:${i}`], () => new Promise<void>((resolve) => release.push(resolve)));
        submitted++;
      }
    })();
    await tick(20);
    assert.equal(submitted, 3, 'the 4th submission waits: 4 tasks unfinished');
    release.shift()!();
    await tick(20);
    assert.equal(submitted, 4, 'one finished: one more accepted');
    while (submitted < 6 || release.length > 0) {
      release.shift()?.();
      await tick(5);
    }
    await submitting;
    await scheduler.drain();
  });
});
