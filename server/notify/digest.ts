import { DateTime } from 'luxon';
import type { Database } from '../../db/client.ts';
import { ignoredIds, listCompanyMappings, listServiceMappings } from '../../db/queries/mappings.ts';
import {
  claimDailyDigest,
  finishDigest,
  getNotificationSettings,
  insertDigest,
  lastDigestAt,
} from '../../db/queries/notifications.ts';
import { outstandingOperations } from '../../db/queries/operations.ts';
import { awaitingReview, changesSince } from '../../db/queries/reconciliations.ts';
import { getSettings } from '../../db/queries/settings.ts';
import { commitmentStatuses } from '../../db/queries/status.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import { addDays, monthName, usDay } from '../../shared/billing/calendar.ts';
import { positionAsOf } from '../../shared/billing/commitments.ts';
import { formatCents, formatMoney, microsToCents } from '../../shared/money.ts';
import type { NotificationSettings, NotifyEvent } from '../../shared/schemas/notifications.ts';
import { RECONCILE_STATUS_LABEL, type ReconcileStatus } from '../../shared/schemas/reconcile.ts';
import type { SyncRules } from '../../shared/schemas/settings.ts';
import type { Clock } from '../clock.ts';
import { manageRecordLink } from '../connectwise/record-link.ts';
import type { Logger } from '../logger.ts';
import type { Connected, Vendors } from '../tenants/vendors.ts';
import type { Mailer } from './mailer.ts';
import { oneLine, ownCompanies } from './own-company.ts';
import { fill, renderDigest } from './templates.ts';

export interface DigestDeps {
  db: Database;
  vendors: Vendors;
  clock: Clock;
  logger: Logger;
  mailer?: Mailer;
}

export type DigestTrigger = 'daily' | 'after-run' | 'test';

export interface DigestOutcome {
  sent: boolean;
  emailed: boolean;
  ticketId: number | null;
  items: number;
  subject: string;
  /** What went wrong, in a member's words; the rest still went. */
  error: string | null;
  sections: { event: NotifyEvent; lines: Record<string, string>[] }[];
}

const status = (s: string | null) => (s ? (RECONCILE_STATUS_LABEL[s as ReconcileStatus] ?? s) : 'New');

/**
 * What a digest lists, per event: subscriptions no agreement takes, writes that failed,
 * reconciliations pending review, commitments renewing within 30 days (NCE annual terms) and
 * reconciliation status changes since the last digest. Every connected distributor's.
 */
export async function collectDigest(
  deps: DigestDeps,
  tenant: Tenant,
  events: readonly NotifyEvent[],
  /** This digest's own claim, which is not a digest sent before it. */
  claimed: number | null = null,
) {
  const today = deps.clock.now().toISODate()!;
  const want = new Set(events);
  const { rules, timeZone } = await getSettings(deps.db, tenant.id);
  const now = deps.clock.now().toJSDate();
  const inZone = (iso: string) =>
    `${DateTime.fromISO(iso, { setZone: true }).setZone(timeZone).toFormat('ccc MM/dd/yyyy HH:mm')} ${timeZone}`;
  const lines: Record<NotifyEvent, Record<string, string>[]> = {
    unmapped: [],
    'failed-writes': [],
    'pending-review': [],
    commitments: [],
    renewals: [],
    'reconciliation-changes': [],
  };
  for (const d of await deps.vendors.distributors(tenant))
    await distributorLines({ deps, tenant, d, want, lines, today, now, rules, inZone });
  if (want.has('pending-review'))
    for (const r of await awaitingReview(deps.db, tenant.id))
      lines['pending-review'].push({
        CustomerOrg: r.companyName,
        PlanName: r.productName,
        SubscriptionID: r.subscriptionId,
        Period: monthName(`${r.period}-01`),
        BillingReconciliationStatus: status(r.status),
        Difference: formatMoney(r.figures?.differenceCents ?? 0, r.figures?.currency),
        ...(r.cwAgreementId ? { Link: manageRecordLink(tenant, 'agreement', r.cwAgreementId) } : {}),
      });
  if (want.has('reconciliation-changes')) {
    const since = (await lastDigestAt(deps.db, tenant.id, claimed)) ?? new Date(0);
    for (const c of await changesSince(deps.db, tenant.id, since))
      lines['reconciliation-changes'].push({
        CustomerOrg: c.companyName,
        PlanName: c.productName,
        SubscriptionID: c.subscriptionId,
        Period: monthName(`${c.period}-01`),
        PreviousStatus: status(c.fromStatus),
        BillingReconciliationStatus: status(c.toStatus),
      });
  }
  return events.filter((e) => lines[e].length > 0).map((event) => ({ event, lines: lines[event] }));
}

/** What a digest gathers per distributor, and the tenant's settings it reads them with. */
interface LinesContext {
  deps: DigestDeps;
  tenant: Tenant;
  d: Connected;
  want: Set<NotifyEvent>;
  lines: Record<NotifyEvent, Record<string, string>[]>;
  today: string;
  now: Date;
  rules: SyncRules;
  /** An instant as the digest writes it, in the tenant's zone. */
  inZone: (iso: string) => string;
}

/** One distributor's lines: unmapped subscriptions, commitments, renewals and failed writes. */
async function distributorLines({ deps, tenant, d, want, lines, today, now, rules, inZone }: LinesContext) {
  const scope = { tenantId: tenant.id, distributor: d.kind };
  const needsSubscriptions = want.has('unmapped') || want.has('renewals') || want.has('failed-writes');
  // What the last check found of each commitment, as it stands now.
  const positions = new Map(
    want.has('commitments') || want.has('renewals')
      ? (await commitmentStatuses(deps.db, tenant.id, d.kind)).map((st) => [
          st.subscriptionId,
          { position: positionAsOf(st.commitment!, now, rules.commitmentHorizonHours, rules.renewalNoticeDays) },
        ])
      : [],
  );
  const [subs, companies, services, hidden] = needsSubscriptions
    ? await Promise.all([
        d.distributor.subscriptions(),
        listCompanyMappings(deps.db, scope),
        listServiceMappings(deps.db, scope),
        ignoredIds(deps.db, scope),
      ])
    : [{ items: [] }, [], [], new Set<string>()];
  // Every company by name, bound or not: a digest never shows a distributor's raw id.
  const distributorCompanies = needsSubscriptions ? (await d.distributor.companies()).items : [];
  const companyName = new Map([
    ...distributorCompanies.map((c) => [c.id, c.name] as const),
    ...companies.map((c) => [c.distributorCompanyId, c.cwCompanyName ?? c.distributorCompanyName] as const),
  ]);
  const cwCompanyOf = new Map(
    companies.filter((c) => c.cwCompanyId !== null).map((c) => [c.distributorCompanyId, c.cwCompanyId!]),
  );
  const subscriptionOf = new Map(subs.items.map((s) => [s.id, s]));
  const monthly = (s: (typeof subs.items)[number]) =>
    s.quantity === null || s.unitPrice === null
      ? 'an unknown amount'
      : formatMoney(s.quantity * microsToCents(s.unitPrice), s.currency);
  // The company screen holds the plugin's tab: where the line is dealt with.
  const linkOf = (distributorCompanyId: string): Record<string, string> => {
    const cw = cwCompanyOf.get(distributorCompanyId);
    return cw === undefined ? {} : { Link: manageRecordLink(tenant, 'company', cw) };
  };
  const mapped = new Set(services.filter((m) => m.status === 'mapped').map((m) => m.subscriptionId));
  const bound = new Set(companies.filter((c) => c.cwCompanyId !== null).map((c) => c.distributorCompanyId));
  for (const s of subs.items) {
    if (s.status !== 'Active' || hidden.has(s.id)) continue;
    const base = {
      CustomerOrg: companyName.get(s.companyId) ?? `a ${d.displayName} company not listed`,
      PlanName: s.productName,
      SubscriptionID: s.id,
      Distributor: d.displayName,
      Amount: monthly(s),
      ...linkOf(s.companyId),
    };
    if (want.has('unmapped') && !mapped.has(s.id))
      lines.unmapped.push({
        ...base,
        MappingStatus: bound.has(s.companyId) ? 'Unmapped' : 'Company not bound to ConnectWise',
      });
    const end = s.commitment?.endDate?.slice(0, 10);
    const known = positions.get(s.id);
    if (want.has('renewals') && end && end >= today && end <= addDays(today, rules.renewalNoticeDays))
      lines.renewals.push({
        ...base,
        Term: s.commitment!.term,
        RenewalDate: usDay(known?.position.renewsOn ?? end),
        Seats: String(s.quantity ?? 'an unknown number of'),
        CwSeats: known ? String(known.position.cwSeats) : 'none (not mapped)',
        ChangeBy: known?.position.changeBy ? inZone(known.position.changeBy) : usDay(end),
      });
    const p = known?.position;
    if (want.has('commitments') && p && p.unbilledSeats > 0 && (p.closingSoon || p.state === 'committed'))
      lines.commitments.push({
        ...base,
        Seats: String(p.unbilledSeats),
        Deadline:
          p.state === 'reducible'
            ? `reduce at ${d.displayName} by ${inZone(p.windowClosesAt!)}`
            : `committed until ${usDay(p.endsOn ?? end ?? today)}`,
        AtStake:
          p.state === 'reducible'
            ? `${formatCents(p.atStakeCents)} at stake over the term`
            : `${formatCents(p.atStakeCents)} to the term's end`,
      });
  }
  const companyNameOfSubscription = (id: string) => {
    const sub = subscriptionOf.get(id);
    return (sub && companyName.get(sub.companyId)) ?? d.displayName;
  };
  if (want.has('failed-writes'))
    for (const o of await outstandingOperations(deps.db, scope))
      if (o.state === 'failed' || o.state === 'unknown')
        lines['failed-writes'].push({
          CustomerOrg: companyNameOfSubscription(o.subscriptionId),
          PlanName: subscriptionOf.get(o.subscriptionId)?.productName ?? `${d.displayName} subscription`,
          Amount: formatCents(o.summary.totalPrice.cents),
          Link: manageRecordLink(tenant, 'agreement', o.cwAgreementId),
          Title: o.summary.title,
          SubscriptionID: o.subscriptionId,
          State: o.state === 'unknown' ? 'no answer' : 'failed',
          Error: o.error ?? 'ConnectWise refused it',
        });
}

/**
 * Sends the tenant's digest by email and, when the tenant asked for one, as a ConnectWise
 * service ticket on its board under the API member. Each channel's failure is recorded and
 * named without stopping the other. `test` sends even when the cadence is off.
 */
export async function sendDigest(
  deps: DigestDeps,
  tenant: Tenant,
  trigger: 'test',
  override?: NotificationSettings,
): Promise<DigestOutcome>;
export async function sendDigest(
  deps: DigestDeps,
  tenant: Tenant,
  trigger: DigestTrigger,
  override?: NotificationSettings,
): Promise<DigestOutcome | null>;
/** Null when the day's daily digest was claimed by another run already. */
export async function sendDigest(
  deps: DigestDeps,
  tenant: Tenant,
  trigger: DigestTrigger,
  override?: NotificationSettings,
): Promise<DigestOutcome | null> {
  const settings = override ?? (await getNotificationSettings(deps.db, tenant.id));
  // The daily digest goes once per day in the tenant's zone: the day is claimed before sending,
  // so a second daily run (a command-line run, a retry) sends nothing, and a run that dies
  // after the claim loses that day's digest rather than sending it twice.
  let claimed: number | null = null;
  if (trigger === 'daily') {
    const { timeZone } = await getSettings(deps.db, tenant.id);
    const day = deps.clock.now().setZone(timeZone).toISODate()!;
    claimed = await claimDailyDigest(deps.db, tenant.id, day, deps.clock.now().toJSDate());
    if (claimed === null) return null;
  }
  const sections = await collectDigest(deps, tenant, settings.events, claimed);
  const items = sections.reduce((n, s) => n + s.lines.length, 0);
  const params = {
    CompanyName: tenant.name,
    PSAConnector: 'ConnectWise',
    Date: usDay(deps.clock.now().toISODate()!),
    ItemCount: String(items),
  };
  const subject = oneLine(`${trigger === 'test' ? '[Test] ' : ''}${fill(settings.subject, params)}`);
  const { text, html } = renderDigest(sections, params);
  const errors: string[] = [];
  let emailed = false;
  if (settings.recipients.length > 0) {
    if (!deps.mailer?.configured) errors.push('No mail server is set up (SMTP_URL), so no email was sent.');
    else
      try {
        await deps.mailer.send({ to: settings.recipients, subject, text, html });
        emailed = true;
      } catch (error) {
        errors.push((error as Error).message);
      }
  }
  let ticketId: number | null = null;
  if (settings.ticket.enabled && settings.ticket.boardId && settings.ticket.companyId)
    try {
      const cw = deps.vendors.apiMemberCw(tenant);
      // Checked again as it is sent: settings saved before this rule may name a customer.
      const own = await ownCompanies(cw, tenant.companyId);
      if (!own.some((c) => c.id === settings.ticket.companyId))
        throw new Error(
          `company #${settings.ticket.companyId} is not your own company in Manage, and the digest names every ` +
            `customer; choose your own company again under Notifications`,
        );
      const ticket = await cw.service.createTicket({
        summary: subject.slice(0, 100),
        board: { id: settings.ticket.boardId },
        company: { id: settings.ticket.companyId },
        initialDescription: text.slice(0, 8000),
      });
      ticketId = ticket.id;
    } catch (error) {
      errors.push(`ConnectWise did not open the ticket: ${(error as Error).message}`);
    }
  const error = errors.join(' ') || null;
  const record = {
    at: deps.clock.now().toJSDate(),
    recipients: settings.recipients,
    subject,
    items,
    emailed,
    ticketId,
    error,
  };
  if (claimed !== null) await finishDigest(deps.db, tenant.id, claimed, record);
  else await insertDigest(deps.db, tenant.id, { ...record, trigger });
  if (error) deps.logger.warn('digest: a channel failed', { tenant: tenant.id, error });
  return { sent: emailed || ticketId !== null, emailed, ticketId, items, subject, error, sections };
}

/** After a scheduled run (`after-run`) or the daily job (`daily`): sends when the tenant's cadence says so. */
export async function digestIfDue(deps: DigestDeps, tenant: Tenant, moment: 'daily' | 'after-run') {
  const settings = await getNotificationSettings(deps.db, tenant.id);
  if (settings.cadence !== moment) return null;
  if (settings.recipients.length === 0 && !settings.ticket.enabled) return null;
  try {
    return await sendDigest(deps, tenant, moment, settings);
  } catch (error) {
    // A digest never fails the run it follows: what it lists is still on the pages.
    deps.logger.error('digest: could not be put together', { tenant: tenant.id, error });
    return null;
  }
}
