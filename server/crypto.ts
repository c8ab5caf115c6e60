import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './logger.ts';

const VERSION = 'v1';
const IV_BYTES = 12;

export class SecretError extends Error {
  readonly code = 'secret_unreadable';
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

/**
 * Seals secrets at rest with AES-256-GCM. `context` is authenticated but not stored, so a
 * ciphertext copied to another row or column (a different context) fails to open.
 */
export interface SecretBox {
  seal(plain: string, context?: string): string;
  open(sealed: string, context?: string): string;
  /** A file's bytes, sealed as they are: no text encoding on the way in or out. */
  sealBytes(plain: Buffer, context?: string): string;
  openBytes(sealed: string, context?: string): Buffer;
}

export function parseSecretKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new SecretError('APP_SECRET_KEY must decode to exactly 32 bytes');
  return key;
}

/** GCM's final block is empty: the body is the one update, not a copy of it. */
function joined(first: Buffer, last: Buffer) {
  return last.length === 0 ? first : Buffer.concat([first, last]);
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretError('the encryption key must be 32 bytes');
  function sealBytes(plain: Buffer, context = '') {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = joined(cipher.update(plain), cipher.final());
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.');
  }
  function openBytes(sealed: string, context = '') {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new SecretError('stored secret is not in a recognised format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return joined(decipher.update(Buffer.from(body, 'base64url')), decipher.final());
    } catch {
      throw new SecretError(
        'stored secret could not be decrypted: APP_SECRET_KEY differs from the one it was sealed with, or the value was altered',
      );
    }
  }
  return {
    seal: (plain, context) => sealBytes(Buffer.from(plain, 'utf8'), context),
    open: (sealed, context) => openBytes(sealed, context).toString('utf8'),
    sealBytes,
    openBytes,
  };
}

/**
 * Sandbox mode only: a key generated once into the data directory, so a demo needs no setup
 * and keeps its data readable across restarts. Real deployments must set APP_SECRET_KEY.
 */
export function loadOrCreateSandboxKey(dataDir: string, logger: Logger): Buffer {
  const path = join(dataDir, 'secret.key');
  if (existsSync(path)) return parseSecretKey(readFileSync(path, 'utf8').trim());
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64'), { mode: 0o600 });
  logger.warn('APP_SECRET_KEY is not set: generated a sandbox encryption key; set APP_SECRET_KEY for real use', {
    keyFile: path,
  });
  return key;
}
