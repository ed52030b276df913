import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { walletStream } from '../../src/application/commerce/streams.js';
import { walletDecider } from '../../src/domain/wallet/index.js';
import { commandOk, commandProblem, createHarness, type Harness } from './harness.js';

/*
 * `POST /commands/wallets/credit` names each credit (`creditId`, derived from the command id when
 * absent): the same credit sent twice (a double click, a retry after a timeout, without an
 * Idempotency-Key) is credited once; the same id with other content is 409 credit-exists.
 */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('HTTP: wallets/credit is applied once per creditId', () => {
  let h: Harness;
  let admin: string;
  before(async () => {
    h = await createHarness();
    admin = h.token('acme', 'admin-1', ['admin']);
    await commandOk(h, admin, 'wallets/open', { customerId: 'alice', currency: 'TRY' });
  });
  after(() => h.close());

  const balance = async () => (await h.handler.load(walletDecider, walletStream('acme', 'alice'))).state.balance;

  it('the same credit sent twice credits once and answers 200 with the original revision both times', async () => {
    const body = { customerId: 'alice', creditId: 'CR-1', amount: TRY(5_000), reason: 'gift', reference: 'goodwill-1' };
    const first = await commandOk(h, admin, 'wallets/credit', body);
    assert.equal(first.creditId, 'CR-1');
    await commandOk(h, admin, 'wallets/credit', { ...body, creditId: 'CR-2', amount: TRY(100) }); // the stream moves on meanwhile
    const events = await h.eventCount();
    const again = await commandOk(h, admin, 'wallets/credit', body);
    assert.deepEqual(again, first);
    assert.equal(await h.eventCount(), events, 'nothing appended');
    assert.equal(await balance(), 5_100);
  });

  it('the same creditId with another amount, reason or reference is 409 credit-exists and appends nothing', async () => {
    const events = await h.eventCount();
    const body = { customerId: 'alice', creditId: 'CR-1', amount: TRY(5_000), reason: 'gift', reference: 'goodwill-1' };
    for (const other of [{ amount: TRY(6_000) }, { reason: 'adjustment' }, { reference: 'goodwill-2' }]) {
      const problem = await commandProblem(h, admin, 'wallets/credit', { ...body, ...other }, 409, 'credit-exists');
      assert.deepEqual(problem.details, { creditId: 'CR-1' });
    }
    assert.equal(await h.eventCount(), events);
    assert.equal(await balance(), 5_100);
  });

  it('without a creditId the answer names the one derived, which a retry may send', async () => {
    const body = { customerId: 'alice', amount: TRY(700), reason: 'adjustment', reference: 'fix-1' };
    const first = await commandOk(h, admin, 'wallets/credit', body);
    assert.match(String(first.creditId), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const events = await h.eventCount();
    assert.deepEqual(await commandOk(h, admin, 'wallets/credit', { ...body, creditId: first.creditId }), first);
    assert.equal(await h.eventCount(), events);
    assert.equal(await balance(), 5_800);
  });
});
