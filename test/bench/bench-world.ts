import { generateWorld } from '../../server/sandbox/seed.ts';
import type { CwAdditionRecord, World } from '../../server/sandbox/world.ts';

export const BENCH_TODAY = '2026-11-22';

/**
 * The benchmark tenant: 500 companies and 5,000 subscriptions, and 5,000 additions spread
 * evenly over 400 active agreements. Deterministic, so the sandbox process and the
 * benchmark build the same world independently.
 */
export function benchWorld(): World {
  const world = generateWorld({ today: BENCH_TODAY, companies: 500, subscriptions: 5000 });
  const active = world.cw.agreements.filter((a) => !a.cancelledFlag).slice(0, 400);
  const item = world.cw.catalog.find((i) => i.productClass !== 'Bundle')!;
  const template = world.cw.additions[0]!;
  const additions: CwAdditionRecord[] = [];
  for (let i = 0; i < 5000; i++) {
    additions.push({ ...template, id: 500_000 + i, agreementId: active[i % active.length]!.id, product: { id: item.id, identifier: item.identifier, name: item.description }, quantity: 1 + (i % 40) });
  }
  world.cw.additions.splice(0, world.cw.additions.length, ...additions);
  return world;
}
