import { randomUUID } from 'node:crypto';
import { serviceMappingsFor } from '../../db/queries/mappings.ts';
import { closeInterruptedRuns, insertRun, updateRun } from '../../db/queries/runs.ts';
import { getSettings } from '../../db/queries/settings.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import { monthName, usDay } from '../../shared/billing/calendar.ts';
import { planUsage } from '../../shared/billing/usage/plan.ts';
import { toIsoDay } from '../../shared/dates.ts';
import type { Actor } from '../audit.ts';
import type { CwAgreement } from '../connectwise/types.ts';
import { mapLimit } from '../http/limit.ts';
import { type CatalogPrices, isUsage, loadUsage, usagePeriodOf } from '../sync/usage.ts';
import { executeOperations, holdOperations, settleAbandoned, type WriteContext } from '../sync/writer.ts';
import { isTransient, type RunDeps, type RunResult } from './run.ts';

export interface ArrearsOptions {
  /** `scheduled` by the tenant's arrears schedule, or `command` from a shell; both under the API member. */
  trigger: 'scheduled' | 'command';
  requestedBy: string;
}

const ACTOR_NAME = 'Arrears sync';

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
  const runId = randomUUID();
  const settings = await getSettings(deps.db, tenant.id);
  const checkOnly = settings.approvedBy === null;
  const startedAt = now();
  await insertRun(deps.db, tenant.id, {
    id: runId,
    trigger: options.trigger,
    actor: ACTOR_NAME,
    status: 'running',
    startedAt,
  });
  // A run that stopped ends, at the latest, when this one starts: never overlapping it.
  await closeInterruptedRuns(deps.db, tenant.id, runId, startedAt);
  let writes = 0;
  let failures = 0;
  let needsReview = 0;
  const notes: string[] = [];
  try {
    const pacer = deps.pacer?.(tenant.id);
    const cw = deps.vendors.apiMemberCw(tenant, pacer ? { beforeAttempt: async () => void (await pacer.take()) } : {});
    const actor: Actor = { type: 'scheduled', memberId: null, name: ACTOR_NAME };
    const allowed = settings.unattendedKinds.includes('usage');
    // Writes an earlier run left unsettled (its worker stopped, or no answer came), of every
    // distributor: re-read and adopted if they landed, before anything is planned again.
    await settleAbandoned({ db: deps.db, tenant, distributor: '', actor, cw, now, syncRunId: runId });
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
      const ctx: WriteContext = { db: deps.db, tenant, distributor: d.kind, actor, cw, now, syncRunId: runId };
      // ConnectWise is read in bulk: agreements 150 a request, each agreement's additions once.
      // One read serves every subscription on an agreement: each plans only the lines its own
      // markers name, so another's writes in this run change nothing it reads.
      const agreementIds = [...new Set([...mapped.values()].map((m) => m.cwAgreementId))];
      const agreements = new Map<number, CwAgreement>((await cw.agreements.byIds(agreementIds)).map((a) => [a.id, a]));
      const lists = await mapLimit([...agreements.keys()], deps.concurrency ?? 6, (id) => cw.additions.list(id));
      const additions = new Map([...agreements.keys()].map((id, i) => [id, lists[i]!]));
      // Catalog prices (for a distributor that counts without pricing) are read once for the run.
      const catalogPrices: CatalogPrices = new Map();
      await updateRun(deps.db, tenant.id, runId, { companiesTotal: mapped.size });
      let done = 0;
      await mapLimit(
        usage.filter((s) => mapped.has(s.id)),
        deps.concurrency ?? 6,
        async (subscription) => {
          try {
            const agreementId = mapped.get(subscription.id)!.cwAgreementId;
            const loaded = await loadUsage(deps.db, tenant, cw, d.distributor, subscription.id, today, {
              subscription,
              period,
              agreement: agreements.get(agreementId),
              additions: additions.get(agreementId),
              catalogPrices,
            });
            const plan = planUsage(loaded.input);
            const header = {
              subscriptionId: subscription.id,
              cwAgreementId: loaded.input.agreement.id,
              basis: plan.basis,
              confirmedBy: ACTOR_NAME,
            };
            const held =
              plan.status !== 'ok' || plan.overThreshold || !allowed || checkOnly || loaded.unapproved !== null;
            if (loaded.unapproved && plan.operations.length > 0)
              notes.push(`${loaded.companyName} ${subscription.productName}: ${loaded.unapproved}`);
            if (plan.status === 'blocked' || (plan.operations.length > 0 && held)) needsReview++;
            if (plan.operations.length === 0) return;
            if (held) return void (await holdOperations(ctx, header, plan.operations));
            const outcomes = await executeOperations(
              ctx,
              header,
              plan.operations,
              {
                companyName: loaded.companyName,
                productName: subscription.productName,
              },
              { settleAbandoned: false, unattended: true },
            );
            writes += outcomes.filter((o) => (o.state === 'confirmed' || o.state === 'adopted') && !o.already).length;
            failures += outcomes.filter(
              (o) => o.state === 'failed' || o.state === 'unknown' || o.state === 'skipped',
            ).length;
          } catch (error) {
            // An outage fails the run, for the engine to retry; one subscription that cannot be
            // planned (a paused mapping, a wrong company) waits for a person, and the others are billed.
            if (isTransient(error)) throw error;
            needsReview++;
            deps.logger.warn('arrears: a subscription could not be planned', {
              tenant: tenant.id,
              subscription: subscription.id,
              error,
            });
          } finally {
            done++;
            await updateRun(deps.db, tenant.id, runId, { companiesDone: done, needsReview });
          }
        },
      );
    }
    const outcome = failures > 0 ? 'partial' : 'succeeded';
    if (checkOnly)
      notes.unshift(
        'Nothing was written: unattended runs write only after a member whose ConnectWise role may edit agreements saves the sync settings.',
      );
    else if (!allowed && needsReview > 0)
      notes.unshift(
        'Usage lines wait for a person: "Usage (arrears)" is not among the kinds written without a person in the settings.',
      );
    await updateRun(deps.db, tenant.id, runId, {
      status: outcome,
      writes,
      failures,
      needsReview,
      error: notes.join(' ') || null,
      finishedAt: now(),
    });
    return { runId, outcome, writes, failures, needsReview };
  } catch (error) {
    deps.logger.error('arrears run failed', { tenant: tenant.id, runId, error });
    const message = (error as Error).message ?? String(error);
    await updateRun(deps.db, tenant.id, runId, { status: 'failed', error: message, needsReview, finishedAt: now() });
    return { runId, outcome: 'failed', writes, failures, needsReview, error: message, transient: isTransient(error) };
  }
}
