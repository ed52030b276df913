import type pg from 'pg';

/**
 * A pool whose `query` calls are counted, to assert that something does not query while
 * idle. A store's LISTEN connection is a client of its own and is not counted.
 */
export function countingPool(pool: pg.Pool): { pool: pg.Pool; count: () => number } {
  let n = 0;
  const proxy = new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (...args: unknown[]) => {
          n++;
          return (target.query as (...a: unknown[]) => unknown)(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { pool: proxy, count: () => n };
}
