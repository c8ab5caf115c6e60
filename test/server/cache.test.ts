import { describe, expect, it } from 'vitest';
import { createTtlCache } from '../../server/cache.ts';

describe('read cache', () => {
  it('answers from memory within the TTL and shares a read in flight', async () => {
    let t = 0;
    let reads = 0;
    const cache = createTtlCache(1_000, () => t);
    const load = async () => ++reads;
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    t = 999;
    expect(await cache.get('a', load)).toBe(1);
    t = 1_000;
    expect(await cache.get('a', load)).toBe(2);
  });

  it('evicts expired entries as new ones arrive, so it does not grow without bound', async () => {
    let t = 0;
    const cache = createTtlCache(1_000, () => t);
    for (let i = 0; i < 100; i++) await cache.get(`old-${i}`, async () => i);
    expect(cache.size).toBe(100);
    t = 5_000;
    await cache.get('new', async () => 0);
    expect(cache.size).toBe(1);
  });

  it('drops the oldest entries past its size limit', async () => {
    const cache = createTtlCache(60_000, () => 0, 10);
    for (let i = 0; i < 25; i++) await cache.get(`k-${i}`, async () => i);
    expect(cache.size).toBe(10);
    let reread = false;
    await cache.get('k-24', async () => {
      reread = true;
      return 0;
    });
    expect(reread).toBe(false);
  });

  it('does not remember a failed read', async () => {
    const cache = createTtlCache(60_000, () => 0);
    await expect(cache.get('x', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('x', async () => 'ok')).toBe('ok');
  });
});
