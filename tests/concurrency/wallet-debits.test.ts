import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as commerce from '../../src/application/commerce/index.js';
import { DomainError } from '../../src/domain/shared/index.js';
import { spendableBalance, walletDecider, type WalletEvent } from '../../src/domain/wallet/index.js';
import { createConcurrencyFixture, outcomes, type ConcurrencyFixture } from './support.js';

/*
 * 200 concurrent debits of a wallet that covers 60 of them: exactly 60 succeed, the balance
 * is never below 0 (at any event), and it equals the sum of its events.
 */

const DEBITS = 200;
const COVERED = 60;
const PRICE = 2_500;
const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('concurrency: 200 debits of a wallet covering 60', { timeout: 120_000 }, () => {
  let f: ConcurrencyFixture;
  before(async () => {
    f = await createConcurrencyFixture();
    await commerce.openWallet(f.handler, f.context(), { customerId: 'alice', currency: 'TRY' });
    await commerce.creditWallet(f.handler, f.context(), { customerId: 'alice', amount: TRY(COVERED * PRICE), reason: 'top-up', reference: 'psp-1' });
  });
  after(() => f.close());

  it('exactly 60 succeed, the rest are refused for insufficient funds', async () => {
    const started = Date.now();
    const settled = await Promise.allSettled(
      Array.from({ length: DEBITS }, (_, i) => commerce.payFromWallet(f.handler, f.context(), { customerId: 'alice', orderId: `o-${i}`, amount: TRY(PRICE) })),
    );
    const { ok, errors } = outcomes(settled);
    console.log(`200 debits in ${Date.now() - started} ms: ${ok.length} taken, ${errors.length} refused`);
    assert.equal(ok.length, COVERED);
    assert.ok(errors.every((e) => e instanceof DomainError && e.code === 'insufficient-funds'), String(errors.find((e) => !(e instanceof DomainError))));
  });

  it('the balance is never below 0 and equals the sum of the events', async () => {
    const events = await f.store.readStream(commerce.walletStream('acme', 'alice'));
    let state = walletDecider.initialState;
    let sum = 0;
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as unknown as WalletEvent;
      state = walletDecider.evolve(state, event);
      if (event.type === 'WalletCredited') sum += event.data.amount.minor;
      if (event.type === 'WalletDebited') sum -= event.data.amount.minor;
      assert.ok(state.balance >= 0, `negative balance at revision ${recorded.revision}`);
      if ('balance' in event.data) assert.equal(event.data.balance.minor, spendableBalance(state), `balance figure at revision ${recorded.revision}`);
    }
    assert.equal(events.filter((e) => e.type === 'WalletDebited').length, COVERED);
    assert.equal(spendableBalance(state), sum);
    assert.equal(sum, 0);
  });
});
