import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../server/env.ts';

const KEY = 'q0x9Vb7m3TqHk1fXo0w1sQn2dY8sPZt6jC4uR5eL7aM=';

function problemsOf(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  throw new Error('expected parseEnv to fail');
}

describe('parseEnv', () => {
  it('gives working sandbox defaults for an empty environment', () => {
    const env = parseEnv({});
    expect(env.SANDBOX).toBe(true);
    expect(env.PORT).toBe(8787);
    expect(env.DATA_DIR).toBe('.data');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.CW_HOST_ORIGINS).toEqual([]);
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ PORT: '', DATABASE_URL: '' }).PORT).toBe(8787);
  });

  it('names every bad variable at once, with the fix', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', SANDBOX: 'maybe' });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('PORT:'))).toMatch(/whole number/);
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toMatch(/postgres:\/\//);
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toMatch(/debug, info, warn or error/);
    expect(problems.find((p) => p.startsWith('SANDBOX:'))).toMatch(/true or false/);
  });

  it('refuses to start outside sandbox mode without an encryption key', () => {
    const problems = problemsOf({ SANDBOX: 'false' });
    expect(problems).toEqual([expect.stringMatching(/^APP_SECRET_KEY: required outside sandbox mode/)]);
    expect(parseEnv({ SANDBOX: 'false', APP_SECRET_KEY: KEY }).SANDBOX).toBe(false);
  });

  it('runs the sandbox only on a loopback host, unless forced by name', () => {
    expect(problemsOf({ HOST: '0.0.0.0' })).toEqual([
      expect.stringMatching(/^SANDBOX: sandbox mode .* HOST is 0\.0\.0\.0/),
    ]);
    expect(problemsOf({ HOST: 'sync.example.com' })[0]).toMatch(/SANDBOX=false/);
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.1.1'])
      expect(parseEnv({ HOST: host }).SANDBOX).toBe(true);
    expect(parseEnv({ HOST: '0.0.0.0', SANDBOX_FORCE: 'true' }).SANDBOX).toBe(true);
    expect(parseEnv({ HOST: '0.0.0.0', SANDBOX: 'false', APP_SECRET_KEY: KEY }).SANDBOX).toBe(false);
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(problemsOf({ APP_SECRET_KEY: 'short' })[0]).toMatch(/^APP_SECRET_KEY: use 32 random bytes/);
  });

  it('rejects a weak key: all zeros, or one byte repeated', () => {
    expect(problemsOf({ APP_SECRET_KEY: '0'.repeat(64) })[0]).toMatch(/^APP_SECRET_KEY: this key is not random/);
    expect(problemsOf({ APP_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') })[0]).toMatch(/not random/);
    expect(parseEnv({ APP_SECRET_KEY: KEY }).APP_SECRET_KEY).toBe(KEY);
  });

  it('accepts a list of host origins and rejects one with a path', () => {
    expect(parseEnv({ CW_HOST_ORIGINS: 'https://cw.example.com, https://manage.acme.io' }).CW_HOST_ORIGINS).toEqual([
      'https://cw.example.com',
      'https://manage.acme.io',
    ]);
    expect(problemsOf({ CW_HOST_ORIGINS: 'https://cw.example.com/v4_6_release' })[0]).toMatch(
      /CW_HOST_ORIGINS\.0: .*has a path; use just the origin, e.g. https:\/\/cw.example.com/,
    );
  });

  it('validates the sandbox day', () => {
    expect(parseEnv({ SANDBOX_TODAY: '2021-01-18' }).SANDBOX_TODAY).toBe('2021-01-18');
    expect(problemsOf({ SANDBOX_TODAY: '18/01/2021' })[0]).toMatch(/^SANDBOX_TODAY: use an ISO date/);
  });
});
