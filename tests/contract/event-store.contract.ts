/**
 * The event store contract: the port's promises written once as tests, run against every
 * adapter (tests/contract/postgres.test.ts, tests/contract/eventstoredb.test.ts).
 *
 * Every test uses its own stream names (a random run id), so the suite also runs against
 * a shared server whose `$all` holds other events; `$all` assertions filter by the run's
 * stream prefix or read after a position the test wrote.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  DuplicateEventIdError,
  START,
  StreamDeletedError,
  WrongExpectedRevisionError,
  comparePositions,
  type EventStore,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from '../../src/application/ports/event-store.js';
import { Upcasters } from '../../src/infrastructure/event-store/upcasters.js';

/** What a target gives the suite: a store (optionally with upcasters) and how to release it. */
export interface StoreUnderTest {
  readonly store: EventStore;
  close(): Promise<void>;
}

/** Opens a store of the adapter under test; called once per suite and for the upcaster test. */
export type StoreFactory = (options: { upcasters?: Upcasters }) => Promise<StoreUnderTest>;

/** A new event with the suite's standard metadata. */
export function newEvent(type = 'Something', data: object = {}, extra: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: {
      tenantId: 'acme',
      actor: 'user:contract',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      occurredAt: '2017-10-02T10:56:33.000-03:00',
    },
    ...extra,
  };
}

const isNamedConflict = (error: unknown) => error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError;

/** Takes up to `n` events from a subscription, failing after `timeoutMs`. */
async function take(iterator: AsyncIterator<RecordedEvent>, n: number, timeoutMs = 5000): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      iterator.next(),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(remaining, 0)))),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') assert.fail(`subscription delivered ${out.length} of ${n} events in ${timeoutMs} ms`);
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

/**
 * Registers the contract suite for one adapter.
 * @param name shown in the test report
 * @param factory opens the adapter's store
 */
export function eventStoreContract(name: string, factory: StoreFactory): void {
  describe(`event store contract: ${name}`, () => {
    const run = `c${randomUUID().slice(0, 8)}`;
    const stream = (label: string) => `contract_${run}-acme:${label}`;
    let target: StoreUnderTest;
    let store: EventStore;
    before(async () => {
      target = await factory({});
      store = target.store;
    });
    after(() => target.close());

    describe('appends and stream reads', () => {
      it('appends to a new stream with no-stream and reads the event back with its metadata', async () => {
        const e = newEvent('Opened', { a: 1, nested: { b: [1, 2] } });
        const result = await store.appendToStream(stream('new'), [e], { expectedRevision: 'no-stream' });
        assert.equal(result.streamId, stream('new'));
        assert.equal(result.nextExpectedRevision, 0n);
        const [read] = await store.readStream(stream('new'));
        assert.ok(read);
        assert.equal(read.eventId, e.eventId);
        assert.equal(read.streamId, stream('new'));
        assert.equal(read.revision, 0n);
        assert.equal(read.type, 'Opened');
        assert.deepEqual(read.data, { a: 1, nested: { b: [1, 2] } });
        assert.deepEqual(read.position, result.position);
        assert.deepEqual(
          { ...read.metadata, recordedAt: undefined },
          { ...e.metadata, recordedAt: undefined },
        );
        assert.match(read.metadata.recordedAt, /^\d{4}-\d\d-\d\dT.*Z$/);
        assert.equal(read.schemaVersion ?? 1, 1);
      });

      it('numbers revisions from 0 and returns the last one as the next expected revision', async () => {
        const s = stream('rev');
        const first = await store.appendToStream(s, [newEvent(), newEvent()], { expectedRevision: 'no-stream' });
        assert.equal(first.nextExpectedRevision, 1n);
        const second = await store.appendToStream(s, [newEvent()], { expectedRevision: 1n });
        assert.equal(second.nextExpectedRevision, 2n);
        assert.equal(comparePositions(first.position, second.position), -1);
        assert.deepEqual((await store.readStream(s)).map((e) => e.revision), [0n, 1n, 2n]);
      });

      it('reads forwards and backwards, from a revision, with a max count', async () => {
        const s = stream('directions');
        await store.appendToStream(s, Array.from({ length: 5 }, (_, i) => newEvent('N', { i })), { expectedRevision: 'no-stream' });
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) => (await store.readStream(s, options)).map((e) => Number(e.revision));
        assert.deepEqual(await revisions({}), [0, 1, 2, 3, 4]);
        assert.deepEqual(await revisions({ fromRevision: 2n }), [2, 3, 4]);
        assert.deepEqual(await revisions({ fromRevision: 1n, maxCount: 2 }), [1, 2]);
        assert.deepEqual(await revisions({ direction: 'backwards' }), [4, 3, 2, 1, 0]);
        assert.deepEqual(await revisions({ direction: 'backwards', maxCount: 2 }), [4, 3]);
        assert.deepEqual(await revisions({ direction: 'backwards', fromRevision: 2n }), [2, 1, 0]);
        assert.deepEqual(await revisions({ direction: 'backwards', fromRevision: 3n, maxCount: 2 }), [3, 2]);
      });

      it('refuses a negative or fractional maxCount or a negative fromRevision with RangeError (stream and $all reads); maxCount 0 reads nothing', async () => {
        const s = stream('counts');
        await store.appendToStream(s, [newEvent(), newEvent()], { expectedRevision: 'no-stream' });
        for (const options of [{ maxCount: -1 }, { maxCount: 1.5 }, { fromRevision: -1n }, { direction: 'backwards' as const, fromRevision: -1n }]) {
          await assert.rejects(store.readStream(s, options), RangeError, JSON.stringify(options, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
        }
        await assert.rejects(store.readAll({ after: START, maxCount: -1 }), RangeError);
        assert.deepEqual(await store.readStream(s, { maxCount: 0 }), []);
        assert.deepEqual(await store.readAll({ after: START, maxCount: 0, filter: { streamPrefixes: [s] } }), []);
      });

      it('reads a stream that does not exist as empty, in both directions', async () => {
        assert.deepEqual(await store.readStream(stream('never')), []);
        assert.deepEqual(await store.readStream(stream('never'), { direction: 'backwards' }), []);
      });
    });

    describe('expected revision', () => {
      it('rejects a wrong exact revision with expected and actual, writing nothing', async () => {
        const s = stream('exact');
        await store.appendToStream(s, [newEvent()], { expectedRevision: 'no-stream' });
        await assert.rejects(store.appendToStream(s, [newEvent(), newEvent()], { expectedRevision: 5n }), (error: unknown) => {
          assert.ok(error instanceof WrongExpectedRevisionError);
          assert.equal(error.streamId, s);
          assert.equal(error.expected, 5n);
          assert.equal(error.actual, 0n);
          return true;
        });
        assert.equal((await store.readStream(s)).length, 1);
      });

      it('no-stream fails on an existing stream, naming its revision', async () => {
        const s = stream('no-stream');
        await store.appendToStream(s, [newEvent(), newEvent()], { expectedRevision: 'no-stream' });
        await assert.rejects(store.appendToStream(s, [newEvent()], { expectedRevision: 'no-stream' }), (error: unknown) => {
          assert.ok(error instanceof WrongExpectedRevisionError);
          assert.equal(error.expected, 'no-stream');
          assert.equal(error.actual, 1n);
          return true;
        });
      });

      it('stream-exists fails on a missing stream with actual no-stream, and passes once it exists', async () => {
        const s = stream('exists');
        await assert.rejects(store.appendToStream(s, [newEvent()], { expectedRevision: 'stream-exists' }), (error: unknown) => {
          assert.ok(error instanceof WrongExpectedRevisionError);
          assert.equal(error.expected, 'stream-exists');
          assert.equal(error.actual, 'no-stream');
          return true;
        });
        await store.appendToStream(s, [newEvent()], { expectedRevision: 'any' });
        const result = await store.appendToStream(s, [newEvent()], { expectedRevision: 'stream-exists' });
        assert.equal(result.nextExpectedRevision, 1n);
      });

      it('any never conflicts', async () => {
        const s = stream('any');
        await store.appendToStream(s, [newEvent()], { expectedRevision: 'any' });
        await store.appendToStream(s, [newEvent()], { expectedRevision: 'any' });
        assert.equal((await store.readStream(s)).length, 2);
      });

      it('lets exactly one of many concurrent writers with the same expected revision win', async () => {
        const s = stream('race');
        await store.appendToStream(s, [newEvent()], { expectedRevision: 'no-stream' });
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => store.appendToStream(s, [newEvent()], { expectedRevision: 0n })));
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
        assert.ok(outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof WrongExpectedRevisionError));
        assert.equal((await store.readStream(s)).length, 2);
      });
    });

    describe('idempotent appends', () => {
      it('the same ids after the same exact revision write nothing and return the original result', async () => {
        const s = stream('idem-exact');
        await store.appendToStream(s, [newEvent()], { expectedRevision: 'no-stream' });
        const batch = [newEvent('A'), newEvent('B')];
        const original = await store.appendToStream(s, batch, { expectedRevision: 0n });
        await store.appendToStream(s, [newEvent('C')], { expectedRevision: 2n });
        const repeat = await store.appendToStream(s, batch, { expectedRevision: 0n });
        assert.deepEqual(repeat, original);
        assert.deepEqual((await store.readStream(s)).map((e) => e.type), ['Something', 'A', 'B', 'C']);
      });

      it('the same ids with no-stream are a repeat, not a conflict', async () => {
        const s = stream('idem-new');
        const batch = [newEvent('A')];
        const original = await store.appendToStream(s, batch, { expectedRevision: 'no-stream' });
        assert.deepEqual(await store.appendToStream(s, batch, { expectedRevision: 'no-stream' }), original);
        assert.equal((await store.readStream(s)).length, 1);
      });

      it('the same ids with any are a repeat when they are the stream\'s last events', async () => {
        const s = stream('idem-any');
        const batch = [newEvent('A'), newEvent('B')];
        const original = await store.appendToStream(s, batch, { expectedRevision: 'any' });
        assert.deepEqual(await store.appendToStream(s, batch, { expectedRevision: 'any' }), original);
        assert.equal((await store.readStream(s)).length, 2);
      });

      it('an event id given twice in one append is refused (DuplicateEventIdError saying so), nothing written', async () => {
        const s = stream('twice');
        const e = newEvent('Twice');
        await assert.rejects(store.appendToStream(s, [e, e], { expectedRevision: 'no-stream' }), (error: unknown) => {
          assert.ok(error instanceof DuplicateEventIdError);
          assert.equal(error.eventId, e.eventId);
          assert.match(error.message, /more than once in one append/);
          return true;
        });
        assert.deepEqual(await store.readStream(s), []);
        // The id is still free.
        assert.equal((await store.appendToStream(s, [e], { expectedRevision: 'no-stream' })).nextExpectedRevision, 0n);
      });

      it('an id already written after another revision is an error, not a silent write', async () => {
        const s = stream('idem-misuse');
        const e = newEvent('A');
        await store.appendToStream(s, [newEvent(), e], { expectedRevision: 'no-stream' });
        // e is at revision 1: a repeat would expect 0; no-stream is another use of the id.
        await assert.rejects(store.appendToStream(s, [e], { expectedRevision: 'no-stream' }), isNamedConflict);
        assert.equal((await store.readStream(s)).length, 2);
      });
    });

    describe('$all', () => {
      it('reads forwards strictly after a position, in commit order, with increasing positions', async () => {
        const s1 = stream('all-1');
        const s2 = stream('all-2');
        const first = await store.appendToStream(s1, [newEvent('AllA')], { expectedRevision: 'no-stream' });
        await store.appendToStream(s2, [newEvent('AllB'), newEvent('AllC')], { expectedRevision: 'no-stream' });
        await store.appendToStream(s1, [newEvent('AllD')], { expectedRevision: 0n });
        const read = await store.readAll({ after: first.position, maxCount: 1000, filter: { streamPrefixes: [`contract_${run}-acme:all-`] } });
        assert.deepEqual(read.map((e) => e.type), ['AllB', 'AllC', 'AllD']);
        for (let i = 1; i < read.length; i++) assert.equal(comparePositions(read[i - 1]!.position, read[i]!.position), -1);
        const page = await store.readAll({ after: first.position, maxCount: 2, filter: { streamPrefixes: [`contract_${run}-acme:all-`] } });
        assert.deepEqual(page.map((e) => e.type), ['AllB', 'AllC']);
      });

      it('filters on the server by event type prefix and by stream prefix', async () => {
        const start = (await store.appendToStream(stream('filter-0'), [newEvent('Marker')], { expectedRevision: 'any' })).position;
        await store.appendToStream(stream('filter-x'), [newEvent(`${run}Paid`), newEvent(`${run}Shipped`)], { expectedRevision: 'any' });
        await store.appendToStream(stream('filter-y'), [newEvent(`${run}Paid`), newEvent('Other')], { expectedRevision: 'any' });
        const byType = await store.readAll({ after: start, maxCount: 100, filter: { eventTypePrefixes: [`${run}Pa`] } });
        assert.deepEqual(byType.map((e) => [e.streamId, e.type]), [[stream('filter-x'), `${run}Paid`], [stream('filter-y'), `${run}Paid`]]);
        const byStream = await store.readAll({ after: start, maxCount: 100, filter: { streamPrefixes: [stream('filter-y')] } });
        assert.deepEqual(byStream.map((e) => e.type), [`${run}Paid`, 'Other']);
        const both = await store.readAll({ after: START, maxCount: 100, filter: { streamPrefixes: [stream('filter-x')], eventTypePrefixes: [`${run}Sh`] } });
        assert.deepEqual(both.map((e) => e.type), [`${run}Shipped`]);
      });

      it('filters on the server by exact event types (a longer type with the same start is left out)', async () => {
        const start = (await store.appendToStream(stream('exact-0'), [newEvent('Marker')], { expectedRevision: 'any' })).position;
        await store.appendToStream(stream('exact-x'), [newEvent(`${run}Paid`), newEvent(`${run}PaidTwice`), newEvent(`${run}Shipped`)], { expectedRevision: 'any' });
        const exact = await store.readAll({ after: start, maxCount: 100, filter: { eventTypes: [`${run}Paid`, `${run}Shipped`] } });
        assert.deepEqual(exact.map((e) => e.type), [`${run}Paid`, `${run}Shipped`]);
        const subscription = store.subscribeToAll({ after: start, filter: { eventTypes: [`${run}PaidTwice`] } });
        try {
          for await (const event of subscription) {
            assert.equal(event.type, `${run}PaidTwice`);
            break;
          }
        } finally {
          await subscription.close();
        }
      });
    });

    describe('stream metadata, soft delete and tombstone', () => {
      it('sets and reads metadata, checking the metadata revision', async () => {
        const s = stream('meta');
        assert.deepEqual((await store.getStreamMetadata(s)).metadata, {});
        const first = await store.setStreamMetadata(s, { maxCount: 10, custom: { owner: 'ops' } }, { expectedRevision: 'no-stream' });
        assert.equal(first.metadataRevision, 0n);
        const read = await store.getStreamMetadata(s);
        assert.deepEqual(read.metadata, { maxCount: 10, custom: { owner: 'ops' } });
        assert.equal(read.metadataRevision, 0n);
        await assert.rejects(store.setStreamMetadata(s, { maxCount: 5 }, { expectedRevision: 'no-stream' }), WrongExpectedRevisionError);
        assert.equal((await store.setStreamMetadata(s, { maxCount: 5 }, { expectedRevision: 0n })).metadataRevision, 1n);
      });

      it('maxCount and truncateBefore hide older events from stream reads', async () => {
        const s = stream('limits');
        await store.appendToStream(s, Array.from({ length: 6 }, (_, i) => newEvent('N', { i })), { expectedRevision: 'no-stream' });
        await store.setStreamMetadata(s, { maxCount: 3 });
        assert.deepEqual((await store.readStream(s)).map((e) => Number(e.revision)), [3, 4, 5]);
        assert.deepEqual((await store.readStream(s, { direction: 'backwards' })).map((e) => Number(e.revision)), [5, 4, 3]);
        await store.setStreamMetadata(s, { truncateBefore: 5n });
        assert.deepEqual((await store.readStream(s)).map((e) => Number(e.revision)), [5]);
      });

      it('maxAge hides events older than it', async () => {
        const s = stream('max-age');
        await store.appendToStream(s, [newEvent('Old')], { expectedRevision: 'no-stream' });
        await new Promise((resolve) => setTimeout(resolve, 2100));
        await store.appendToStream(s, [newEvent('New')], { expectedRevision: 0n });
        await store.setStreamMetadata(s, { maxAge: 1 });
        assert.deepEqual((await store.readStream(s)).map((e) => e.type), ['New']);
      });

      it('soft delete: reads are empty; the next append recreates the stream, continuing revisions', async () => {
        const s = stream('soft');
        const written = await store.appendToStream(s, [newEvent('Before'), newEvent('Before')], { expectedRevision: 'no-stream' });
        await store.deleteStream(s, { expectedRevision: 1n });
        assert.deepEqual(await store.readStream(s), []);
        const recreated = await store.appendToStream(s, [newEvent('After')], { expectedRevision: 'no-stream' });
        assert.equal(recreated.nextExpectedRevision, 2n);
        assert.deepEqual((await store.readStream(s)).map((e) => [e.type, e.revision]), [['After', 2n]]);
        assert.equal((await store.getStreamMetadata(s)).metadata.truncateBefore, 2n);
        await assert.rejects(store.appendToStream(s, [newEvent()], { expectedRevision: 'no-stream' }), WrongExpectedRevisionError);
        const inAll = await store.readAll({ after: START, maxCount: 100_000, filter: { streamPrefixes: [s] } });
        assert.ok(inAll.some((e) => e.position.commit === written.position.commit && e.position.prepare === written.position.prepare), 'deleted events stay in $all');
      });

      it('soft delete: stream-exists fails with actual no-stream (append and delete), writing nothing; no-stream, any and the last revision recreate it', async () => {
        const softDeleted = async (label: string) => {
          const s = stream(label);
          await store.appendToStream(s, [newEvent('Before'), newEvent('Before')], { expectedRevision: 'no-stream' });
          await store.deleteStream(s);
          return s;
        };
        const s = await softDeleted('soft-exists');
        const existsRefused = (error: unknown) => {
          assert.ok(error instanceof WrongExpectedRevisionError);
          assert.deepEqual([error.streamId, error.expected, error.actual], [s, 'stream-exists', 'no-stream']);
          return true;
        };
        await assert.rejects(store.appendToStream(s, [newEvent()], { expectedRevision: 'stream-exists' }), existsRefused);
        await assert.rejects(store.deleteStream(s, { expectedRevision: 'stream-exists' }), existsRefused);
        for (const [label, expectedRevision] of [['soft-exists', 1n], ['soft-no-stream', 'no-stream'], ['soft-any', 'any']] as const) {
          // soft-exists: its last revision is still 1, so nothing was written by the refused calls.
          const recreated = label === 'soft-exists' ? s : await softDeleted(label);
          assert.equal((await store.appendToStream(recreated, [newEvent('After')], { expectedRevision })).nextExpectedRevision, 2n, label);
          assert.deepEqual((await store.readStream(recreated)).map((e) => [e.type, e.revision]), [['After', 2n]], label);
        }
      });

      it('soft delete checks the expected revision', async () => {
        const s = stream('soft-conflict');
        await store.appendToStream(s, [newEvent()], { expectedRevision: 'no-stream' });
        await assert.rejects(store.deleteStream(s, { expectedRevision: 4n }), WrongExpectedRevisionError);
        assert.equal((await store.readStream(s)).length, 1);
      });

      it('tombstone: reading, appending and metadata throw StreamDeletedError for ever', async () => {
        const s = stream('tomb');
        await store.appendToStream(s, [newEvent()], { expectedRevision: 'no-stream' });
        await store.tombstoneStream(s, { expectedRevision: 0n });
        await assert.rejects(store.readStream(s), StreamDeletedError);
        await assert.rejects(store.appendToStream(s, [newEvent()], { expectedRevision: 'any' }), StreamDeletedError);
        await assert.rejects(store.appendToStream(s, [newEvent()], { expectedRevision: 'no-stream' }), StreamDeletedError);
        await assert.rejects(store.getStreamMetadata(s), StreamDeletedError);
      });
    });

    describe('subscriptions', () => {
      it('catches up from a checkpoint, then delivers new events live, and closes', async () => {
        const s = stream('sub');
        const prefix = { streamPrefixes: [s] };
        const first = await store.appendToStream(s, [newEvent('S0')], { expectedRevision: 'no-stream' });
        await store.appendToStream(s, [newEvent('S1'), newEvent('S2')], { expectedRevision: 0n });
        const subscription = store.subscribeToAll({ after: first.position, filter: prefix });
        const iterator = subscription[Symbol.asyncIterator]();
        assert.deepEqual((await take(iterator, 2)).map((e) => e.type), ['S1', 'S2']);
        const pending = take(iterator, 2);
        await store.appendToStream(s, [newEvent('S3')], { expectedRevision: 2n });
        await store.appendToStream(s, [newEvent('S4')], { expectedRevision: 3n });
        const live = await pending;
        assert.deepEqual(live.map((e) => [e.type, e.revision]), [['S3', 3n], ['S4', 4n]]);
        await subscription.close();
        assert.equal((await iterator.next()).done, true);
      });

      it('resumes from a checkpoint without repeating or skipping', async () => {
        const s = stream('resume');
        await store.appendToStream(s, Array.from({ length: 6 }, (_, i) => newEvent('R', { i })), { expectedRevision: 'no-stream' });
        const one = store.subscribeToAll({ filter: { streamPrefixes: [s] }, pageSize: 2 });
        const firstHalf = await take(one[Symbol.asyncIterator](), 3);
        await one.close();
        const checkpoint: Position = firstHalf.at(-1)!.position;
        const two = store.subscribeToAll({ after: checkpoint, filter: { streamPrefixes: [s] }, pageSize: 2 });
        const rest = await take(two[Symbol.asyncIterator](), 3);
        await two.close();
        assert.deepEqual([...firstHalf, ...rest].map((e) => (e.data as { i: number }).i), [0, 1, 2, 3, 4, 5]);
      });
    });

    describe('schema versions', () => {
      it('reads a stored v1 event as v2 through an upcaster; new events are written at v2', async () => {
        const s = stream('upcast');
        await store.appendToStream(s, [newEvent(`${run}Renamed`, { name: 'Ada Lovelace' }, { schemaVersion: 1 })], { expectedRevision: 'no-stream' });
        const upcasters = new Upcasters().register(`${run}Renamed`, 1, (data) => {
          const [first = '', ...rest] = String(data.name).split(' ');
          return { firstName: first, lastName: rest.join(' ') };
        });
        const upgraded = await factory({ upcasters });
        try {
          await upgraded.store.appendToStream(s, [newEvent(`${run}Renamed`, { firstName: 'Grace', lastName: 'Hopper' })], { expectedRevision: 0n });
          const events = await upgraded.store.readStream(s);
          assert.deepEqual(events.map((e) => [e.schemaVersion, e.data]), [
            [2, { firstName: 'Ada', lastName: 'Lovelace' }],
            [2, { firstName: 'Grace', lastName: 'Hopper' }],
          ]);
          const [fromAll] = await upgraded.store.readAll({ after: START, maxCount: 1, filter: { streamPrefixes: [s] } });
          assert.deepEqual(fromAll?.data, { firstName: 'Ada', lastName: 'Lovelace' });
        } finally {
          await upgraded.close();
        }
        // The stored event itself is unchanged: a store without the upcaster still reads v1.
        assert.deepEqual((await store.readStream(s))[0]?.data, { name: 'Ada Lovelace' });
      });
    });
  });
}
