import type { Hono } from 'hono';
import { pagingAdmin, quantityChange } from '../admin.ts';
import type { IonSandbox } from './app.ts';

/**
 * Ion's own switches under `/__sandbox`: the portal's "Request New Credentials", and a change
 * of seats as a partner would make it in the Ion portal.
 */
export function ionAdmin(ion: IonSandbox, today: () => string) {
  return (admin: Hono) => {
    admin.post('/credentials', (c) =>
      c.json({ accountId: ion.world.accountId, refreshToken: ion.issueRefreshToken() }),
    );
    pagingAdmin(ion.paging)(admin);
    admin.post('/subscriptions/:id/quantity', async (c) => {
      const change = await quantityChange(c, today());
      if (change instanceof Response) return change;
      const sub = ion.world.subscriptions.find((x) => x.id === c.req.param('id'));
      if (!sub) return c.json({ message: 'no such subscription' }, 404);
      Object.assign(sub, { subscriptionTotalLicenses: String(change.quantity), lastUpdatedDate: change.at });
      return c.json(sub);
    });
  };
}
