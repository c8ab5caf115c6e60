import type { Env } from '../env.ts';
import { ionSandbox } from './ion/sandbox.ts';
import { pax8Sandbox } from './pax8/sandbox.ts';
import type { DistributorSandbox } from './sandbox-kind.ts';
import { sophosSandbox } from './sophos/sandbox.ts';

/**
 * Every distributor's sandbox, by kind. `start.ts`, `bootstrap.ts`, `main.ts` and `demo.ts` loop
 * over it: adding a distributor's sandbox is adding its line.
 */
export const SANDBOXES = { pax8: pax8Sandbox, ion: ionSandbox, sophos: sophosSandbox } as const;

export type SandboxKey = keyof typeof SANDBOXES;
/** Each distributor's sandbox as it runs, by kind: what tests and the demo reach it through. */
export type RunningDistributors = {
  [K in SandboxKey]: (typeof SANDBOXES)[K] extends DistributorSandbox<infer R> ? R : never;
};

export const sandboxEntries = () =>
  Object.entries(SANDBOXES) as [SandboxKey, DistributorSandbox<RunningDistributors[SandboxKey]>][];

/** Each sandbox's port: its variable when set, its default otherwise. */
export const sandboxPorts = (env: Pick<Env, 'sandboxPorts'>) =>
  Object.fromEntries(
    sandboxEntries().map(([key, sandbox]) => [key, env.sandboxPorts[sandbox.portVariable] ?? sandbox.defaultPort]),
  ) as Record<SandboxKey, number>;
