import { Hono } from 'hono';
import { getSettings } from '../../db/queries/settings.ts';
import { commitmentStatuses } from '../../db/queries/status.ts';
import { positionAsOf } from '../../shared/billing/commitments.ts';
import type { AppEnv } from '../auth/session.ts';
import { type ApiDeps, requestContext } from './context.ts';

/**
 * The tenant's commitments for this distributor, from the last check: seats paid for and not
 * billed while they can still be reduced (those closing within the horizon first), after the
 * window ("committed until …", the cost carried to the term's end), and renewals due for review.
 */
export function commitmentRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>().get('/commitments', async (c) => {
    const ctx = await requestContext(deps, c);
    const [statuses, settings] = await Promise.all([
      commitmentStatuses(ctx.db, ctx.tenant.id, ctx.kind),
      getSettings(ctx.db, ctx.tenant.id),
    ]);
    const now = ctx.now();
    const { commitmentHorizonHours: horizon, renewalNoticeDays: notice } = settings.rules;
    const rows = statuses.map((s) => ({
      subscriptionId: s.subscriptionId,
      companyName: s.companyName,
      productName: s.productName,
      cwCompanyId: s.cwCompanyId,
      cwAgreementId: s.cwAgreementId,
      cwAgreementName: s.cwAgreementName,
      checkedAt: s.checkedAt.toISOString(),
      position: positionAsOf(s.commitment!, now, horizon, notice),
    }));
    const unbilled = rows.filter((r) => r.position.unbilledSeats > 0);
    const byWindow = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
      (a.position.windowClosesAt ?? '').localeCompare(b.position.windowClosesAt ?? '');
    const total = (list: typeof rows) => list.reduce((n, r) => n + r.position.atStakeCents, 0);
    const closingSoon = unbilled.filter((r) => r.position.closingSoon).sort(byWindow);
    const reducible = unbilled
      .filter((r) => r.position.state === 'reducible' && !r.position.closingSoon)
      .sort(byWindow);
    const committed = unbilled.filter((r) => r.position.state === 'committed');
    const renewals = rows
      .filter((r) => r.position.renewalDue)
      .sort((a, b) => (a.position.changeBy ?? '').localeCompare(b.position.changeBy ?? ''));
    return c.json(
      {
        timeZone: settings.timeZone,
        horizonHours: horizon,
        renewalNoticeDays: notice,
        closingSoon: { rows: closingSoon, atStakeCents: total(closingSoon) },
        reducible: { rows: reducible, atStakeCents: total(reducible) },
        committed: { rows: committed, atStakeCents: total(committed) },
        renewals: { rows: renewals },
      },
      200,
    );
  });
}
