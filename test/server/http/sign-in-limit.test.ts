import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../../server/env.ts';
import { clientAddressOf, createSignInLimit, trustedProxies } from '../../../server/http/sign-in-limit.ts';

describe('who is signing in', () => {
  it('believes X-Forwarded-For only from a proxy the deployment names, read from the right', () => {
    const proxies = trustedProxies(['10.0.0.0/8', 'loopback']);
    // No proxy named: the socket's address, whatever the header says.
    expect(clientAddressOf('203.0.113.7', '198.51.100.1', null)).toBe('203.0.113.7');
    // From a named proxy: the last address that is not a proxy.
    expect(clientAddressOf('10.0.0.5', '198.51.100.1, 203.0.113.9, 10.0.0.9', proxies)).toBe('203.0.113.9');
    expect(clientAddressOf('::ffff:127.0.0.1', '203.0.113.9', proxies)).toBe('203.0.113.9');
    // From anywhere else: the socket's, so a forged header changes nothing.
    expect(clientAddressOf('203.0.113.7', '10.0.0.1', proxies)).toBe('203.0.113.7');
  });

  it('TRUST_PROXY is read as a list and a bad entry is named', () => {
    expect(parseEnv({ TRUST_PROXY: '10.0.0.0/8, loopback' }).TRUST_PROXY).toEqual(['10.0.0.0/8', 'loopback']);
    expect(() => parseEnv({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY\.0: use proxy addresses or ranges/);
  });

  it('backs off a failing client only, and a success clears it', () => {
    let t = 0;
    const limit = createSignInLimit({}, () => t);
    for (let i = 0; i < 5; i++) {
      expect(limit.wait('a')).toBeNull();
      limit.failed('a');
    }
    expect(limit.wait('a')).toBe(2);
    expect(limit.wait('b')).toBeNull();
    t += 2_000;
    expect(limit.wait('a')).toBeNull();
    limit.failed('a');
    expect(limit.wait('a')).toBe(4);
    limit.succeeded('a');
    expect(limit.wait('a')).toBeNull();
  });
});
