import { Hono } from 'hono';
import { SANDBOX_ROLES } from '../connectwise/roles.ts';
import type { CwWorld } from '../world.ts';
import { HOST_PAGE_HTML } from './page.ts';
import { HOST_SCRIPT } from './script.ts';

/**
 * The sandbox's imitation of the Manage web client: a page with a member sign-in, company and
 * agreement screens, and the Hosted API tabs and pods registered in the setup table, framed and
 * spoken to as Manage does. Its data routes stand in for Manage's own UI calls.
 */
export function hostPageRoutes(world: CwWorld, hashes: Map<string, string>) {
  return (
    new Hono()
      .get('/', (c) => c.html(HOST_PAGE_HTML))
      // Manage's record links (a digest's "Open in Manage") land on the screen they name.
      .get('/v4_6_release/services/system_io/router/openrecord.rails', (c) => {
        const id = Number(c.req.query('recid'));
        const screen = c.req.query('recordType') === 'AgreementFV' ? 'agreement' : 'company';
        return Number.isInteger(id) && id > 0 ? c.redirect(`/#/${screen}/${id}`) : c.text('No such record.', 404);
      })
      .get('/__host/host.js', (c) =>
        c.body(HOST_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }),
      )
      .get('/__host/data', (c) =>
        c.json({
          companyId: world.companyId,
          companyName: world.companyName,
          codebase: world.codebase,
          members: world.members.map((m) => ({
            identifier: m.identifier,
            name: `${m.firstName} ${m.lastName}`,
            role: m.role,
            inactive: m.inactive,
            email: m.email,
          })),
          companies: world.companies.map((x) => ({ id: x.id, name: x.name, identifier: x.identifier })),
          agreements: world.agreements.map((a) => ({
            id: a.id,
            name: a.name,
            companyId: a.company.id,
            status: a.agreementStatus,
            prorateFlag: a.prorateFlag,
            billingCycle: a.billingCycle.name,
            nextInvoiceDate: a.nextInvoiceDate,
          })),
          hosted: world.hostedSetups.filter((h) => !h.disabledFlag),
          screens: world.hostedScreens,
        }),
      )
      .get('/__host/agreements/:id/additions', (c) =>
        c.json(world.additions.filter((a) => a.agreementId === Number(c.req.param('id')))),
      )
      /** Ends a member's Manage sessions, as an expiry or sign-out in Manage would. */
      .post('/__sandbox/members/:identifier/revoke', (c) => {
        const who = c.req.param('identifier').toLowerCase();
        let revoked = 0;
        for (const [hash, member] of hashes) {
          if (member.toLowerCase() === who) {
            hashes.delete(hash);
            revoked++;
          }
        }
        return c.json({ revoked });
      })
      /** Changes a member's security role, as an administrator would in Manage. */
      .post('/__sandbox/members/:identifier/role', async (c) => {
        const who = c.req.param('identifier').toLowerCase();
        const { role } = (await c.req.json()) as { role?: string };
        const member = world.members.find((m) => m.identifier.toLowerCase() === who);
        if (!member || !SANDBOX_ROLES.some((r) => r.name === role))
          return c.json({ error: 'unknown member or role' }, 400);
        member.role = role as typeof member.role;
        return c.json({ identifier: member.identifier, role: member.role });
      })
  );
}
