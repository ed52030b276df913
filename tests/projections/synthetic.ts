import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../../src/application/ports/event-store.js';

/** A small deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Appends a synthetic, consistent commerce history of raw events for `tenants`: products
 * with stock, wallets, baskets and orders (placed, paid, shipped, delivered or cancelled
 * with releases and refunds). Several events per append, so thousands of events take
 * seconds. Deterministic for a seed (ids aside).
 * @returns events appended
 */
export async function appendSyntheticHistory(store: EventStore, options: { orders: number; tenants?: readonly string[]; seed?: number }): Promise<number> {
  const rnd = random(options.seed ?? 7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  let count = 0;
  const append = async (tenantId: string, streamId: string, events: { type: string; data: Record<string, unknown>; at: string }[]) => {
    const batch: NewEvent[] = events.map((e) => ({
      eventId: randomUUID(),
      type: e.type,
      data: e.data,
      metadata: { tenantId, actor: 'test', correlationId: 'synthetic', causationId: 'synthetic', occurredAt: e.at },
    }));
    await store.appendToStream(streamId, batch, { expectedRevision: 'any' });
    count += batch.length;
  };
  for (const tenant of options.tenants ?? ['acme', 'globex']) {
    const skus = Array.from({ length: 40 }, (_, i) => ({ sku: `S${i}`, price: 100 + Math.floor(rnd() * 5000), category: pick(['home/kitchen', 'home/garden', 'office', 'toys']) }));
    const day = (n: number, h: number) => `2026-0${1 + (n % 9)}-${String(1 + (n % 27)).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00.000+03:00`;
    for (const p of skus) {
      await append(tenant, `product-${tenant}:${p.sku}`, [{ type: 'ProductRegistered', data: { sku: p.sku, name: `Item ${p.sku}`, category: p.category, price: { minor: p.price, currency: 'TRY' } }, at: day(0, 8) }]);
      await append(tenant, `stock-${tenant}:${p.sku}@w1`, [{ type: 'StockReceived', data: { sku: p.sku, warehouseId: 'w1', quantity: 1000, reference: 'init', onHand: 1000 }, at: day(0, 8) }]);
    }
    const held = new Map<string, number>();
    for (let n = 0; n < options.orders; n++) {
      const customer = `c${Math.floor(rnd() * options.orders * 0.6)}`;
      const at = day(n, 8 + Math.floor(rnd() * 14));
      const orderId = `o${n}`;
      const chosen = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(skus)))];
      const lines = chosen.map((p) => {
        const quantity = 1 + Math.floor(rnd() * 3);
        return { sku: p.sku, name: `Item ${p.sku}`, category: p.category, warehouseId: 'w1', unitPrice: { minor: p.price, currency: 'TRY' }, quantity, lineTotal: { minor: p.price * quantity, currency: 'TRY' } };
      });
      const subtotal = lines.reduce((s, l) => s + l.lineTotal.minor, 0);
      const wallet = rnd() < 0.3 ? Math.min(subtotal, 500) : 0;
      if (wallet > 0) {
        const events = [{ type: 'WalletCredited', data: { walletId: customer, amount: { minor: wallet, currency: 'TRY' }, reason: pick(['top-up', 'voucher', 'gift']), reference: 'r', balance: { minor: wallet, currency: 'TRY' } }, at }];
        if (!held.has(customer)) events.unshift({ type: 'WalletOpened', data: { walletId: customer, customerId: customer, currency: 'TRY' } as never, at });
        held.set(customer, 1);
        await append(tenant, `wallet-${tenant}:${customer}`, events);
      }
      await append(tenant, `basket-${tenant}:b${n}`, [{ type: 'BasketOpened', data: { basketId: `b${n}`, customerId: customer, currency: 'TRY' }, at }]);
      if (rnd() < 0.15) continue; // left open
      await append(tenant, `order-${tenant}:${orderId}`, [
        { type: 'OrderPlaced', data: { orderId, customerId: customer, basketId: `b${n}`, lines, subtotal: { minor: subtotal, currency: 'TRY' }, shipping: { minor: 990, currency: 'TRY' }, total: { minor: subtotal + 990, currency: 'TRY' } }, at },
      ]);
      for (const l of lines) await append(tenant, `stock-${tenant}:${l.sku}@w1`, [{ type: 'StockReserved', data: { sku: l.sku, warehouseId: 'w1', orderId, quantity: l.quantity, available: 0 }, at }]);
      if (wallet > 0) await append(tenant, `wallet-${tenant}:${customer}`, [{ type: 'WalletDebited', data: { walletId: customer, orderId, amount: { minor: wallet, currency: 'TRY' }, balance: { minor: 0, currency: 'TRY' } }, at }]);
      await append(tenant, `basket-${tenant}:b${n}`, [{ type: 'BasketCheckedOut', data: { basketId: `b${n}`, orderId, customerId: customer, lines: [], subtotal: { minor: subtotal, currency: 'TRY' } }, at }]);
      const fate = rnd();
      if (fate < 0.2) {
        await append(tenant, `order-${tenant}:${orderId}`, [{ type: 'OrderCancelled', data: { orderId, reason: 'changed mind', previousStatus: 'pending' }, at }]);
        for (const l of lines) await append(tenant, `stock-${tenant}:${l.sku}@w1`, [{ type: 'StockReleased', data: { sku: l.sku, warehouseId: 'w1', orderId, quantity: l.quantity, reason: 'x', available: 0 }, at }]);
        if (wallet > 0) await append(tenant, `wallet-${tenant}:${customer}`, [{ type: 'WalletRefunded', data: { walletId: customer, orderId, amount: { minor: wallet, currency: 'TRY' }, balance: { minor: wallet, currency: 'TRY' } }, at }]);
        continue;
      }
      const steps = [{ type: 'OrderPaymentConfirmed', data: { orderId, payments: [], amount: { minor: subtotal + 990, currency: 'TRY' } }, at }];
      if (fate > 0.4) steps.push({ type: 'OrderShipped', data: { orderId } as never, at });
      if (fate > 0.6) steps.push({ type: 'OrderDelivered', data: { orderId } as never, at });
      await append(tenant, `order-${tenant}:${orderId}`, steps);
      if (fate > 0.4) for (const l of lines) await append(tenant, `stock-${tenant}:${l.sku}@w1`, [{ type: 'StockShipped', data: { sku: l.sku, warehouseId: 'w1', orderId, quantity: l.quantity, onHand: 0 }, at }]);
    }
  }
  return count;
}
