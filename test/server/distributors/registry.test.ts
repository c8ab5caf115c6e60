import { describe, expect, it } from 'vitest';
import { DISTRIBUTOR_KINDS } from '../../../server/distributors/registry.ts';

describe('the distributor registry', () => {
  it("gives every kind a marker prefix of its own: one kind's lines are never read as another's", () => {
    const prefixes = DISTRIBUTOR_KINDS.map((k) => k.markerPrefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const p of prefixes) expect(p).toMatch(/^[a-z0-9]{2,8}$/);
  });

  it('names each kind once', () => {
    const kinds = DISTRIBUTOR_KINDS.map((k) => k.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
  });
});
