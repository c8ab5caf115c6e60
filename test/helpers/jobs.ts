import type { PgBoss } from 'pg-boss';
import { SYNC_QUEUE } from '../../server/jobs/engine.ts';
import type { SyncJobData } from '../../server/jobs/sync-jobs.ts';

type State = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

/** Waits until a job (a sync, unless another queue is named) reaches one of `states` (by default: it ended), and returns it. */
export async function jobReaches(
  boss: PgBoss,
  id: string,
  states: State[] = ['completed', 'failed', 'cancelled'],
  timeoutMs = 60_000,
  queue = SYNC_QUEUE,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [job] = await boss.findJobs<SyncJobData>(queue, { id });
    if (job && states.includes(job.state)) return job;
    if (Date.now() > until) throw new Error(`job ${id} is ${job?.state ?? 'gone'}, not ${states.join(' or ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
