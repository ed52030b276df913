import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validate, compileErrors } from '@readme/openapi-parser';
import type { FastifyInstance } from 'fastify';
import { commandProblem, createHarness, json, type Harness } from './harness.js';

interface Operation {
  readonly requestBody?: { content: Record<string, { schema: Schema }> };
  readonly parameters?: readonly { name: string; in: string; required?: boolean }[];
  readonly responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  readonly security?: readonly unknown[];
  readonly 'x-roles'?: readonly string[];
}
interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly properties?: Record<string, Schema>;
  readonly required?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
}
interface Document {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { schemas: Record<string, Schema>; securitySchemes: Record<string, { type: string; scheme: string }> };
  readonly security: readonly Record<string, unknown>[];
}

/**
 * Every `METHOD /path` Fastify has registered, read from `printRoutes` (a tree: each line
 * indents 4 characters per level and adds its segment to its parent's path), `:param` as `{param}`.
 */
function registeredRoutes(server: FastifyInstance): string[] {
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of server.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (parents[depth - 1] ?? '') + match[2]!;
    parents[depth] = path;
    parents.length = depth + 1;
    for (const method of match[3]?.split(', ') ?? []) routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return routes;
}

describe('OpenAPI document (GET /openapi.json)', () => {
  let h: Harness;
  let doc: Document;

  before(async () => {
    h = await createHarness();
    const response = await h.server.inject({ method: 'GET', url: '/openapi.json' }); // no token
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    doc = json<Document>(response);
  });
  after(() => h.close());

  const operation = (method: string, path: string): Operation => {
    const found = doc.paths[path]?.[method];
    assert.ok(found, `${method} ${path} is in the document`);
    return found;
  };

  it('is served without a token and is a valid OpenAPI 3.1 document with bearer auth', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const result = await validate(structuredClone(doc) as never);
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
    assert.deepEqual([doc.components.securitySchemes.bearerAuth?.type, doc.components.securitySchemes.bearerAuth?.scheme], ['http', 'bearer']);
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
    assert.deepEqual(operation('get', '/openapi.json').security, [], 'the document itself needs no token');
  });

  it('lists every route Fastify registered with its method, and no other', () => {
    const registered = registeredRoutes(h.server);
    assert.ok(registered.includes('POST /commands/baskets/open-guest') && registered.includes('GET /queries/segments/customers/{customerId}'), registered.join('\n'));
    // Fastify answers HEAD on every GET route by itself; the document lists the GET.
    for (const route of registered.filter((r) => r.startsWith('HEAD '))) assert.ok(registered.includes(route.replace('HEAD', 'GET')), route);
    const routes = registered.filter((r) => !r.startsWith('HEAD ')).sort();
    const documentedRoutes = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    assert.deepEqual(documentedRoutes, routes);
    assert.ok(routes.filter((r) => r.startsWith('POST /commands/')).length >= 40);
  });

  it('gives every command its body schema, roles, CommandResponse and the problem answers; 202 on the two transfers', () => {
    const problemStatuses = ['400', '401', '403', '404', '405', '409', '413', '415', '422', '429'];
    for (const [path, item] of Object.entries(doc.paths).filter(([p]) => p.startsWith('/commands/'))) {
      const post = item.post!;
      assert.equal(post.requestBody?.content['application/json']?.schema.type, 'object', path);
      assert.ok(post['x-roles'] && post['x-roles'].length > 0, path);
      assert.equal(post.security, undefined, `${path}: the document's bearer auth applies`);
      assert.equal(post.responses['200']?.content?.['application/json']?.schema.$ref, '#/components/schemas/CommandResponse', path);
      for (const status of problemStatuses) assert.equal(post.responses[status]?.content?.['application/problem+json']?.schema.$ref, '#/components/schemas/Problem', `${path} ${status}`);
      const accepted = path === '/commands/wallets/transfer' || path === '/commands/stock/transfer';
      assert.equal(post.responses['202'] !== undefined, accepted, `${path}: 202`);
    }
    assert.deepEqual(doc.components.schemas.CommandResponse?.required, ['streamId', 'revision', 'position']);
    assert.deepEqual(doc.components.schemas.Problem?.required, ['type', 'code', 'title', 'status', 'detail', 'requestId']);
    assert.deepEqual(Object.keys(doc.components.schemas.Problem?.properties ?? {}).filter((k) => ['field', 'errors'].includes(k)), ['field', 'errors']);
  });

  it('gives every query its roles, querystring and path parameters', () => {
    for (const [path, item] of Object.entries(doc.paths).filter(([p]) => p.startsWith('/queries/'))) {
      for (const op of Object.values(item)) assert.ok(op['x-roles'] && op['x-roles'].length > 0, path);
    }
    const bySku = operation('get', '/queries/catalogue/{sku}').parameters ?? [];
    assert.deepEqual(
      bySku.map((p) => `${p.in}:${p.name}:${p.required === true}`).sort(),
      ['path:sku:true', 'query:position:false'],
    );
    assert.ok((operation('get', '/queries/catalogue').parameters ?? []).some((p) => p.in === 'query' && p.name === 'limit'));
    assert.deepEqual(operation('get', '/queries/catalogue')['x-roles'], ['customer', 'admin']);
    assert.deepEqual(operation('get', '/queries/sales/daily')['x-roles'], ['admin']);
    assert.ok(operation('get', '/queries/sales/daily').responses['503'], 'read-model-behind');
  });

  it('says what validation refuses: quantity a whole number from 1 (add-item), and the roles the route enforces', async () => {
    const body = operation('post', '/commands/baskets/add-item').requestBody!.content['application/json']!.schema;
    const quantity = body.properties?.quantity;
    assert.deepEqual({ type: quantity?.type, minimum: quantity?.minimum }, { type: 'integer', minimum: 1 });
    assert.deepEqual([...(body.required ?? [])].sort(), ['basketId', 'quantity', 'sku', 'warehouseId']);

    const customer = h.token('acme', 'c-1', ['customer']);
    for (const bad of [0, 2.5]) {
      const problem = await commandProblem(h, customer, 'baskets/add-item', { basketId: 'b-1', sku: 'S-1', quantity: bad, warehouseId: 'wh-1' }, 400, 'validation-failed');
      assert.equal(problem.field, 'quantity');
    }

    assert.deepEqual(operation('post', '/commands/products/register')['x-roles'], ['admin']);
    await commandProblem(h, customer, 'products/register', { sku: 'S-1', name: 'Book', category: 'books', price: { minor: 100, currency: 'TRY' } }, 403, 'forbidden');
  });
});
