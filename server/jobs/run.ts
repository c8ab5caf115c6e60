import type { Database } from '../../db/client.ts';
import { listProductMappings } from '../../db/queries/mappings.ts';
import type { Scope } from '../../db/queries/scope.ts';
import { getSettings } from '../../db/queries/settings.ts';
import { dropUnseenStatuses, saveStatuses } from '../../db/queries/status.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import { firstOpenDay } from '../../shared/billing/plan/context.ts';
import type { PlanResult } from '../../shared/billing/planner.ts';
import { decideAfterWrite } from '../../shared/billing/sync-state.ts';
import { toIsoDay } from '../../shared/dates.ts';
import type { Actor } from '../audit.ts';
import type { Clock } from '../clock.ts';
import type { CwAuth } from '../connectwise/auth.ts';
import { AppError } from '../errors.ts';
import { mapLimit } from '../http/limit.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../notify/mailer.ts';
import {
  type AssessDeps,
  type Assessment,
  assessTenant,
  statusRow,
  type TenantAssessment,
  unreadableRow,
} from '../sync/assess.ts';
import { boundProducts, overBillingIn, overBillingRow } from '../sync/over-billing.ts';
import {
  executeOperations,
  holdOperations,
  resendable,
  sendStored,
  settleAbandoned,
  type WriteContext,
} from '../sync/writer.ts';
import type { Connected, Vendors } from '../tenants/vendors.ts';
import type { Pacer } from './budget.ts';
import { describeFailure, isTransient, type RunResult, recordedRun } from './recorded-run.ts';

export interface RunDeps {
  db: Database;
  vendors: Vendors;
  clock: Clock;
  logger: Logger;
  /** The tenant's ConnectWise request budget, shared by every process that works the tenant. */
  pacer?: (tenantId: string) => Pacer;
  concurrency?: number;
  /** Sends the tenant's digest after a run, when its settings ask for one. */
  mailer?: Mailer;
}

export interface RunOptions {
  /** `command`: `npm run sync` from a shell, under the API member like the schedule. */
  trigger: 'scheduled' | 'manual' | 'check' | 'command';
  /** Who asked: "schedule", or the member who pressed "Sync now" ("Kim Park (kpark)"). */
  requestedBy: string;
  /**
   * For "Sync now" by a member whose role may write: her own credentials. Her writes go to
   * ConnectWise as her and the Log names her; a manual run never borrows the API member.
   */
  member?: { cwAuth: CwAuth; memberId: string };
  /** Which try this is, when the job engine retries a run that failed for a passing reason. */
  attempt?: { number: number; of: number };
}

export type { RunResult } from './recorded-run.ts';

/** Operations a person must decide, whatever the settings allow. */
function needsPerson(op: { type: string }): string | null {
  if (op.type === 'create-extra-months') return 'Back-billing extra months is a decision for a person.';
  return null;
}

/**
 * A commitment a person lowered in ConnectWise is hers to decide: bill the committed seats
 * (review and sync) or absorb their cost (exclude the change, with a reason). No run raises it.
 */
function commitmentDecision(a: Assessment): string | null {
  const c = a.commitment;
  // Every change of its plan waits: a month invoiced ahead would bill the seats as surely as an increase.
  if (!c?.loweredInConnectWise) return null;
  const window =
    c.state === 'reducible' && c.windowClosesAt
      ? ` Its seats can still be reduced at the distributor until ${c.windowClosesAt}.`
      : ` It is committed until ${c.endsOn ?? 'its term ends'}.`;
  return (
    `A commitment decision: ConnectWise bills ${c.cwSeats} of its ${c.seats} committed seats, lowered by a person. ` +
    `Bill the committed seats (review and sync), or absorb the cost (exclude the change, with a reason).${window}`
  );
}

/**
 * One out-of-sync subscription under the API member: writes what the settings allow without a
 * person, and holds the rest (stored, so it is owed until a person writes or waives it). Drift
 * (a line the sync wrote, changed by hand) always waits for a person.
 */
async function syncSubscription(
  ctx: WriteContext,
  a: Assessment,
  allowed: Set<string>,
  actorName: string,
  today: string,
) {
  const plan = a.plan as Extract<PlanResult, { status: 'ok' }>;
  const header = {
    subscriptionId: a.subscription.id,
    cwAgreementId: a.agreement!.id,
    basis: plan.basis,
    confirmedBy: actorName,
  };
  const meta = { companyName: a.companyName, productName: a.subscription.productName };
  const held: string[] = [];
  const why = (op: { type: string; kind: string; title?: string; summary?: { title: string } }) =>
    needsPerson(op) ??
    commitmentDecision(a) ??
    (allowed.has(op.kind)
      ? null
      : `"${op.title ?? op.summary?.title}" (${op.kind}) is not allowed unattended in the settings.`);
  const toWrite = plan.operations.filter((op) => why(op) === null);
  const toHold = plan.operations.filter((op) => why(op) !== null);
  for (const op of toHold) held.push(why(op)!);
  const stored = a.carried.filter((row) => why(row) === null && resendable(row));
  for (const row of a.carried.filter((r) => !stored.includes(r)))
    held.push(why(row) ?? `"${row.summary.title}" failed earlier (${row.error ?? row.state}) and waits for a person.`);
  await holdOperations(ctx, header, toHold);
  const outcomes = [
    ...(toWrite.length > 0
      ? await executeOperations(ctx, header, toWrite, meta, { settleAbandoned: false, unattended: true })
      : []),
    ...(await sendStored(ctx, stored, meta, firstOpenDay(a.agreement!, today))),
  ];
  const ok = outcomes.filter((o) => (o.state === 'confirmed' || o.state === 'adopted') && !o.already).length;
  const failed = outcomes.filter((o) => o.state === 'failed' || o.state === 'skipped' || o.state === 'unknown');
  const decided = decideAfterWrite({
    held,
    failed,
    busy: outcomes.filter((o) => o.state === 'in-progress').map((o) => o.title),
  });
  a.state = decided.state as Assessment['state'];
  a.reason = decided.reason;
  return { writes: ok, failures: failed.length };
}

const runActorName = (options: RunOptions) =>
  options.trigger === 'scheduled'
    ? 'Scheduled sync'
    : options.trigger === 'command'
      ? 'Command line sync'
      : `${options.trigger === 'check' ? 'Check' : 'Sync now'} by ${options.requestedBy}`;

/** What a run found, saved for the reports: every subscription's state, and where ConnectWise bills more than the distributor. */
async function saveRunStatuses(
  db: Database,
  on: { scope: Scope; displayName: string; today: string; checkedAt: Date },
  { assessed, unreadable, agreements }: TenantAssessment,
  byCompany: Map<string, Assessment[]>,
) {
  const products = boundProducts(await listProductMappings(db, on.scope));
  const overBilled = [...byCompany.values()].flatMap((list) => {
    const first = list[0]!;
    const own = agreements.filter((x) => x.agreement.companyId === first.cwCompanyId);
    return overBillingIn(products, list, own, on.today, on.displayName).map((o) =>
      overBillingRow(
        o,
        {
          distributorCompanyId: first.subscription.companyId,
          companyName: first.companyName,
          cwCompanyId: first.cwCompanyId,
        },
        own.find((x) => x.agreement.id === o.agreementId)!.agreement.name,
        on.checkedAt,
      ),
    );
  });
  await saveStatuses(db, on.scope, [
    ...assessed.map((a) => statusRow(a, on.checkedAt)),
    ...unreadable.map((u) => unreadableRow(u, on.checkedAt)),
    ...overBilled,
  ]);
  await dropUnseenStatuses(db, on.scope, on.checkedAt);
}

/** What one run read of each connected distributor, and the distributors that refused it. */
interface RunReads {
  reads: { connected: Connected; assessment: TenantAssessment }[];
  refused: { connected: Connected; error: unknown }[];
}

async function assessEach(
  deps: RunDeps,
  on: Pick<AssessDeps, 'tenant' | 'cw' | 'today' | 'rules' | 'timeZone'>,
  connected: readonly Connected[],
): Promise<RunReads> {
  // Each distributor is read on its own: one that refuses its credentials is reported and
  // skipped, and the others are still synced. A passing outage fails the run, to be retried.
  const reads: { connected: Connected; assessment: TenantAssessment }[] = [];
  const refused: { connected: Connected; error: unknown }[] = [];
  for (const d of connected) {
    try {
      reads.push({
        connected: d,
        assessment: await assessTenant({
          now: () => deps.clock.now().toJSDate(),
          db: deps.db,
          ...on,
          distributor: d.distributor,
          concurrency: deps.concurrency,
        }),
      });
    } catch (error) {
      if (isTransient(error) || connected.length === 1) throw error;
      refused.push({ connected: d, error });
    }
  }
  return { reads, refused };
}

/**
 * One global sync of a tenant under its API member: read everything, plan with the same
 * planner and rules as the pod, write what the tenant allows unattended, and leave the rest
 * (conflicts, hand edits, extra months, kinds not allowed) in the unsynced report with the
 * reason. Exactly-once writes make a run that was interrupted safe to run again.
 */
export async function runTenantSync(deps: RunDeps, tenant: Tenant, options: RunOptions): Promise<RunResult> {
  if (options.trigger === 'manual' && !options.member)
    throw new Error('A manual sync writes as the member who asked; pass her credentials.');
  const now = () => deps.clock.now().toJSDate();
  const settings = await getSettings(deps.db, tenant.id);
  // The API member writes on the schedule only what a member allowed to edit agreements set up.
  const unattended = options.trigger === 'scheduled' || options.trigger === 'command';
  const unapproved = unattended && settings.approvedBy === null;
  const checkOnly = options.trigger === 'check' || unapproved;
  const actorName = runActorName(options);
  const start = { trigger: options.trigger, actor: actorName, label: 'sync run', attempt: options.attempt };
  return recordedRun(deps, tenant, start, async (run) => {
    const pacer = deps.pacer?.(tenant.id);
    const paced = pacer ? { beforeAttempt: async () => void (await pacer.take()) } : {};
    const member = options.trigger === 'manual' ? options.member : undefined;
    const cw = member ? deps.vendors.cw(tenant, member.cwAuth, paced) : deps.vendors.apiMemberCw(tenant, paced);
    const actor: Actor = member
      ? { type: 'member', memberId: member.memberId, name: actorName }
      : { type: 'scheduled', memberId: null, name: actorName };
    const base = { db: deps.db, tenant, actor, cw, now, syncRunId: run.id };
    // Writes an earlier run left unsettled, of every distributor: each row names its own.
    await settleAbandoned({ ...base, distributor: '' });
    const today = toIsoDay(deps.clock.now());
    const connected = await deps.vendors.distributors(tenant);
    if (connected.length === 0)
      throw new AppError('conflict', 'No distributor is connected; an admin connects one on the Connections page.');

    const { reads, refused } = await assessEach(
      deps,
      { tenant, cw, today, rules: settings.rules, timeZone: settings.timeZone },
      connected,
    );
    if (reads.length === 0) throw refused[0]!.error;
    const companiesOf = (assessed: Assessment[]) => {
      const byCompany = new Map<string, Assessment[]>();
      for (const a of assessed)
        byCompany.set(a.subscription.companyId, [...(byCompany.get(a.subscription.companyId) ?? []), a]);
      return byCompany;
    };
    const unreadableOf = ({ assessment: t }: (typeof reads)[number]) =>
      t.unreadable.length + t.assessed.filter((a) => a.problems.length > 0).length;
    const companiesTotal = reads.reduce((n, r) => n + companiesOf(r.assessment.assessed).size, 0);
    await run.progress({ companiesTotal, unreadable: reads.reduce((n, r) => n + unreadableOf(r), 0) });

    const allowed = new Set(settings.unattendedKinds);
    let companiesDone = 0;
    for (const { connected: d, assessment } of reads) {
      const { assessed } = assessment;
      const ctx: WriteContext = { ...base, distributor: d.kind };
      const scope = { tenantId: tenant.id, distributor: d.kind };
      const byCompany = companiesOf(assessed);
      // Companies are independent: several are written at once, within the request budget.
      await mapLimit([...byCompany.values()], deps.concurrency ?? 6, async (list) => {
        for (const a of list) {
          if (a.ignored || a.state !== 'out-of-sync' || a.plan?.status !== 'ok' || checkOnly) {
            // Whatever the run does not write is left for a person: the report lists each one.
            if (a.state !== 'in-sync' && !a.ignored) run.counts.needsReview++;
            continue;
          }
          const result = await syncSubscription(ctx, a, allowed, actorName, today);
          run.counts.writes += result.writes;
          run.counts.failures += result.failures;
          if ((a.state as Assessment['state']) === 'needs-review') run.counts.needsReview++;
        }
        companiesDone++;
        // Saved as it happens: a run stopped halfway still shows how far it got.
        await run.progress({ companiesDone, needsReview: run.counts.needsReview });
      });

      await saveRunStatuses(
        deps.db,
        { scope, displayName: d.displayName, today, checkedAt: now() },
        assessment,
        byCompany,
      );
    }
    return {
      outcome: run.counts.failures > 0 || refused.length > 0 ? 'partial' : 'succeeded',
      progress: { companiesDone: companiesTotal },
      note:
        [
          unapproved
            ? 'Nothing was written: unattended runs write only after a member whose ConnectWise role may edit agreements saves the sync settings.'
            : null,
          ...refused.map((r) => `${r.connected.displayName} was not synced: ${describeFailure(r.error)}`),
          ...reads.map((r) => {
            const n = unreadableOf(r);
            return n > 0
              ? `${n} ${n === 1 ? 'record' : 'records'} could not be read; each is listed in the unsynced ` +
                  `report with the value ${r.connected.displayName} sent.`
              : null;
          }),
        ]
          .filter(Boolean)
          .join(' ') || null,
    };
  });
}
