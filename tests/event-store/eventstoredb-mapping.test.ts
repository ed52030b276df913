/**
 * The EventStoreDB adapter's mapping and error translation, without a server (the
 * contract suite covers behaviour when EVENTSTORE_URL names one).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ANY,
  NO_STREAM,
  START as ESDB_START,
  STREAM_EXISTS,
  StreamDeletedError as EsdbStreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type EventStoreDBClient,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { DuplicateEventIdError, START, StreamDeletedError, WrongExpectedRevisionError } from '../../src/application/ports/event-store.js';
import { EventStoreDbEventStore } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.js';
import { isTransientEsdbError, mapEsdbError } from '../../src/infrastructure/event-store/eventstoredb/errors.js';
import {
  fromEsdbEvent,
  fromEsdbMetadata,
  isSystemEvent,
  matchesFilter,
  toEsdbExpected,
  toEsdbMetadata,
  toEventData,
  toReadPosition,
  toServerFilter,
} from '../../src/infrastructure/event-store/eventstoredb/mapping.js';
import { Upcasters } from '../../src/infrastructure/event-store/upcasters.js';
import { newEvent } from '../contract/event-store.contract.js';

describe('EventStoreDB adapter mapping', () => {
  it('maps expected revisions and positions', () => {
    assert.equal(toEsdbExpected('any'), ANY);
    assert.equal(toEsdbExpected('no-stream'), NO_STREAM);
    assert.equal(toEsdbExpected('stream-exists'), STREAM_EXISTS);
    assert.equal(toEsdbExpected(7n), 7n);
    assert.throws(() => toEsdbExpected(-1n), RangeError);
    assert.equal(toReadPosition({ commit: 0n, prepare: 0n }), ESDB_START);
    assert.deepEqual(toReadPosition({ commit: 812n, prepare: 1034n }), { commit: 812n, prepare: 1034n });
  });

  it('round-trips an event: id, type, data, metadata (with $correlationId/$causationId), schema version, upcasting', () => {
    const event = newEvent('Renamed', { name: 'Ada Lovelace' });
    const data = toEventData(event, 1);
    assert.equal(data.id, event.eventId);
    assert.equal(data.contentType, 'application/json');
    assert.deepEqual(data.metadata, {
      tenantId: 'acme', actor: 'user:contract', $correlationId: 'corr-1', $causationId: 'cause-1',
      occurredAt: '2017-10-02T10:56:33.000-03:00', schemaVersion: 1,
    });
    const recorded = {
      streamId: 'person-acme:1', id: event.eventId, isJson: true, revision: 3n, type: 'Renamed',
      created: new Date('2024-05-01T12:00:00Z'), data: data.data, metadata: data.metadata, position: { commit: 900n, prepare: 900n },
    } as EsdbRecordedEvent;
    const upcasters = new Upcasters().register('Renamed', 1, (d) => ({ first: String(d.name).split(' ')[0] }));
    const read = fromEsdbEvent(recorded, upcasters);
    assert.deepEqual(read, {
      streamId: 'person-acme:1', revision: 3n, position: { commit: 900n, prepare: 900n }, eventId: event.eventId, type: 'Renamed',
      data: { first: 'Ada' }, schemaVersion: 2,
      metadata: { ...event.metadata, recordedAt: '2024-05-01T12:00:00.000Z' },
    });
  });

  it('skips system events and applies filters client-side where the server cannot', () => {
    assert.equal(isSystemEvent({ type: '$metadata', streamId: '$$order-acme:1' }), true);
    assert.equal(isSystemEvent({ type: 'OrderPlaced', streamId: '$ce-order' }), true);
    assert.equal(isSystemEvent({ type: 'OrderPlaced', streamId: 'order-acme:1' }), false);
    const filter = { eventTypePrefixes: ['Order'], streamPrefixes: ['order-acme'] };
    assert.equal(matchesFilter({ type: 'OrderPlaced', streamId: 'order-acme:1' }, filter), true);
    assert.equal(matchesFilter({ type: 'OrderPlaced', streamId: 'order-zeta:1' }, filter), false);
    assert.equal(matchesFilter({ type: 'Stock', streamId: 'order-acme:1' }, filter), false);
    assert.equal(matchesFilter({ type: 'Anything', streamId: 'x' }, undefined), true);
    assert.equal(matchesFilter({ type: 'OrderPlaced', streamId: 'x' }, { eventTypes: ['OrderPlaced'] }), true);
    assert.equal(matchesFilter({ type: 'OrderPlacedTwice', streamId: 'x' }, { eventTypes: ['OrderPlaced'] }), false);
    const exact = toServerFilter({ eventTypes: ['Order.Placed', 'Paid'] }) as { filterOn: string; regex: string };
    assert.equal(exact.filterOn, 'eventType');
    assert.equal(exact.regex, '^(?:Order\\.Placed|Paid)$');
    assert.deepEqual((toServerFilter({ eventTypePrefixes: ['Order'] }) as { prefixes: string[] }).prefixes, ['Order']);
    assert.equal(toServerFilter({ eventTypePrefixes: ['Order'] }).filterOn, 'eventType');
    assert.equal(toServerFilter({ streamPrefixes: ['order-'] }).filterOn, 'streamName');
    assert.equal((toServerFilter(undefined) as { regex: string }).regex, '^[^$].*');
  });

  it('maps stream metadata both ways (custom keys at the top level, as the server stores them)', () => {
    const port = { maxAge: 3600, maxCount: 10, truncateBefore: 5n, custom: { owner: 'ops' } };
    const esdb = toEsdbMetadata(port);
    assert.deepEqual(esdb, { owner: 'ops', maxAge: 3600, maxCount: 10, truncateBefore: 5 });
    assert.deepEqual(fromEsdbMetadata(esdb), port);
    assert.deepEqual(fromEsdbMetadata(undefined), {});
  });

  it('maps the client\'s errors to the port\'s named errors', () => {
    const wrong = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 3n, current: 5n });
    const mapped = mapEsdbError(wrong, 's', 3n);
    assert.ok(mapped instanceof WrongExpectedRevisionError);
    assert.deepEqual([mapped.streamId, mapped.expected, mapped.actual], ['s', 3n, 5n]);
    const missing = mapEsdbError(new WrongExpectedVersionError(undefined, { streamName: 's', expected: STREAM_EXISTS, current: NO_STREAM }), 's', 'stream-exists');
    assert.ok(missing instanceof WrongExpectedRevisionError);
    assert.equal(missing.actual, 'no-stream');
    assert.ok(mapEsdbError(EsdbStreamDeletedError.fromStreamName('s'), 's') instanceof StreamDeletedError);
    const other = new Error('boom');
    assert.equal(mapEsdbError(other, 's'), other);
    assert.equal(isTransientEsdbError(new UnavailableError({ code: 14, details: 'down', metadata: undefined } as never)), true);
    assert.equal(isTransientEsdbError(other), false);
  });
});

describe('EventStoreDB adapter on a stand-in client (what the server answers, without a server)', () => {
  /** The adapter on a client whose append rejects with `appendError` and whose stream reads fail with `readError`; `calls` lists the client calls made. */
  const adapter = (appendError: Error = new Error('not expected'), readError: Error = new Error('not expected')) => {
    const calls: string[] = [];
    /** A streaming read that fails at once with `error`. */
    const failing = (name: string, error: Error) => () => {
      calls.push(name);
      return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) };
    };
    const client = {
      appendToStream: () => (calls.push('appendToStream'), Promise.reject(appendError)),
      readStream: failing('readStream', readError),
      readAll: failing('readAll', new Error('not expected')),
    };
    return { calls, store: new EventStoreDbEventStore(client as unknown as EventStoreDBClient) };
  };

  it('stream-exists on a soft-deleted stream (the server answers "deleted", a read finds no stream) is WrongExpectedRevisionError with actual no-stream; on a tombstone, StreamDeletedError', async () => {
    const deleted = EsdbStreamDeletedError.fromStreamName('s');
    const soft = adapter(deleted, new StreamNotFoundError(undefined, 's'));
    await assert.rejects(soft.store.appendToStream('s', [newEvent()], { expectedRevision: 'stream-exists' }), (error: unknown) => {
      assert.ok(error instanceof WrongExpectedRevisionError);
      assert.deepEqual([error.streamId, error.expected, error.actual], ['s', 'stream-exists', 'no-stream']);
      return true;
    });
    const tombstoned = adapter(deleted, EsdbStreamDeletedError.fromStreamName('s'));
    await assert.rejects(tombstoned.store.appendToStream('s', [newEvent()], { expectedRevision: 'stream-exists' }), StreamDeletedError);
    await assert.rejects(adapter(deleted).store.appendToStream('s', [newEvent()], { expectedRevision: 'any' }), StreamDeletedError);
  });

  it('refuses an event id given twice and negative or fractional counts and revisions before calling the server; maxCount 0 on $all reads nothing', async () => {
    const { calls, store } = adapter();
    const e = newEvent();
    await assert.rejects(store.appendToStream('s', [e, e], { expectedRevision: 'no-stream' }), (error: unknown) => error instanceof DuplicateEventIdError && /more than once in one append/.test(error.message));
    await assert.rejects(store.readStream('s', { maxCount: -1 }), RangeError);
    await assert.rejects(store.readStream('s', { fromRevision: -1n }), RangeError);
    await assert.rejects(store.readAll({ after: START, maxCount: 2.5 }), RangeError);
    assert.throws(() => store.subscribeToAll({ pageSize: 0 }), RangeError);
    assert.deepEqual(await store.readAll({ after: START, maxCount: 0 }), []);
    assert.deepEqual(calls, []);
  });
});
