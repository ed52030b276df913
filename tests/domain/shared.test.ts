import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateProportionally, instantOf, isAtOrAfter } from '../../src/domain/shared/index.js';

describe('shared: proportional allocation (largest remainder)', () => {
  it('always adds up to the total, ties to the earlier index', () => {
    assert.deepEqual(allocateProportionally(100, [1, 1, 1]), [34, 33, 33]);
    assert.deepEqual(allocateProportionally(5_001, [20_000, 30_000]), [2_000, 3_001]);
    assert.deepEqual(allocateProportionally(0, [5, 5]), [0, 0]);
    assert.deepEqual(allocateProportionally(7, [0, 0]), [7, 0]);
  });

  it('is exact beyond 2^53 intermediate products', () => {
    const shares = allocateProportionally(Number.MAX_SAFE_INTEGER, [Number.MAX_SAFE_INTEGER, 1]);
    assert.equal(shares[0]! + shares[1]!, Number.MAX_SAFE_INTEGER);
  });
});

describe('shared: business time', () => {
  it('parses ISO 8601 instants with an offset or Z only', () => {
    assert.equal(instantOf('2026-11-21T10:00:00.000+03:00'), Date.UTC(2026, 10, 21, 7));
    assert.equal(instantOf('2026-11-21T07:00:00Z'), Date.UTC(2026, 10, 21, 7));
    assert.equal(instantOf('2026-11-21T10:00:00'), undefined);
    assert.equal(instantOf('2026-11-21'), undefined);
  });

  it('compares instants across offsets', () => {
    assert.ok(isAtOrAfter('2026-11-21T10:00:00.000+03:00', '2026-11-21T07:00:00Z'));
    assert.ok(!isAtOrAfter('2026-11-21T09:59:59.000+03:00', '2026-11-21T07:00:00Z'));
  });
});
