import { hc } from 'hono/client';
import type { AppType } from '../server/app.ts';

/** Our own server, called through Hono's typed client so routes and pod cannot drift apart. */
export const api = hc<AppType>(location.origin);
