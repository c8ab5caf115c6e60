import type { Hono } from 'hono';
import type { Credentials } from '../distributors/kind-contract.ts';
import type { Pax8Quirks } from './pax8/app.ts';
import type { World } from './world.ts';

/** What every distributor's sandbox is started with: the shared world and the run's options. */
export interface SandboxStart {
  world: World;
  /** Latency added to each of its answers. */
  latencyMs: number;
  /** Pax8's quirks; other sandboxes ignore them. */
  quirks?: Partial<Pax8Quirks>;
}

/** A distributor's sandbox as built, before it listens: its app, and what it is once it has a URL. */
export interface BuiltSandbox<Running> {
  app: Hono;
  listening(url: string): Running;
}

/**
 * One distributor's sandbox, as the sandbox registry knows it: how it starts over the shared
 * world, the port variable it listens on, the demo tenant's credentials for it, and the lines
 * `npm run sandbox` prints about it. Adding a distributor's sandbox is adding its line.
 */
export interface DistributorSandbox<Running extends { url: string }> {
  /** The distributor kind it stands in for (`server/distributors/registry.ts`). */
  kind: string;
  /** The environment variable of its port, and the port when it is unset. */
  portVariable: `SANDBOX_${string}_PORT`;
  defaultPort: number;
  build(start: SandboxStart): BuiltSandbox<Running>;
  /** The demo tenant's connection to it, as an admin would enter it. */
  credentials(running: Running, world: World): Credentials;
  /** What `npm run sandbox` and `npm start` print about it. */
  describe(running: Running, world: World): string[];
}
