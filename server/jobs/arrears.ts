import { serviceMappingsFor } from '../../db/queries/mappings.ts';
import { getSettings } from '../../db/queries/settings.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import { monthName, usDay } from '../../shared/billing/calendar.ts';
import { isUsage, planUsage } from '../../shared/billing/usage/plan.ts';
import { toIsoDay } from '../../shared/dates.ts';
import type { Actor } from '../audit.ts';
import type { CwAgreement } from '../connectwise/types.ts';
import { mapLimit } from '../http/limit.ts';
import { type CatalogPrices, type LoadedUsage, loadUsage, usagePeriodOf } from '../sync/usage.ts';
import { executeOperations, holdOperations, settleAbandoned, type WriteContext } from '../sync/writer.ts';
import { isTransient, type RecordedRun, type RunResult, recordedRun } from './recorded-run.ts';
import type { RunDeps } from './run.ts';

export interface ArrearsOptions {
  /** `scheduled` by the tenant's arrears schedule, or `command` from a shell; both under the API member. */
  trigger: 'scheduled' | 'command';
  requestedBy: string;
}

const ACTOR_NAME = 'Arrears sync';

/**
 * One usage subscription's month: planned, then written when the run may bill it unattended
 * (the settings allow usage, its values were approved, it is under its threshold), held for a
 * person otherwise. Keys hold the period, so a second run writes nothing.
 */
async function billUsage(
  ctx: WriteContext,
  run: RecordedRun,
  loaded: LoadedUsage,
  productName: string,
  on: { unattended: boolean; notes: string[] },
) {
  const plan = planUsage(loaded.input);
  const header = {
    subscriptionId: loaded.input.subscription.id,
    cwAgreementId: loaded.input.agreement.id,
    basis: plan.basis,
    confirmedBy: ACTOR_NAME,
  };
  const held = plan.status !== 'ok' || plan.overThreshold || !on.unattended || loaded.unapproved !== null;
  if (loaded.unapproved && plan.operations.length > 0)
    on.notes.push(`${loaded.companyName} ${productName}: ${loaded.unapproved}`);
  if (plan.status === 'blocked' || (plan.operations.length > 0 && held)) run.counts.needsReview++;
  if (plan.operations.length === 0) return;
  if (held) return void (await holdOperations(ctx, header, plan.operations));
  const outcomes = await executeOperations(
    ctx,
    header,
    plan.operations,
    {
      companyName: loaded.companyName,
      productName,
    },
    { settleAbandoned: false, unattended: true },
  );
  run.counts.writes += outcomes.filter((o) => (o.state === 'confirmed' || o.state === 'adopted') && !o.already).length;
  run.counts.failures += outcomes.filter(
    (o) => o.state === 'failed' || o.state === 'unknown' || o.state === 'skipped',
  ).length;
}

/**
 * Bills last month's usage for every mapped usage subscription, once its period is final (on
 * or after the tenant's arrears day, never before the distributor's). Under the API member,
 * with the same planner, writer and unattended rules as the seat sync: usage lines are written
 * when the settings allow `usage` unattended; a month past its threshold, a blocked plan or a
 * kind not allowed waits for a person. Keys hold the period, so a second run writes nothing.
 */
export async function runTenantArrears(deps: RunDeps, tenant: Tenant, options: ArrearsOptions): Promise<RunResult> {
  const now = () => deps.clock.now().toJSDate();
  const today = toIsoDay(deps.clock.now());
  const settings = await getSettings(deps.db, tenant.id);
  const checkOnly = settings.approvedBy === null;
  const notes: string[] = [];
  const start = { trigger: options.trigger, actor: ACTOR_NAME, label: 'arrears run' };
  return recordedRun(deps, tenant, start, async (run) => {
    const pacer = deps.pacer?.(tenant.id);
    const cw = deps.vendors.apiMemberCw(tenant, pacer ? { beforeAttempt: async () => void (await pacer.take()) } : {});
    const actor: Actor = { type: 'scheduled', memberId: null, name: ACTOR_NAME };
    const allowed = settings.unattendedKinds.includes('usage');
    // Writes an earlier run left unsettled (its worker stopped, or no answer came), of every
    // distributor: re-read and adopted if they landed, before anything is planned again.
    await settleAbandoned({ db: deps.db, tenant, distributor: '', actor, cw, now, syncRunId: run.id });
    for (const d of await deps.vendors.distributors(tenant)) {
      if (!d.distributor.capabilities.usage) continue;
      const period = usagePeriodOf(d.distributor, today, settings.rules);
      if (!period.final) {
        notes.push(
          `${d.displayName}: ${monthName(period.from)}'s usage is final from ${usDay(period.finalFrom)}; nothing was written.`,
        );
        continue;
      }
      const scope = { tenantId: tenant.id, distributor: d.kind };
      const usage = (await d.distributor.subscriptions()).items.filter((s) => isUsage(s) && s.status === 'Active');
      const mapped = new Map(
        (
          await serviceMappingsFor(
            deps.db,
            scope,
            usage.map((s) => s.id),
          )
        )
          .filter((m) => m.status === 'mapped')
          .map((m) => [m.subscriptionId, m]),
      );
      const ctx: WriteContext = { db: deps.db, tenant, distributor: d.kind, actor, cw, now, syncRunId: run.id };
      // ConnectWise is read in bulk: agreements 150 a request, each agreement's additions once.
      // One read serves every subscription on an agreement: each plans only the lines its own
      // markers name, so another's writes in this run change nothing it reads.
      const agreementIds = [...new Set([...mapped.values()].map((m) => m.cwAgreementId))];
      const agreements = new Map<number, CwAgreement>((await cw.agreements.byIds(agreementIds)).map((a) => [a.id, a]));
      const lists = await mapLimit([...agreements.keys()], deps.concurrency ?? 6, (id) => cw.additions.list(id));
      const additions = new Map([...agreements.keys()].map((id, i) => [id, lists[i]!]));
      // Catalog prices (for a distributor that counts without pricing) are read once for the run.
      const catalogPrices: CatalogPrices = new Map();
      await run.progress({ companiesTotal: mapped.size });
      let done = 0;
      await mapLimit(
        usage.filter((s) => mapped.has(s.id)),
        deps.concurrency ?? 6,
        async (subscription) => {
          try {
            const agreementId = mapped.get(subscription.id)!.cwAgreementId;
            const loaded = await loadUsage(
              { db: deps.db, tenant, cw, distributor: d.distributor, today },
              subscription.id,
              {
                subscription,
                period,
                agreement: agreements.get(agreementId),
                additions: additions.get(agreementId),
                catalogPrices,
              },
            );
            await billUsage(ctx, run, loaded, subscription.productName, { unattended: allowed && !checkOnly, notes });
          } catch (error) {
            // An outage fails the run, for the engine to retry; one subscription that cannot be
            // planned (a paused mapping, a wrong company) waits for a person, and the others are billed.
            if (isTransient(error)) throw error;
            run.counts.needsReview++;
            deps.logger.warn('arrears: a subscription could not be planned', {
              tenant: tenant.id,
              subscription: subscription.id,
              error,
            });
          } finally {
            done++;
            await run.progress({ companiesDone: done, needsReview: run.counts.needsReview });
          }
        },
      );
    }
    if (checkOnly)
      notes.unshift(
        'Nothing was written: unattended runs write only after a member whose ConnectWise role may edit agreements saves the sync settings.',
      );
    else if (!allowed && run.counts.needsReview > 0)
      notes.unshift(
        'Usage lines wait for a person: "Usage (arrears)" is not among the kinds written without a person in the settings.',
      );
    return {
      outcome: run.counts.failures > 0 ? 'partial' : 'succeeded',
      note: notes.join(' ') || null,
      progress: { writes: run.counts.writes, failures: run.counts.failures },
    };
  });
}
