import { Hono } from 'hono';
import { adminRoutes } from '../admin.ts';
import { createControl } from '../faults.ts';
import type { DistributorSandbox } from '../sandbox-kind.ts';
import { ionAdmin } from './admin.ts';
import { createIonSandbox, type IonSandbox } from './app.ts';

export type RunningIon = IonSandbox & { url: string };

/** StreamOne Ion's sandbox: its v3 API with single-use refresh tokens, and its reports. */
export const ionSandbox: DistributorSandbox<RunningIon> = {
  kind: 'ion',
  portVariable: 'SANDBOX_ION_PORT',
  defaultPort: 8790,
  build({ world, latencyMs }) {
    const ion = createIonSandbox({ world: world.ion, control: createControl({ faults: { latencyMs, rules: [] } }) });
    const app = new Hono()
      .route(
        '/__sandbox',
        adminRoutes(
          ion.control,
          ionAdmin(ion, () => world.today),
        ),
      )
      .route('/', ion.app);
    return { app, listening: (url) => Object.assign(ion, { url }) };
  },
  // A refresh token issued now, as the Ion portal's "Request New Credentials" issues one.
  credentials: (s, world) => ({ accountId: world.ion.accountId, refreshToken: s.issueRefreshToken(), baseUrl: s.url }),
  describe: (s, world) => [
    `StreamOne Ion ${s.url}/api/v3`,
    `  token URL ${s.url}/oauth/token, account ${world.ion.accountId}, refresh token ${world.ion.initialRefreshToken} (single use)`,
    `  a new refresh token, as the portal's "Request New Credentials": POST ${s.url}/__sandbox/credentials`,
  ],
};
