import { describe, expect, it } from 'vitest';
import { markerPrefixOf, SOURCE_PREFIX, sourceKey } from '../../../server/distributors/connection-key.ts';
import { FILE_MARKER_PREFIX } from '../../../server/distributors/files/adapter.ts';
import {
  addDistributorKind,
  addsSource,
  connectionName,
  DISTRIBUTOR_KINDS,
  distributorKind,
} from '../../../server/distributors/registry.ts';

describe('the distributor registry', () => {
  it("gives every kind a marker prefix of its own: one kind's lines are never read as another's", () => {
    const prefixes = DISTRIBUTOR_KINDS.map((k) => k.markerPrefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const p of prefixes) expect(p).toMatch(/^[a-z0-9]{2,8}$/);
    // A file source's own prefix has a shape no kind may take.
    for (const p of prefixes) expect(p).not.toMatch(SOURCE_PREFIX);
    const files = DISTRIBUTOR_KINDS.find((k) => k.sourceField)!;
    expect(() => addDistributorKind({ ...files, kind: 'lookalike', markerPrefix: 'fa1b2c3d' })).toThrow(
      /shape of a file source's/,
    );
  });

  it('names each kind once', () => {
    const kinds = DISTRIBUTOR_KINDS.map((k) => k.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  it('keys each file source by its name, with a marker prefix of its own', () => {
    const microsoft = sourceKey('files', ' Microsoft Direct! ');
    expect(microsoft).toBe('files:microsoft-direct');
    expect(distributorKind(microsoft)?.kind).toBe('files');
    // Only a kind connected once per source takes a source part.
    expect(distributorKind('pax8:other')).toBeUndefined();
    expect(connectionName('files:dicker-data')).toBe('Invoice files (dicker-data)');
    const prefixes = ['files', microsoft, 'files:dicker-data', 'files:ingram-micro'].map((k) =>
      markerPrefixOf(FILE_MARKER_PREFIX, k),
    );
    // The one source an earlier release keyed by the kind alone keeps the prefix its lines carry.
    expect(prefixes[0]).toBe(FILE_MARKER_PREFIX);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const p of prefixes.slice(1)) expect(p).toMatch(SOURCE_PREFIX);
  });

  it('adds a source for the kind alone or with an empty name part, never over a connected one', () => {
    expect(addsSource('files:', ['files:microsoft-direct'])).toBe(true);
    expect(addsSource('files', ['files:microsoft-direct'])).toBe(true);
    expect(addsSource('files', ['files'])).toBe(false);
    expect(addsSource('files:microsoft-direct', [])).toBe(false);
    expect(addsSource('pax8', [])).toBe(false);
  });
});
