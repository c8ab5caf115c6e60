import type { Database } from '../../db/client.ts';
import type { Clock } from '../clock.ts';
import type { SecretBox } from '../crypto.ts';
import type { Env } from '../env.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../notify/mailer.ts';
import { bootstrapSandboxTenant } from './bootstrap.ts';
import { addIonCommitmentScenarios } from './ion/commitments.ts';
import { addCommitmentScenarios } from './pax8/commitments.ts';
import { sandboxEntries, sandboxPorts } from './registry.ts';
import { generateWorld } from './seed.ts';
import { startSandboxes } from './start.ts';

/**
 * Sandbox mode's vendors on loopback, generated around "today", with the demo tenant registered
 * against them: what `npm start` shows. Loaded by the server only in sandbox mode, so a
 * deployment never loads a sandbox module. Answers the lines to print and how to stop them.
 */
export async function startDemo(deps: {
  env: Env;
  clock: Clock;
  db: Database;
  secrets: SecretBox;
  mailer: Mailer;
  logger: Logger;
  base: string;
}) {
  const { env, clock } = deps;
  const today = clock.now().toISODate()!;
  // The demo's world holds three new-commerce commitments of Oxford Senior Living at Pax8 and
  // three at StreamOne Ion, at known times:
  // one inside its reduction window, one just past it, one renewing within 30 days.
  const world = generateWorld({ today });
  addCommitmentScenarios(world, 'Oxford Senior Living', today);
  addIonCommitmentScenarios(world, 'Oxford Senior Living', today);
  const sandboxes = await startSandboxes({
    today,
    world,
    cwPort: env.SANDBOX_CW_PORT,
    ports: sandboxPorts(env),
    smtpPort: env.SANDBOX_SMTP_PORT,
    inboxPort: env.SANDBOX_INBOX_PORT,
  });
  // Digests go to the sandbox's inbox unless a real mail server is configured.
  if (!env.SMTP_URL) deps.mailer.use(sandboxes.mail.smtpUrl);
  const { registered } = await bootstrapSandboxTenant(
    { now: () => clock.now().toJSDate(), db: deps.db, secrets: deps.secrets },
    sandboxes,
    deps.base,
    Object.fromEntries(sandboxEntries().map(([key]) => [key, true])),
  );
  deps.logger.info('sandbox ready', {
    connectwise: sandboxes.cw.url,
    ...Object.fromEntries(sandboxEntries().map(([key]) => [key, sandboxes[key].url])),
    today: sandboxes.world.today,
    hosted: registered.map((r) => `${r.description}: ${r.action}`),
  });
  return {
    close: () => sandboxes.close(),
    lines: [
      '',
      `  Open ConnectWise (sandbox): ${sandboxes.cw.url}/`,
      '    sign in as jdoe, nross, kpark or amarkov (password "sandbox"), open a company, then its Distributors tab',
      '',
      ...sandboxEntries().flatMap(([key, sandbox]) => [
        ...sandbox.describe(sandboxes[key], sandboxes.world).map((line) => `  ${line}`),
        '',
      ]),
      `  Sandbox inbox (digests):    ${sandboxes.mail.inboxUrl}${env.SMTP_URL ? ' (unused: SMTP_URL is set)' : ''}`,
    ],
  };
}
