import { Hono } from 'hono';
import { adminRoutes } from './admin.ts';
import { type CwSandbox, createCwSandbox } from './connectwise/app.ts';
import { createControl } from './faults.ts';
import { type MailCatcher, startMailCatcher } from './mail/catcher.ts';
import type { Pax8Quirks } from './pax8/app.ts';
import { type RunningDistributors, type SandboxKey, sandboxEntries } from './registry.ts';
import { generateWorld, type SeedOptions } from './seed.ts';
import { listen, type RunningServer } from './serve.ts';
import type { World } from './world.ts';

export interface SandboxOptions extends SeedOptions {
  cwPort?: number;
  /** Each distributor sandbox's port by kind (0 or absent: any free one). */
  ports?: Partial<Record<SandboxKey, number>>;
  /** The mail catcher's SMTP and inbox ports (0: any free one). */
  smtpPort?: number;
  inboxPort?: number;
  /** Latency added to every vendor call (the benchmarks use 50 ms). */
  latencyMs?: number;
  /** Manage's per-minute limit; null turns it off. */
  cwRateLimitPerMinute?: number | null;
  quirks?: Partial<Pax8Quirks>;
  world?: World;
}

export type RunningSandboxes = RunningDistributors & {
  world: World;
  cw: CwSandbox & { url: string; site: string };
  /** Where digests go in sandbox mode, and where a person reads them. */
  mail: MailCatcher;
  close: () => Promise<void>;
};

/** Starts the sandbox ConnectWise and every distributor's sandbox on loopback, sharing one generated world. */
export async function startSandboxes(options: SandboxOptions): Promise<RunningSandboxes> {
  const world = options.world ?? generateWorld(options);
  const latencyMs = options.latencyMs ?? 0;
  const cw = createCwSandbox({
    world: world.cw,
    today: () => world.today,
    control: createControl({
      faults: { latencyMs, rules: [] },
      rateLimitPerMinute: options.cwRateLimitPerMinute === undefined ? 1000 : options.cwRateLimitPerMinute,
    }),
  });
  const cwApp = new Hono().route('/__sandbox', adminRoutes(cw.control)).route('/', cw.app);
  const built = sandboxEntries().map(([key, sandbox]) => ({
    key,
    port: options.ports?.[key] ?? 0,
    ...sandbox.build({ world, latencyMs, quirks: options.quirks }),
  }));

  const servers: RunningServer[] = [];
  const closeAll = () => Promise.all(servers.map((s) => s.close()));
  let mail: MailCatcher;
  try {
    const cwServer = await listen(cwApp, options.cwPort ?? 0);
    servers.push(cwServer);
    const running: Partial<Record<SandboxKey, unknown>> = {};
    for (const b of built) {
      const server = await listen(b.app, b.port);
      servers.push(server);
      running[b.key] = b.listening(server.url);
    }
    mail = await startMailCatcher({ smtpPort: options.smtpPort, httpPort: options.inboxPort });
    return {
      ...(running as RunningDistributors),
      world,
      cw: Object.assign(cw, { url: cwServer.url, site: new URL(cwServer.url).host }),
      mail,
      close: async () => {
        await Promise.all([closeAll(), mail.close()]);
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
