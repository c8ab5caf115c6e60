import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { syncRuns } from '../../db/schema.ts';
import { pinnedDayClock } from '../../server/clock.ts';
import { createSecretBox } from '../../server/crypto.ts';
import { mapLimit } from '../../server/http/limit.ts';
import { SYNC_QUEUE } from '../../server/jobs/engine.ts';
import { startJobs } from '../../server/jobs/start.ts';
import { createLogger } from '../../server/logger.ts';
import { createVendors } from '../../server/tenants/vendors.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { LAUNCHER } from '../helpers/process.ts';
import { type BenchVendorTenant, setupBenchTenant } from './bench-tenant.ts';
import { BENCH_TODAY, type jobMappings } from './bench-world.ts';
import type { Figure } from './report.ts';

const TENANTS = 200;
const LATENCY_MS = 50;
const BUDGET = 600;
const PER_WORKER = 4;
const root = fileURLToPath(new URL('../..', import.meta.url));

type VendorTenant = BenchVendorTenant & { mappings: ReturnType<typeof jobMappings> };

interface Round {
  wallMs: number;
  runWrites: number;
  logged: number;
  cwWrites: number;
  duplicates: number;
  maxPerMinute: number;
  refused: number;
  overheadMs: number;
  failed: number;
}

const lines = (child: ChildProcess): Interface => createInterface({ input: child.stdout! });
const nextLine = (rl: Interface) => new Promise<string>((resolve) => rl.once('line', resolve));

/**
 * One round: 200 fresh tenants, each with its own ConnectWise and Pax8, and `workers` worker
 * processes on one Postgres. Every tenant's sync is queued at once; the round ends when the
 * last job has.
 */
async function round(workers: number): Promise<Round> {
  const vendorsProcess = spawn(
    process.execPath,
    [LAUNCHER, fileURLToPath(new URL('./scale-vendors.ts', import.meta.url)), String(TENANTS), String(LATENCY_MS)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const vendorLines = lines(vendorsProcess);
  const tenants = JSON.parse(await nextLine(vendorLines)) as VendorTenant[];
  const database = await createTestDatabase();
  const key = randomBytes(32).toString('base64');
  const secrets = createSecretBox(Buffer.from(key, 'base64'));
  const db = database.db;
  const ids = await mapLimit(tenants, 8, ({ mappings, ...vendor }) => setupBenchTenant(db, secrets, vendor, mappings));

  // This process only queues and watches; the workers are processes of their own.
  const logger = createLogger('error');
  const jobs = await startJobs({
    database,
    logger,
    clock: pinnedDayClock(BENCH_TODAY),
    secrets,
    vendors: createVendors({
      sandbox: true,
      now: () => new Date(),
      db: database.db,
      secrets,
    }),
    budgetPerMinute: BUDGET,
  });
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATABASE_URL: database.url!,
    APP_SECRET_KEY: key,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'scale-')),
    LOG_LEVEL: 'error',
    SANDBOX_TODAY: BENCH_TODAY,
    SYNC_BUDGET_PER_MINUTE: String(BUDGET),
    JOB_CONCURRENCY: String(PER_WORKER),
  };
  const children = Array.from({ length: workers }, () =>
    spawn(process.execPath, [LAUNCHER, join(root, 'server/worker.ts')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(children.map((c) => nextLine(lines(c))));

  const started = performance.now();
  const jobIds = await Promise.all(
    ids.map((tenantId) => jobs.sync.enqueue({ tenantId, trigger: 'scheduled', requestedBy: 'schedule' })),
  );
  const wanted = new Set(jobIds.map((id) => id!));
  for (;;) {
    const [row] = (await db.execute(
      sql`select count(*)::int as n from pgboss.job where name = ${SYNC_QUEUE} and state in ('completed', 'failed')`,
    )) as unknown as { n: number }[];
    if (Number(row!.n) >= wanted.size) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const wallMs = performance.now() - started;

  const done = await jobs.boss.findJobs(SYNC_QUEUE, { limit: 1000 });
  const runs = await db.select().from(syncRuns);
  const runByTenant = new Map(runs.map((r) => [r.tenantId, r]));
  const overheads = done
    .filter((j) => j.state === 'completed')
    .map((j) => {
      const meta = j as unknown as { startedOn: Date; completedOn: Date; data: { tenantId: string } };
      const run = runByTenant.get(meta.data.tenantId)!;
      const jobMs = new Date(meta.completedOn).getTime() - new Date(meta.startedOn).getTime();
      return jobMs - (run.finishedAt!.getTime() - run.startedAt.getTime());
    });
  const [logged] = (await db.execute(
    sql`select count(*)::int as n from adjustment_log where outcome = 'success' and action like 'addition.%'`,
  )) as unknown as { n: number }[];
  vendorsProcess.stdin!.write('report\n');
  const report = JSON.parse(await nextLine(vendorLines)) as {
    writes: number;
    duplicates: number;
    maxPerMinute: number;
    refused: number;
  }[];

  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));
  await jobs.stop(1_000);
  await database.close();
  vendorsProcess.kill('SIGTERM');
  return {
    wallMs,
    runWrites: runs.reduce((n, r) => n + r.writes, 0),
    logged: Number(logged!.n),
    cwWrites: report.reduce((n, r) => n + r.writes, 0),
    duplicates: report.reduce((n, r) => n + r.duplicates, 0),
    maxPerMinute: Math.max(...report.map((r) => r.maxPerMinute)),
    refused: report.reduce((n, r) => n + r.refused, 0),
    overheadMs: overheads.sort((a, b) => a - b)[Math.floor(overheads.length / 2)] ?? 0,
    failed: done.filter((j) => j.state !== 'completed').length,
  };
}

/**
 * Scale-out on Postgres: 200 tenants × 25 subscriptions at 50 ms vendor latency, worked by one
 * worker process and then by three. Reports the wall times, the speed-up, that every tenant's
 * additions were written exactly once, that each tenant stayed within its request budget, and
 * the queue's own time per job (a job's time in pg-boss beyond its run).
 */
export async function benchScale(): Promise<Figure[]> {
  // Several processes share one database only on Postgres: the local one unless told otherwise.
  const before = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = before ?? 'postgres://postgres@127.0.0.1:5432/test';
  let one: Round;
  let three: Round;
  try {
    one = await round(1);
    three = await round(3);
  } finally {
    if (before === undefined) delete process.env.TEST_DATABASE_URL;
  }
  const speedUp = one.wallMs / three.wallMs;
  const exact = (r: Round) =>
    r.cwWrites > 0 && r.cwWrites === r.runWrites && r.logged === r.cwWrites && r.duplicates === 0;
  return [
    { name: `1 worker (${PER_WORKER} jobs at once): wall time`, value: one.wallMs, unit: 'ms' },
    { name: `3 workers (${PER_WORKER} jobs at once each): wall time`, value: three.wallMs, unit: 'ms' },
    { name: 'speed-up, 3 workers over 1', value: speedUp, unit: '×', target: '≥ 2.5', pass: speedUp >= 2.5 },
    {
      name: 'jobs that did not complete',
      value: one.failed + three.failed,
      unit: 'jobs',
      target: '= 0',
      pass: one.failed + three.failed === 0,
    },
    {
      name: '1 worker: writes ConnectWise took (= runs = Log)',
      value: one.cwWrites,
      unit: 'writes',
      target: `= ${one.runWrites} / ${one.logged}, none twice`,
      pass: exact(one),
    },
    {
      name: '3 workers: writes ConnectWise took (= runs = Log)',
      value: three.cwWrites,
      unit: 'writes',
      target: `= ${three.runWrites} / ${three.logged}, none twice`,
      pass: exact(three) && three.cwWrites === one.cwWrites,
    },
    {
      name: 'most requests a tenant made in any minute',
      value: Math.max(one.maxPerMinute, three.maxPerMinute),
      unit: 'req/min',
      target: `≤ ${BUDGET}, no 429`,
      pass: Math.max(one.maxPerMinute, three.maxPerMinute) <= BUDGET && one.refused + three.refused === 0,
    },
    {
      name: "queue's own time per job (median, 3 workers)",
      value: three.overheadMs,
      unit: 'ms',
      target: '≤ 20',
      pass: three.overheadMs <= 20,
    },
  ];
}
