/**
 * A request that arrives while the server is closing (SIGTERM: requests in flight are answered
 * first) gets a 503 problem the client can act on, never Fastify's plain JSON body.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHarness } from './harness.js';

describe('HTTP during shutdown', () => {
  it('answers 503 shutting-down as application/problem+json with Retry-After while the server closes', async () => {
    const h = await createHarness();
    try {
      const closing = h.server.close();
      const response = await h.server.inject({ method: 'GET', url: '/health' });
      await closing;
      assert.equal(response.statusCode, 503);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal(response.headers['retry-after'], '1');
      const body = JSON.parse(response.body) as { code: string; title: string; status: number };
      assert.deepEqual([body.code, body.title, body.status], ['shutting-down', 'Service shutting down', 503]);
    } finally {
      await h.close();
    }
  });
});
