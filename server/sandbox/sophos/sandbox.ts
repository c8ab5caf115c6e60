import { Hono } from 'hono';
import { adminRoutes, pagingAdmin } from '../admin.ts';
import { createControl } from '../faults.ts';
import type { DistributorSandbox } from '../sandbox-kind.ts';
import { createSophosSandbox, type SophosSandbox } from './app.ts';

export type RunningSophos = SophosSandbox & { url: string; tokenUrl: string };

/** Sophos Central's sandbox: whoami, the partner API and its usage, on one host. */
export const sophosSandbox: DistributorSandbox<RunningSophos> = {
  kind: 'sophos',
  portVariable: 'SANDBOX_SOPHOS_PORT',
  defaultPort: 8792,
  build({ world, latencyMs }) {
    let url = '';
    const sophos = createSophosSandbox({
      world: world.sophos,
      control: createControl({ faults: { latencyMs, rules: [] } }),
      // whoami names the partner's API host: this sandbox, once it listens.
      apiHost: () => url,
    });
    const app = new Hono()
      .route('/__sandbox', adminRoutes(sophos.control, pagingAdmin(sophos.paging)))
      .route('/', sophos.app);
    return {
      app,
      listening: (at) => {
        url = at;
        return Object.assign(sophos, { url: at, tokenUrl: `${at}/api/v2/oauth2/token` });
      },
    };
  },
  credentials: (s, world) => ({
    clientId: world.sophos.clientId,
    clientSecret: world.sophos.clientSecret,
    tokenUrl: s.tokenUrl,
    apiUrl: s.url,
  }),
  describe: (s, world) => [
    `Sophos Central ${s.url} (whoami, partner API)`,
    `  token URL ${s.tokenUrl}, client id ${world.sophos.clientId}, client secret ${world.sophos.clientSecret}`,
    `  ${world.sophos.tenants.length} tenants; usage for last month and this month, one firewall licence assigned to no tenant`,
  ],
};
