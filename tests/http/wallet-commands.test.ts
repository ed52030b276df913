import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { walletStream } from '../../src/application/commerce/streams.js';
import { walletDecider } from '../../src/domain/wallet/index.js';
import { InterceptingHandler, lostConnection } from '../support/intercepting-handler.js';
import { commandOk, commandProblem, createHarness, json, type Harness } from './harness.js';

/*
 * The wallet defects as a client saw them over HTTP: a reversed transfer retried, a manual
 * credit that "approved" a top-up request, and requests re-sent under the same id with other
 * content. Each answer is checked with what it appended.
 */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('HTTP: wallet commands append once, and only what they say', () => {
  let h: Harness;
  let admin: string;
  let alice: string;
  before(async () => {
    h = await createHarness({ now: () => new Date('2026-11-21T07:00:00.000Z') });
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
    for (const customerId of ['alice', 'bob']) {
      assert.equal((await h.command(admin, 'wallets/open', { customerId, currency: 'TRY' })).statusCode, 200);
    }
    assert.equal((await h.command(admin, 'wallets/credit', { customerId: 'alice', amount: TRY(100_000), reason: 'gift', reference: 'seed' })).statusCode, 200);
  });
  after(() => h.close());

  const ok = (token: string, path: string, body: unknown) => commandOk(h, token, path, body);
  /** Asserts the problem, and that it appended nothing. */
  const refused = async (token: string, path: string, body: unknown, status: number, code: string) => {
    const before = await h.eventCount();
    const problem = await commandProblem(h, token, path, body, status, code);
    assert.equal(await h.eventCount(), before, `${path} appended nothing`);
    return problem;
  };
  /** Asserts a 200 that appended nothing (an idempotent repeat). */
  const repeated = async (token: string, path: string, body: unknown) => {
    const before = await h.eventCount();
    await ok(token, path, body);
    assert.equal(await h.eventCount(), before, `${path} appended nothing`);
  };
  const wallet = async (customerId: string) => (await h.handler.load(walletDecider, walletStream('acme', customerId))).state;

  it('a transfer reversed because the receiver refused it (amount-out-of-range) answers 409 transfer-reversed when sent again, and credits no one', async () => {
    await ok(admin, 'wallets/open', { customerId: 'rich', currency: 'TRY' });
    await ok(admin, 'wallets/credit', { customerId: 'rich', amount: TRY(Number.MAX_SAFE_INTEGER - 50), reason: 'adjustment', reference: 'x' });
    const transfer = { fromCustomerId: 'alice', toCustomerId: 'rich', amount: TRY(1_000), transferId: 'T1' };
    const first = await h.command(alice, 'wallets/transfer', transfer);
    assert.equal(first.statusCode, 422, first.body);
    assert.equal(json(first).code, 'amount-out-of-range');
    assert.equal((await wallet('alice')).balance, 100_000, 'reversed to the sender');
    await ok(admin, 'wallets/credit', { customerId: 'alice', amount: TRY(1), reason: 'gift', reference: 'y' }); // anything may happen meanwhile
    const problem = await refused(alice, 'wallets/transfer', transfer, 409, 'transfer-reversed');
    assert.deepEqual(problem.details, { transferId: 'T1', reason: 'transfer-refused:amount-out-of-range' });
    assert.equal((await wallet('rich')).balance, Number.MAX_SAFE_INTEGER - 50);
  });

  it('a manual credit with reason top-up naming a pending request settles nothing: the approval still credits the requested amount', async () => {
    await ok(alice, 'wallets/request-top-up', { customerId: 'alice', requestId: 'TU9', amount: TRY(50_000), method: 'card', reference: 'psp-9' });
    const balance = (await wallet('alice')).balance;
    await ok(admin, 'wallets/credit', { customerId: 'alice', amount: TRY(1), reason: 'top-up', reference: 'TU9' });
    const before = await h.eventCount();
    await ok(admin, 'wallets/approve-top-up', { customerId: 'alice', requestId: 'TU9' });
    assert.equal(await h.eventCount(), before + 1, 'the approval appended its credit');
    assert.equal((await wallet('alice')).balance, balance + 1 + 50_000);
    await repeated(admin, 'wallets/approve-top-up', { customerId: 'alice', requestId: 'TU9' });
  });

  it('the same request again is a no-op; the same id with other content is 409 and appends nothing', async () => {
    const lot = { customerId: 'alice', lotId: 'LOT-1', amount: TRY(1_500), expiresAt: '2026-11-30T23:59:59+03:00', reason: 'campaign', reference: 'camp-1' };
    await ok(admin, 'wallets/grant-bonus', lot);
    await repeated(admin, 'wallets/grant-bonus', lot);
    await refused(admin, 'wallets/grant-bonus', { ...lot, amount: TRY(9_999) }, 409, 'bonus-lot-exists');
    await refused(admin, 'wallets/grant-bonus', { ...lot, reference: 'camp-2' }, 409, 'bonus-lot-exists');

    const withdrawal = { customerId: 'alice', requestId: 'WD-1', amount: TRY(2_000), destination: 'TR330006100519786457841326' };
    await ok(alice, 'wallets/request-withdrawal', withdrawal);
    await repeated(alice, 'wallets/request-withdrawal', withdrawal);
    await refused(alice, 'wallets/request-withdrawal', { ...withdrawal, destination: 'TR000000000000000000000001' }, 409, 'request-exists');

    const topUp = { customerId: 'alice', requestId: 'TU-2', amount: TRY(3_000), method: 'card', reference: 'psp-2' };
    await ok(alice, 'wallets/request-top-up', topUp);
    await repeated(alice, 'wallets/request-top-up', topUp);
    await refused(alice, 'wallets/request-top-up', { ...topUp, method: 'bank-transfer' }, 409, 'request-exists');
    await refused(alice, 'wallets/request-top-up', { ...topUp, reference: 'psp-3' }, 409, 'request-exists');
  });
});

describe('HTTP: a transfer whose receiving side cannot be settled during the request', () => {
  let h: Harness;
  let alice: string;
  let receiverDown = false;
  before(async () => {
    h = await createHarness({
      handler: (store) =>
        new InterceptingHandler(store, (command) => {
          if (command.type === 'ReceiveTransfer' && receiverDown) throw lostConnection();
        }),
    });
    const admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
    for (const customerId of ['alice', 'bob']) assert.equal((await h.command(admin, 'wallets/open', { customerId, currency: 'TRY' })).statusCode, 200);
    assert.equal((await h.command(admin, 'wallets/credit', { customerId: 'alice', amount: TRY(10_000), reason: 'gift', reference: 'seed' })).statusCode, 200);
  });
  after(() => h.close());
  const balance = async (customerId: string) => (await h.handler.load(walletDecider, walletStream('acme', customerId))).state.balance;

  it('answers 200 completed when the receiver is credited', async () => {
    const response = await h.command(alice, 'wallets/transfer', { fromCustomerId: 'alice', toCustomerId: 'bob', amount: TRY(100), transferId: 'T-ok' });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual([json(response).status, json(response).transferId], ['completed', 'T-ok']);
  });

  it('answers 202 pending with the transferId; the same body again completes it, crediting once', async () => {
    receiverDown = true;
    const body = { fromCustomerId: 'alice', toCustomerId: 'bob', amount: TRY(700) };
    const pending = await h.command(alice, 'wallets/transfer', body);
    assert.equal(pending.statusCode, 202, pending.body);
    const { status, transferId } = json<{ status: string; transferId: string }>(pending);
    assert.equal(status, 'pending');
    assert.deepEqual([await balance('alice'), await balance('bob')], [9_200, 100], 'the sender is debited, the receiver not yet');
    receiverDown = false;
    const again = await h.command(alice, 'wallets/transfer', { ...body, transferId });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(json(again).status, 'completed');
    assert.deepEqual([await balance('alice'), await balance('bob')], [9_200, 800], 'moved once');
  });
});
