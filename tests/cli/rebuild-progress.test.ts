import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { rebuildProgressBar } from '../../src/infrastructure/cli/commands/projections.js';

/** The lines the bar writes to a stream that is not a terminal (as with `--progress` into a log). */
function drawn(feed: (bar: ReturnType<typeof rebuildProgressBar>) => void): string[] {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const bar = rebuildProgressBar('rebuild sales', { stream, noTTYOutput: true });
  feed(bar);
  bar.stop();
  return text.split('\n').filter((line) => line !== '');
}

describe('operator CLI: the rebuild progress bar', () => {
  it('shows the count and events/s, no percentage or ETA, while the total is being counted; then the percentage', () => {
    const lines = drawn((bar) => {
      bar.update({ done: 1000, total: 1000, totalKnown: false });
      bar.update({ done: 2000, total: 8000, totalKnown: true });
    });
    const [first, last] = [lines[0]!, lines.at(-1)!];
    assert.match(first, /^rebuild sales \| 1000 events \| \d+ events\/s \| counting the total…$/);
    assert.doesNotMatch(first, /%|ETA/);
    assert.match(last, /^rebuild sales \[[^\]]+\] 25% \| 2000\/8000 events \| \d+ events\/s \| ETA /);
  });

  it('a rebuild whose count arrives last never showed 100% before it', () => {
    const lines = drawn((bar) => {
      bar.update({ done: 500, total: 500, totalKnown: false });
      bar.stop(); // a phase line (e.g. resumed) in between
      bar.update({ done: 900, total: 900, totalKnown: false });
    });
    assert.ok(lines.length > 0);
    for (const line of lines) assert.doesNotMatch(line, /100%/, line);
  });
});
