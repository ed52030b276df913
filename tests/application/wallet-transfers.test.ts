import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { CommandContext } from '../../src/application/command-context.js';
import * as commerce from '../../src/application/commerce/index.js';
import { WalletTransferProcessManager, walletTransferSubscriber } from '../../src/application/process-managers/wallet-transfer/index.js';
import { walletDecider } from '../../src/domain/wallet/index.js';
import { startWalletTransferRunner, WALLET_TRANSFER_CHECKPOINT } from '../../src/infrastructure/wallet-transfer-runner.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { InterceptingHandler, lostConnection } from '../support/intercepting-handler.js';
import { isCode } from '../support/domain-errors.js';

/*
 * Wallet transfers move money exactly once: a transfer refused by the receiving wallet and
 * reversed can never credit the receiver afterwards, and every sent transfer ends received or
 * reversed — by the request that sent it or, when that request could not finish (conflicts,
 * lost connection, crash between the two steps), by the wallet-transfer process manager.
 * Each test uses its own tenant.
 */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const T0 = '2026-11-21T10:00:00.000+03:00';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


describe('wallet transfers', { timeout: 120_000 }, () => {
  let f: CommerceFixture;
  before(async () => {
    f = await createCommerceFixture();
  });
  after(async () => {
    await f.store.close();
    await f.database.drop();
  });

  const ctx = (tenantId: string): CommandContext => f.context(T0, tenantId);
  const wallet = (tenantId: string, customerId: string) => f.handler.load(walletDecider, commerce.walletStream(tenantId, customerId)).then((s) => s.state);
  const types = async (tenantId: string, customerId: string) => (await f.store.readStream(commerce.walletStream(tenantId, customerId))).map((e) => e.type);
  const eventCount = async () => (await f.store.readAll({ maxCount: 1_000_000 })).length;
  /** Opens wallets a (holding `balance`) and b in `tenantId`. */
  const twoWallets = async (tenantId: string, balance = 10_000) => {
    await commerce.openWallet(f.handler, ctx(tenantId), { customerId: 'a', currency: 'TRY' });
    await commerce.openWallet(f.handler, ctx(tenantId), { customerId: 'b', currency: 'TRY' });
    await commerce.creditWallet(f.handler, ctx(tenantId), { customerId: 'a', amount: TRY(balance), reason: 'gift', reference: 'seed' });
  };
  /** The process manager run over all of `$all` from the start, as a fresh service would. */
  const settleAll = () => walletTransferSubscriber(f.store, new WalletTransferProcessManager(f.handler)).catchUp();
  /** Only the sending step, as appended by a request whose process died right after it. */
  const sendOnly = (tenantId: string, transferId: string, amount: number, context = ctx(tenantId)) =>
    f.handler.handle(
      walletDecider,
      commerce.walletStream(tenantId, 'a'),
      { type: 'SendTransfer', data: { walletId: 'a', transferId, toWalletId: 'b', amount: TRY(amount) } },
      context,
    );

  describe('a reversed transfer id never moves money again', () => {
    it('given T1 refused by a receiver frozen meanwhile and reversed, when the same transfer is sent again after the unfreeze (new command, or the same one replayed), then transfer-reversed and nothing is appended', async () => {
      await twoWallets('rev');
      let frozen = false;
      const freezingMeanwhile = new InterceptingHandler(f.store, async (command) => {
        if (command.type === 'ReceiveTransfer' && !frozen) {
          frozen = true;
          await commerce.setWalletFrozen(f.handler, ctx('rev'), { customerId: 'b', frozen: true, reason: 'kyc' });
        }
      });
      const first = ctx('rev');
      const input = { fromCustomerId: 'a', toCustomerId: 'b', transferId: 'T1', amount: TRY(1_000) };
      await assert.rejects(commerce.transferBetweenWallets(freezingMeanwhile, first, input), isCode('wallet-frozen'));
      assert.deepEqual((await types('rev', 'a')).slice(-2), ['WalletTransferSent', 'WalletTransferReversed']);
      assert.deepEqual((await types('rev', 'b')).slice(-2), ['WalletFrozen', 'WalletTransferRefused']);
      await commerce.setWalletFrozen(f.handler, ctx('rev'), { customerId: 'b', frozen: false });

      const before = await eventCount();
      await assert.rejects(commerce.transferBetweenWallets(f.handler, ctx('rev'), input), isCode('transfer-reversed', { transferId: 'T1', reason: 'transfer-refused:wallet-frozen' }));
      await assert.rejects(commerce.transferBetweenWallets(f.handler, first, input), isCode('transfer-reversed'));
      assert.equal(await eventCount(), before, 'nothing appended');
      assert.deepEqual([(await wallet('rev', 'a')).balance, (await wallet('rev', 'b')).balance], [10_000, 0]);
    });
  });

  describe('the same transfer sent again answers as the first time (its own events, never later ones)', () => {
    /** Where transfer `transferId` is in the log: its WalletTransferSent's revision on a, its WalletTransferReceived's position on b. */
    const logged = async (tenantId: string, transferId: string) => {
      const of = async (customerId: string, type: string) =>
        (await f.store.readStream(commerce.walletStream(tenantId, customerId))).find((e) => e.type === type && e.data.transferId === transferId)!;
      return { revision: (await of('a', 'WalletTransferSent')).revision, position: (await of('b', 'WalletTransferReceived')).position };
    };
    const answer = (r: commerce.TransferResult) => ({ streamId: r.streamId, revision: r.revision, position: r.position, status: r.status });

    it('given T1 then T4 from a to b, when T1 is sent again under another command id, then it answers T1’s revision and position (not T4’s), appending nothing', async () => {
      await twoWallets('again');
      const t = (transferId: string) => ({ fromCustomerId: 'a', toCustomerId: 'b', transferId, amount: TRY(100) });
      // Counted per stream: a `$all` count may lag behind an append that just committed (watermark).
      const written = async () => [...(await types('again', 'a')), ...(await types('again', 'b'))].length;
      const first = await commerce.transferBetweenWallets(f.handler, ctx('again'), t('T1'));
      await commerce.transferBetweenWallets(f.handler, ctx('again'), t('T4'));
      const before = await written();
      const again = await commerce.transferBetweenWallets(f.handler, ctx('again'), t('T1'));
      assert.equal(await written(), before, 'nothing appended');
      assert.deepEqual(answer(again), answer(first));
      assert.deepEqual(again.events.map((e) => e.type), ['WalletTransferSent']);
      assert.deepEqual({ revision: again.revision, position: again.position }, await logged('again', 'T1'));
      assert.deepEqual([(await wallet('again', 'a')).balance, (await wallet('again', 'b')).balance], [9_800, 200]);
    });

    it('given P2 answered pending and received later by the process manager, then T5 moved money, when P2 is sent again, then it answers P2’s sending revision and its receipt’s position', async () => {
      await twoWallets('again-pm');
      const down = new InterceptingHandler(f.store, (command) => {
        if (command.type === 'ReceiveTransfer') throw lostConnection();
      });
      const t = (transferId: string) => ({ fromCustomerId: 'a', toCustomerId: 'b', transferId, amount: TRY(100) });
      assert.equal((await commerce.transferBetweenWallets(down, ctx('again-pm'), t('P2'), { retries: 0 })).status, 'pending');
      await settleAll();
      await commerce.transferBetweenWallets(f.handler, ctx('again-pm'), t('T5'));
      const again = await commerce.transferBetweenWallets(f.handler, ctx('again-pm'), t('P2'));
      assert.equal(again.status, 'completed');
      assert.deepEqual({ revision: again.revision, position: again.position }, await logged('again-pm', 'P2'));
    });
  });

  describe('every sent transfer ends received or reversed, exactly once', () => {
    it('a receive step failing with a lost connection is retried, and the transfer completes', async () => {
      await twoWallets('flaky');
      let failures = 2;
      const flaky = new InterceptingHandler(f.store, (command) => {
        if (command.type === 'ReceiveTransfer' && failures-- > 0) throw lostConnection();
      });
      const result = await commerce.transferBetweenWallets(flaky, ctx('flaky'), { fromCustomerId: 'a', toCustomerId: 'b', transferId: 'F1', amount: TRY(700) });
      assert.equal(result.status, 'completed');
      assert.deepEqual([(await wallet('flaky', 'a')).balance, (await wallet('flaky', 'b')).balance], [9_300, 700]);
    });

    it('a receive step failing past the retries answers pending with the transferId; the process manager then credits the receiver, once', async () => {
      await twoWallets('pending');
      const down = new InterceptingHandler(f.store, (command) => {
        if (command.type === 'ReceiveTransfer') throw lostConnection();
      });
      const result = await commerce.transferBetweenWallets(down, ctx('pending'), { fromCustomerId: 'a', toCustomerId: 'b', transferId: 'P1', amount: TRY(700) });
      assert.deepEqual([result.status, result.transferId, result.streamId], ['pending', 'P1', commerce.walletStream('pending', 'a')]);
      assert.deepEqual([(await wallet('pending', 'a')).balance, (await wallet('pending', 'b')).balance], [9_300, 0]);

      await settleAll();
      await settleAll();
      assert.deepEqual([(await wallet('pending', 'a')).balance, (await wallet('pending', 'b')).balance], [9_300, 700]);
      assert.deepEqual(await types('pending', 'b'), ['WalletOpened', 'WalletTransferReceived']);
      // Sending the same transfer again now answers completed, moving nothing more.
      const again = await commerce.transferBetweenWallets(f.handler, ctx('pending'), { fromCustomerId: 'a', toCustomerId: 'b', transferId: 'P1', amount: TRY(700) });
      assert.equal(again.status, 'completed');
      assert.deepEqual([(await wallet('pending', 'a')).balance, (await wallet('pending', 'b')).balance], [9_300, 700]);
    });

    it('given a request that died between the two steps, then the process manager receives the transfer with the request’s correlation and business time', async () => {
      await twoWallets('crash');
      const context = ctx('crash');
      await sendOnly('crash', 'C1', 2_500, context);
      await settleAll();
      const received = (await f.store.readStream(commerce.walletStream('crash', 'b'))).at(-1)!;
      assert.equal(received.type, 'WalletTransferReceived');
      assert.deepEqual([received.metadata.actor, received.metadata.correlationId, received.metadata.occurredAt], ['system:wallet-transfer', context.correlationId, T0]);
      assert.deepEqual([(await wallet('crash', 'a')).balance, (await wallet('crash', 'b')).balance], [7_500, 2_500]);
    });

    it('given a sent transfer whose receiver is frozen when the process manager gets to it, then the refusal is recorded and the sender reversed; unfreezing later receives nothing', async () => {
      await twoWallets('refuse');
      await sendOnly('refuse', 'R1', 3_000);
      await commerce.setWalletFrozen(f.handler, ctx('refuse'), { customerId: 'b', frozen: true, reason: 'kyc' });
      await settleAll();
      assert.deepEqual((await types('refuse', 'a')).slice(-2), ['WalletTransferSent', 'WalletTransferReversed']);
      assert.deepEqual((await types('refuse', 'b')).slice(-1), ['WalletTransferRefused']);
      await commerce.setWalletFrozen(f.handler, ctx('refuse'), { customerId: 'b', frozen: false });
      await settleAll();
      await assert.rejects(
        f.handler.handle(walletDecider, commerce.walletStream('refuse', 'b'), { type: 'ReceiveTransfer', data: { walletId: 'b', transferId: 'R1', fromWalletId: 'a', amount: TRY(3_000) } }, ctx('refuse')),
        isCode('transfer-reversed'),
      );
      assert.deepEqual([(await wallet('refuse', 'a')).balance, (await wallet('refuse', 'b')).balance], [10_000, 0]);
    });

    it('40 concurrent transfers, some losing their receive step, with the process manager running alongside: each sent transfer is received or reversed exactly once, and no money is created or lost', async () => {
      const tenant = 'herd';
      await twoWallets(tenant, 1_000);
      // No conflict retries in the handler, and every third receive step loses its connection.
      let n = 0;
      const contended = new InterceptingHandler(
        f.store,
        (command) => {
          if (command.type === 'ReceiveTransfer' && n++ % 3 === 0) throw lostConnection();
        },
        { retries: 0 },
      );
      const subscriber = walletTransferSubscriber(f.store, new WalletTransferProcessManager(f.handler), { retryMinMs: 10 });
      const running = subscriber.run(200);
      const answers = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          commerce.transferBetweenWallets(contended, ctx(tenant), { fromCustomerId: 'a', toCustomerId: 'b', transferId: `H${i}`, amount: TRY(7) }, { retries: 0 }),
        ),
      );
      await sleep(200);
      subscriber.stop();
      await running;
      await settleAll();

      const ids = async (customerId: string, type: string) =>
        (await f.store.readStream(commerce.walletStream(tenant, customerId))).filter((e) => e.type === type).map((e) => String(e.data.transferId));
      const sent = await ids('a', 'WalletTransferSent');
      const received = await ids('b', 'WalletTransferReceived');
      const reversed = await ids('a', 'WalletTransferReversed');
      const settledIds = [...received, ...reversed];
      assert.ok(sent.length > 0);
      assert.ok(
        answers.some((a) => a.status === 'fulfilled' && a.value.status === 'pending'),
        'some answers were pending (the path under test was taken)',
      );
      assert.deepEqual([...settledIds].sort(), [...sent].sort(), 'every sent transfer settled exactly once');
      const [a, b] = [await wallet(tenant, 'a'), await wallet(tenant, 'b')];
      assert.equal(a.balance + b.balance, 1_000, 'no money created or lost');
      assert.deepEqual([a.balance, b.balance], [1_000 - 7 * received.length, 7 * received.length]);
    });
  });

  describe('the wallet-transfer runner started with the service', () => {
    it('settles a transfer left pending while it runs, and keeps its checkpoint', async () => {
      await twoWallets('runner');
      const logs: string[] = [];
      const logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) }));
      const runner = await startWalletTransferRunner({ store: f.store, handler: f.handler, pool: f.database.pool, logger });
      try {
        await sendOnly('runner', `L-${randomUUID()}`, 1_200);
        const deadline = Date.now() + 10_000;
        while ((await wallet('runner', 'b')).balance !== 1_200 && Date.now() < deadline) await sleep(25);
        assert.equal((await wallet('runner', 'b')).balance, 1_200);
      } finally {
        await runner.stop();
      }
      const { rows } = await f.database.pool.query<{ n: string }>('select count(*) as n from process_manager_checkpoints where name = $1', [WALLET_TRANSFER_CHECKPOINT]);
      assert.equal(rows[0]?.n, '1');
      assert.deepEqual(logs, []);
    });
  });
});
