import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, loadOrCreateSandboxKey, parseSecretKey, SecretError } from '../../server/crypto.ts';
import { captureLogger } from '../helpers/logger.ts';

const box = createSecretBox(randomBytes(32));

describe('secret box (AES-256-GCM)', () => {
  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = box.seal('s5sgfGtzYMZzxcC', 'tenant:1:api');
    expect(sealed).not.toContain('s5sgfGtzYMZzxcC');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(box.open(sealed, 'tenant:1:api')).toBe('s5sgfGtzYMZzxcC');
  });

  it("seals a file's bytes as they are, opening them only in their own context", () => {
    const file = Buffer.from('\uFEFFCustomerId;Menge\r\nc-1;12,5\r\n', 'utf8');
    const sealed = box.sealBytes(file, 'tenant:1:file');
    expect(sealed).not.toContain(file.toString('base64url').slice(4, 20));
    expect(box.openBytes(sealed, 'tenant:1:file').equals(file)).toBe(true);
    // Text and bytes are one format: what was sealed as text opens as its UTF-8 bytes.
    expect(box.openBytes(box.seal('Bäckerei', 'c'), 'c').toString('utf8')).toBe('Bäckerei');
    expect(() => box.openBytes(sealed, 'tenant:2:file')).toThrow(SecretError);
  });

  it('uses a fresh nonce each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('fails on a tampered ciphertext', () => {
    const sealed = box.seal('memberHash-abc');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 0x01;
    const tampered = [parts[0], parts[1], parts[2], body.toString('base64url')].join('.');
    expect(() => box.open(tampered)).toThrow(SecretError);
    expect(() => box.open(tampered)).toThrow(/could not be decrypted/);
  });

  it('fails on a tampered tag, a different context, or a different key', () => {
    const sealed = box.seal('x', 'tenant:1');
    const parts = sealed.split('.');
    const tag = Buffer.from(parts[2]!, 'base64url');
    tag[3] = tag[3]! ^ 0xff;
    expect(() => box.open([parts[0], parts[1], tag.toString('base64url'), parts[3]].join('.'), 'tenant:1')).toThrow(
      SecretError,
    );
    expect(() => box.open(sealed, 'tenant:2')).toThrow(SecretError);
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'tenant:1')).toThrow(SecretError);
  });

  it('rejects malformed values with a clear error', () => {
    expect(() => box.open('not-a-secret')).toThrow(/not in a recognised format/);
  });

  it('parses keys given as hex or base64', () => {
    const raw = randomBytes(32);
    expect(parseSecretKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString('base64')).equals(raw)).toBe(true);
  });

  it('generates a sandbox key once, warns, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-'));
    const logger = captureLogger();
    const first = loadOrCreateSandboxKey(dir, logger);
    const second = loadOrCreateSandboxKey(dir, logger);
    expect(first.equals(second)).toBe(true);
    expect(logger.lines.filter((l) => l.includes('generated a sandbox encryption key'))).toHaveLength(1);
    // The log names the file, never the key itself.
    expect(logger.lines.join('\n')).not.toContain(readFileSync(join(dir, 'secret.key'), 'utf8'));
  });
});
