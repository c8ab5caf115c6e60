import { describe, expect, it } from 'vitest';
import { distributorKind } from '../../../server/distributors/registry.ts';
import { parseEnv } from '../../../server/env.ts';
import { SANDBOXES, sandboxEntries, sandboxPorts } from '../../../server/sandbox/registry.ts';

describe('the sandbox registry', () => {
  it('stands in for registered distributor kinds, each on a port variable and default of its own', () => {
    const entries = sandboxEntries();
    for (const [key, sandbox] of entries) {
      expect(sandbox.kind).toBe(key);
      expect(distributorKind(sandbox.kind)).toBeDefined();
    }
    expect(new Set(entries.map(([, s]) => s.portVariable)).size).toBe(entries.length);
    expect(new Set(entries.map(([, s]) => s.defaultPort)).size).toBe(entries.length);
  });

  it('reads each port from its variable, named by the registry rather than by the environment parser', () => {
    const env = parseEnv({ SANDBOX_ION_PORT: '0', SANDBOX_SOPHOS_PORT: '9100' });
    expect(sandboxPorts(env)).toEqual({ pax8: SANDBOXES.pax8.defaultPort, ion: 0, sophos: 9100 });
    expect(() => parseEnv({ SANDBOX_ION_PORT: 'abc' })).toThrow(/SANDBOX_ION_PORT: use a whole number/);
  });
});
