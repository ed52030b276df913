import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CommandContext } from '../../src/application/command-context.js';
import * as commerce from '../../src/application/commerce/index.js';
import { OrderShipmentProcessManager, orderShipmentSubscriber } from '../../src/application/process-managers/order-shipment/index.js';
import { formatPosition } from '../../src/application/ports/event-store.js';
import { stockDecider } from '../../src/domain/stock/index.js';
import { commandOk, createHarness, type Harness } from '../http/harness.js';
import { InterceptingHandler, lostConnection } from '../support/intercepting-handler.js';

/*
 * A ship interrupted half-way (the service died after `OrderShipped` and one of the order's
 * three stock shipments) leaves no units reserved for ever: the same ship sent again, or the
 * order-shipment process manager, ships the rest, once.
 */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const SKUS = ['A', 'B', 'C'];

describe('a ship interrupted after OrderShipped is completed', () => {
  let h: Harness;
  let admin: string;
  /** ShipStock commands left before the handler "dies" (throws a lost connection) once; Infinity: never. */
  let crashAfter = Number.POSITIVE_INFINITY;
  before(async () => {
    h = await createHarness({
      handler: (store) =>
        new InterceptingHandler(store, (command) => {
          if (command.type === 'ShipStock' && crashAfter-- === 0) throw lostConnection();
        }),
    });
    admin = h.token('acme', 'admin-1', ['admin']);
  });
  after(() => h.close());

  const context = (): CommandContext => ({ tenantId: 'acme', actor: 'user:test', correlationId: randomUUID(), commandId: randomUUID(), occurredAt: '2026-11-21T10:00:00.000+03:00' });
  const stock = async (orderId: string, sku: string) => (await h.handler.load(stockDecider, commerce.stockStream('acme', `${orderId}-${sku}`, 'main'))).state;
  /** The order's `OrderShipped`, or its `StockShipped` in SKU order (the order they are shipped in). */
  const events = async (orderId: string, type: 'OrderShipped' | 'StockShipped') => {
    const streams = type === 'OrderShipped' ? [commerce.orderStream('acme', orderId)] : SKUS.map((sku) => commerce.stockStream('acme', `${orderId}-${sku}`, 'main'));
    return (await Promise.all(streams.map((s) => h.store.readStream(s)))).flat().filter((e) => e.type === type && e.data.orderId === orderId);
  };

  /** A paid order of one unit of each of three SKUs (10 on hand each), whose ship died after `OrderShipped` and one `StockShipped`. */
  async function halfShipped(orderId: string): Promise<void> {
    for (const sku of SKUS) {
      await commerce.registerProduct(h.handler, context(), { sku: `${orderId}-${sku}`, name: sku, category: 'books', price: TRY(1_000) });
      await commerce.receiveStock(h.handler, context(), { sku: `${orderId}-${sku}`, warehouseId: 'main', quantity: 10, reference: 'po' });
    }
    await commerce.openBasket(h.handler, context(), { basketId: `b-${orderId}`, customerId: 'c-1', currency: 'TRY' });
    for (const sku of SKUS) await commerce.addItem(h.handler, context(), { basketId: `b-${orderId}`, sku: `${orderId}-${sku}`, quantity: 1, warehouseId: 'main' });
    const payment = { external: { method: 'card' as const, reference: `psp-${orderId}`, captured: true } };
    await commerce.checkout(h.handler, context(), { basketId: `b-${orderId}`, orderId, shipping: TRY(0), payment });
    crashAfter = 1;
    const crashed = await h.command(admin, 'orders/ship', { orderId });
    assert.equal(crashed.statusCode, 500, crashed.body);
    crashAfter = Number.POSITIVE_INFINITY;
    assert.deepEqual([(await events(orderId, 'OrderShipped')).length, (await events(orderId, 'StockShipped')).length], [1, 1], 'the ship died half-way');
  }

  /** Every SKU shipped its unit once: 9 on hand, nothing reserved. */
  async function assertShipped(orderId: string): Promise<void> {
    for (const sku of SKUS) {
      const { onHand, reserved } = await stock(orderId, sku);
      assert.deepEqual({ sku, onHand, reserved }, { sku, onHand: 9, reserved: 0 });
    }
    assert.equal((await events(orderId, 'StockShipped')).length, 3);
  }

  it('sent again: 200, the rest of the stock shipped once, answered with the original OrderShipped revision', async () => {
    await halfShipped('o-1');
    const [shipped] = await events('o-1', 'OrderShipped');
    const again = await commandOk(h, admin, 'orders/ship', { orderId: 'o-1' });
    await assertShipped('o-1');
    const last = (await events('o-1', 'StockShipped')).at(-1)!;
    assert.deepEqual([again.revision, again.position], [shipped!.revision.toString(), formatPosition(last.position)], 'the position of the shipments it made');

    const third = await commandOk(h, admin, 'orders/ship', { orderId: 'o-1' });
    await assertShipped('o-1');
    assert.deepEqual([third.revision, third.position], [shipped!.revision.toString(), formatPosition(shipped!.position)], 'nothing missing: the original answer');
  });

  it('with no retry: the order-shipment process manager ships the rest, once', async () => {
    await halfShipped('o-2');
    const manager = new OrderShipmentProcessManager(h.handler);
    await orderShipmentSubscriber(h.store, manager).catchUp();
    await assertShipped('o-2');
    await orderShipmentSubscriber(h.store, manager).catchUp();
    await assertShipped('o-2');
  });

});
