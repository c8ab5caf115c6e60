import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import { closeInterruptedRuns, insertRun, type RunProgress, updateRun } from '../../db/queries/runs.ts';
import { getSettings } from '../../db/queries/settings.ts';
import { acquireLease, releaseLease, renewLease, saveStatuses } from '../../db/queries/status.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import type { Operation } from '../../shared/billing/operations.ts';
import { toIsoDay } from '../../shared/dates.ts';
import type { Actor } from '../audit.ts';
import type { Clock } from '../clock.ts';
import { mapLimit } from '../http/limit.ts';
import type { Pacer } from '../http/pacer.ts';
import type { Logger } from '../logger.ts';
import { type Assessment, assessTenant, statusRow } from '../sync/assess.ts';
import { executeOperations, findDrift, settleAbandoned, type WriteContext } from '../sync/writer.ts';
import type { Vendors } from '../tenants/vendors.ts';

export interface RunDeps {
  db: Database;
  vendors: Vendors;
  clock: Clock;
  logger: Logger;
  /** Names this process in the lease. */
  holder: string;
  /** The tenant's ConnectWise request budget, shared by every sync of that tenant in this process. */
  pacer?: (tenantId: string) => Pacer;
  leaseMs?: number;
  concurrency?: number;
}

export interface RunOptions {
  trigger: 'scheduled' | 'manual' | 'check';
  /** Who asked: "Scheduled sync", or the member who pressed "sync now". */
  requestedBy: string;
}

export type RunResult =
  | { status: 'busy' }
  | { status: 'done'; runId: string; outcome: string; writes: number; failures: number; needsReview: number };

/** Operations a person must decide, whatever the settings allow. */
function needsPerson(op: Operation): string | null {
  if (op.type === 'create-extra-months') return 'Back-billing extra months is a decision for a person.';
  return null;
}

/**
 * One global sync of a tenant under its API member: read everything, plan with the same
 * planner and rules as the pod, write what the tenant allows unattended, and leave the rest
 * (conflicts, hand edits, extra months, kinds not allowed) in the unsynced report with the
 * reason. Exactly-once writes make a run that was interrupted safe to run again.
 */
export async function runTenantSync(deps: RunDeps, tenant: Tenant, options: RunOptions): Promise<RunResult> {
  const now = () => deps.clock.now().toJSDate();
  const leaseMs = deps.leaseMs ?? 120_000;
  const runId = randomUUID();
  if (!(await acquireLease(deps.db, tenant.id, deps.holder, runId, new Date(now().getTime() + leaseMs), now())))
    return { status: 'busy' };
  const heartbeat = setInterval(
    () => void renewLease(deps.db, tenant.id, deps.holder, new Date(now().getTime() + leaseMs)).catch(() => {}),
    Math.max(1_000, leaseMs / 3),
  );
  const actorName =
    options.trigger === 'scheduled'
      ? 'Scheduled sync'
      : `${options.trigger === 'check' ? 'Check' : 'Sync now'} by ${options.requestedBy}`;
  await insertRun(deps.db, tenant.id, {
    id: runId,
    trigger: options.trigger,
    actor: actorName,
    status: 'running',
    startedAt: now(),
  });
  await closeInterruptedRuns(deps.db, tenant.id, runId, now());
  const progress = (v: RunProgress) => updateRun(deps.db, tenant.id, runId, v);
  let writes = 0;
  let failures = 0;
  let needsReview = 0;
  try {
    const settings = await getSettings(deps.db, tenant.id);
    const pacer = deps.pacer?.(tenant.id);
    const cw = deps.vendors.apiMemberCw(tenant, pacer ? { beforeAttempt: () => pacer.take() } : {});
    const actor: Actor = { type: 'scheduled', memberId: null, name: actorName };
    const ctx: WriteContext = { db: deps.db, tenant, actor, cw, now, syncRunId: runId };
    await settleAbandoned(ctx);
    const today = toIsoDay(deps.clock.now());
    const assessed = await assessTenant({
      db: deps.db,
      tenant,
      cw,
      distributor: deps.vendors.distributor(tenant),
      today,
      rules: settings.rules,
      concurrency: deps.concurrency,
    });
    const byCompany = new Map<string, Assessment[]>();
    for (const a of assessed)
      byCompany.set(a.subscription.companyId, [...(byCompany.get(a.subscription.companyId) ?? []), a]);
    await progress({ companiesTotal: byCompany.size });

    const allowed = new Set(settings.unattendedKinds);
    let companiesDone = 0;
    // Companies are independent: several are written at once, within the request budget.
    await mapLimit([...byCompany.values()], deps.concurrency ?? 6, async (list) => {
      for (const a of list) {
        if (a.ignored || a.state !== 'out-of-sync' || a.plan?.status !== 'ok' || options.trigger === 'check') continue;
        const drift = await findDrift(
          deps.db,
          tenant.id,
          a.input!.additions.filter((x) => x.catalogItemId === a.input!.product.catalogItemId),
        );
        const held: string[] = [];
        if (drift.length > 0) held.push(drift.map((d) => d.message).join(' '));
        const ops = a.plan.operations.filter((op) => {
          const why =
            needsPerson(op) ??
            (allowed.has(op.kind) ? null : `"${op.title}" (${op.kind}) is not allowed unattended in the settings.`);
          if (why) held.push(why);
          return why === null;
        });
        if (drift.length > 0 || ops.length === 0) {
          a.state = 'needs-review';
          a.reason = held.join(' ');
          needsReview++;
          continue;
        }
        const outcomes = await executeOperations(
          ctx,
          {
            subscriptionId: a.subscription.id,
            cwAgreementId: a.agreement!.id,
            basis: a.plan.basis,
            confirmedBy: actorName,
          },
          ops,
          { companyName: a.companyName, productName: a.subscription.productName },
          { settleAbandoned: false },
        );
        const ok = outcomes.filter((o) => (o.state === 'confirmed' || o.state === 'adopted') && !o.already).length;
        const bad = outcomes.filter((o) => o.state === 'failed' || o.state === 'skipped').length;
        writes += ok;
        failures += bad;
        if (bad === 0 && held.length === 0) a.state = 'in-sync';
        else {
          a.state = 'needs-review';
          a.reason = [...held, ...outcomes.filter((o) => o.error).map((o) => `${o.title}: ${o.error}`)].join(' ');
          needsReview++;
        }
      }
      companiesDone++;
      if (companiesDone % 10 === 0 || companiesDone === byCompany.size)
        await progress({ companiesDone, writes, failures, needsReview });
    });

    const checkedAt = now();
    await saveStatuses(
      deps.db,
      tenant.id,
      assessed.map((a) => statusRow(tenant.id, a, checkedAt)),
    );
    const outcome = failures > 0 ? 'partial' : 'succeeded';
    await progress({
      status: outcome,
      companiesDone: byCompany.size,
      writes,
      failures,
      needsReview,
      finishedAt: now(),
    });
    return { status: 'done', runId, outcome, writes, failures, needsReview };
  } catch (error) {
    deps.logger.error('sync run failed', { tenant: tenant.id, runId, error });
    await progress({
      status: 'failed',
      error: (error as Error).message,
      writes,
      failures,
      needsReview,
      finishedAt: now(),
    });
    return { status: 'done', runId, outcome: 'failed', writes, failures, needsReview };
  } finally {
    clearInterval(heartbeat);
    await releaseLease(deps.db, tenant.id, deps.holder);
  }
}
