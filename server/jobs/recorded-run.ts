import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import { closeInterruptedRuns, insertRun, type RunProgress, updateRun } from '../../db/queries/runs.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import type { Clock } from '../clock.ts';
import { sleep } from '../http/retry.ts';
import { VendorError } from '../http/vendor-error.ts';
import type { Logger } from '../logger.ts';

/** What started a run, as the run history records it. */
type RunTrigger = Parameters<typeof insertRun>[2]['trigger'];

export interface RunResult {
  runId: string;
  outcome: 'succeeded' | 'partial' | 'failed';
  writes: number;
  failures: number;
  needsReview: number;
  /** Why a failed run stopped, and whether trying again later can help (an outage, not a refusal). */
  error?: string;
  transient?: boolean;
}

/** What a run has done so far: kept by its body, reported however the run ends. */
export interface RunCounts {
  writes: number;
  failures: number;
  needsReview: number;
}

/** A run as its body sees it: its id, its counts, and how it saves its progress. */
export interface RecordedRun {
  id: string;
  counts: RunCounts;
  progress: (v: RunProgress) => Promise<void>;
}

/** How a run's body ended, when it did not throw. */
export interface RunEnd {
  outcome: 'succeeded' | 'partial';
  /** What a person should know about it (what was not written, and why). */
  note: string | null;
  /**
   * Saved with its end besides the count of what needs review: the seat sync's companies done;
   * the arrears sync's writes and failures (the seat sync's are counted on the run as they settle).
   */
  progress?: RunProgress;
}

/**
 * A run of either job (the seat sync, the arrears sync), recorded from start to end: it is in
 * the run history from its first moment, a run a killed worker left open ends when this one
 * starts, its counts are saved however it ends, and a failure says whether it will be tried
 * again. The body does the work; this is the part every run shares.
 */
export async function recordedRun(
  deps: { db: Database; clock: Clock; logger: Logger },
  tenant: Tenant,
  start: { trigger: RunTrigger; actor: string; label: string; attempt?: { number: number; of: number } },
  body: (run: RecordedRun) => Promise<RunEnd>,
): Promise<RunResult> {
  const now = () => deps.clock.now().toJSDate();
  const id = randomUUID();
  const startedAt = now();
  await insertRun(deps.db, tenant.id, { id, trigger: start.trigger, actor: start.actor, status: 'running', startedAt });
  // A run that stopped ends, at the latest, when this one starts: never overlapping it.
  await closeInterruptedRuns(deps.db, tenant.id, id, startedAt);
  const counts: RunCounts = { writes: 0, failures: 0, needsReview: 0 };
  const progress = (v: RunProgress) => updateRun(deps.db, tenant.id, id, v);
  try {
    const end = await body({ id, counts, progress });
    await progress({
      ...end.progress,
      needsReview: counts.needsReview,
      status: end.outcome,
      error: end.note,
      finishedAt: now(),
    });
    return { runId: id, outcome: end.outcome, ...counts };
  } catch (error) {
    deps.logger.error(`${start.label} failed`, { tenant: tenant.id, runId: id, error });
    const again = start.attempt && isTransient(error);
    await recordEnd(progress, {
      status: 'failed',
      error:
        describeFailure(error) +
        (!again
          ? ''
          : start.attempt!.number < start.attempt!.of
            ? ` It will be tried again automatically (attempt ${start.attempt!.number} of ${start.attempt!.of}).`
            : ` Given up after ${start.attempt!.of} attempts; the next scheduled run or Sync now starts afresh.`),
      needsReview: counts.needsReview,
      finishedAt: now(),
    });
    return {
      runId: id,
      outcome: 'failed',
      ...counts,
      error: describeFailure(error),
      transient: isTransient(error),
    };
  }
}

/** A database that stopped answering is named as such, not as a crash of the server. */
export function describeFailure(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  return isOutage(error)
    ? `The database was unavailable during the run (${message}). Nothing was written twice; the next run settles what this one started.`
    : message;
}

/** The network or the database went away (by its error code), as opposed to a refusal. */
function isOutage(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P0[1-3]|08\d{3}|CONNECTION_)/.test(e.code ?? e.cause?.code ?? '');
}

/** An outage worth trying again: the network, a vendor's 5xx or rate limit, the database gone. */
export function isTransient(error: unknown): boolean {
  return error instanceof VendorError ? error.retryable : isOutage(error);
}

/** Records a run's end; while the database is unavailable, tries again for up to a minute. */
async function recordEnd(progress: (v: RunProgress) => Promise<void>, v: RunProgress) {
  for (let wait = 500; ; wait *= 2) {
    try {
      return await progress(v);
    } catch (error) {
      if (wait > 32_000) throw error;
      await sleep(wait);
    }
  }
}
