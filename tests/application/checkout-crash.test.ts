import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as commerce from '../../src/application/commerce/index.js';
import { CheckoutProcessManager, type CheckoutStep } from '../../src/application/process-managers/checkout/index.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { CARD_PART, checkoutInput, ORDER_ID, scenarioContext, setUpScenario, snapshot } from './fixtures/checkout-scenario.js';

/*
 * A crash half-way resumes from the process stream and ends in the same state as an
 * uninterrupted run. Two ways of crashing:
 * - injected: a hook throws right before or right after each step's command is sent (after:
 *   the command's events are appended but the process has not recorded it — the worst case),
 *   then a fresh manager resumes from the stream;
 * - killed: the manager runs in a child process that is SIGKILLed at random points, then
 *   started again until it settles.
 * Every run happens in its own tenant; the final streams (types and data) are compared with
 * an uninterrupted run's.
 */

class Crash extends Error {
  override readonly name = 'Crash';
}

/** A manager that crashes at the `at`-th hook call (`where`: before or after sending). */
function crashingManager(f: CommerceFixture, where: 'before' | 'after', at: number, calls: { n: number }): CheckoutProcessManager {
  const maybeCrash = (_step: CheckoutStep) => {
    calls.n += 1;
    if (calls.n === at) throw new Crash(`crash ${where} call ${at}`);
  };
  return new CheckoutProcessManager(f.handler, { hooks: where === 'before' ? { beforeSend: maybeCrash } : { afterSend: maybeCrash } });
}

const ignoreCrash = (error: unknown) => {
  if (!(error instanceof Crash)) throw error;
};

/** The scenario with decline (full compensation) or capture (confirmation), crashing per `manager`. */
async function runScenario(f: CommerceFixture, tenantId: string, outcome: 'declined' | 'captured', manager?: CheckoutProcessManager): Promise<void> {
  const resume = () => new CheckoutProcessManager(f.handler).drive(tenantId, ORDER_ID);
  await setUpScenario(f.handler, tenantId);
  await commerce.checkout(f.handler, scenarioContext(tenantId, 'checkout'), checkoutInput, manager ? { manager } : {}).catch(ignoreCrash);
  await resume();
  await commerce
    .recordPaymentResult(
      f.handler,
      scenarioContext(tenantId, 'payment'),
      { orderId: ORDER_ID, method: 'card', reference: 'psp-crash', amount: CARD_PART, outcome, ...(outcome === 'declined' ? { reason: 'do not honour' } : {}) },
      manager ? { manager } : {},
    )
    .catch(ignoreCrash);
  await resume();
}

describe('checkout process: a crash half-way resumes to the same end', { timeout: 300_000 }, () => {
  let f: CommerceFixture;
  const reference: Record<'declined' | 'captured', string[]> = { declined: [], captured: [] };
  before(async () => {
    f = await createCommerceFixture();
    for (const outcome of ['declined', 'captured'] as const) {
      await runScenario(f, `ref-${outcome}`, outcome);
      reference[outcome] = await snapshot(f.store, `ref-${outcome}`);
    }
  });
  after(() => f.database.drop());

  it('the uninterrupted runs end as expected', () => {
    const declined = reference.declined.join('\n');
    assert.match(declined, /OrderCancelled .*payment-declined: do not honour/);
    assert.match(declined, /CouponRedemptionReleased/);
    assert.match(declined, /WalletRefunded/);
    assert.match(declined, /BasketReopened/);
    assert.match(declined, /CheckoutCompensated/);
    assert.match(reference.captured.join('\n'), /OrderPaymentConfirmed/);
    assert.match(reference.captured.join('\n'), /CheckoutCompleted/);
    const orders = reference.captured.filter((l) => l.startsWith('order-T'));
    assert.deepEqual(orders.map((l) => l.split(' ')[2]), ['OrderPlaced', 'OrderPaymentCaptured', 'OrderPaymentConfirmed']);
  });

  for (const outcome of ['declined', 'captured'] as const) {
    for (const where of ['before', 'after'] as const) {
      it(`${outcome}: a crash ${where} sending each step ends in the same streams`, async () => {
        // 6 forward steps (place, reserve ×2, coupon, wallet, await payment), then 7 compensation
        // steps (declined: cancel, release ×2, coupon, refund, reopen, finish) or 1 confirmation (captured).
        const points = outcome === 'declined' ? 13 : 7;
        for (let at = 1; at <= points; at++) {
          const tenantId = `crash-${outcome.slice(0, 3)}-${where}-${at}`;
          const calls = { n: 0 };
          await runScenario(f, tenantId, outcome, crashingManager(f, where, at, calls));
          assert.ok(calls.n >= at, `crash point ${at} was reached (${calls.n} hook calls)`);
          assert.deepEqual(await snapshot(f.store, tenantId), reference[outcome], `crash ${where} step ${at}`);
        }
      });
    }
  }

  it('SIGKILLed at random points, the process resumes from its stream and ends the same', async () => {
    const tenantId = 'killed';
    await setUpScenario(f.handler, tenantId);
    // Check the basket out and start the process, but let the child processes run it.
    const stopAtOnce = new CheckoutProcessManager(f.handler, {
      hooks: {
        beforeSend: () => {
          throw new Crash('leave it to the child');
        },
      },
    });
    await commerce.checkout(f.handler, scenarioContext(tenantId, 'checkout'), checkoutInput, { manager: stopAtOnce }).catch(ignoreCrash);
    const killed = await driveWithKills(f.database.url, tenantId, 'awaiting-payment');
    await commerce
      .recordPaymentResult(
        f.handler,
        scenarioContext(tenantId, 'payment'),
        { orderId: ORDER_ID, method: 'card', reference: 'psp-crash', amount: CARD_PART, outcome: 'captured' },
        { manager: stopAtOnce },
      )
      .catch(ignoreCrash);
    const killedAgain = await driveWithKills(f.database.url, tenantId, 'completed');
    assert.ok(killed + killedAgain >= 3, `only ${killed + killedAgain} kills landed`);
    assert.deepEqual(await snapshot(f.store, tenantId), reference.captured);
  });
});

const DRIVER = fileURLToPath(new URL('./fixtures/drive-checkout.ts', import.meta.url));

/**
 * Runs the driver child until it settles in `status`, SIGKILLing it (the first few times)
 * a random 0–20 ms after it announces its first or second step, so the kill lands inside a
 * step (before, during or just after its command) however fast the steps run; then lets it
 * finish.
 * @returns how many runs were killed before finishing
 */
async function driveWithKills(url: string, tenantId: string, status: string): Promise<number> {
  let kills = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    const killThisOne = attempt < 6;
    const { settled, wasKilled } = await new Promise<{ settled: string | undefined; wasKilled: boolean }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', DRIVER, url, tenantId, ORDER_ID], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      let timer: NodeJS.Timeout | undefined;
      const killAtStep = 1 + Math.floor(Math.random() * 2);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const steps = out.split('\n').filter((line) => line.startsWith('step ')).length;
        if (killThisOne && timer === undefined && steps >= killAtStep) {
          timer = setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 20));
        }
      });
      child.on('error', reject);
      child.on('exit', (_code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({ settled: /settled (\S+)/.exec(out)?.[1], wasKilled: signal === 'SIGKILL' });
      });
    });
    if (wasKilled) kills++;
    if (settled !== undefined && !wasKilled) {
      assert.equal(settled, status);
      return kills;
    }
  }
  throw new Error('the driver never settled');
}
