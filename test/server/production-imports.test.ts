import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A deployment (`SANDBOX=false`) loads none of the sandbox, nor the mail catcher's packages, nor tsx. */
describe('the server outside sandbox mode', () => {
  it('starts without loading a sandbox module', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prod-imports-'));
    const log = join(dir, 'modules.txt');
    try {
      const child = spawn(
        process.execPath,
        ['--import', join(ROOT, 'test/helpers/module-log.mjs'), join(ROOT, 'server/launch.mjs'), 'server/index.ts'],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            SANDBOX: 'false',
            HOST: '127.0.0.1',
            PORT: '0',
            DATA_DIR: dir,
            DATABASE_URL: '',
            APP_SECRET_KEY: randomBytes(32).toString('base64'),
            WORK_JOBS: 'false',
            MODULE_LOG: log,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        out += d;
      });
      await expect.poll(() => out, { timeout: 60_000, interval: 200 }).toMatch(/is running/);
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
      const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      // The server and its routes did load: the log is of a real start.
      expect(modules.some((m) => m.endsWith('/server/app.ts'))).toBe(true);
      expect(modules.filter((m) => m.includes('/server/sandbox/'))).toEqual([]);
      expect(modules.filter((m) => /\/node_modules\/(smtp-server|mailparser)\//.test(m))).toEqual([]);
      // On a maintained Node the server runs on Node's own type stripping: tsx is never loaded.
      if (process.features.typescript) expect(modules.filter((m) => m.includes('/node_modules/tsx/'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
