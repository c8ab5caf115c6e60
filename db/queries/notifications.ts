import { and, desc, eq, ne } from 'drizzle-orm';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  type DigestRecord,
  type NotificationSettings,
  type NotificationSettingsView,
} from '../../shared/schemas/notifications.ts';
import type { Database } from '../client.ts';
import { digests, notificationSettings } from '../schema.ts';

// Every query takes the tenant id first: no tenant reads another's recipients or digests.

export async function getNotificationSettings(db: Database, tenantId: string): Promise<NotificationSettingsView> {
  const [row] = await db
    .select()
    .from(notificationSettings)
    .where(eq(notificationSettings.tenantId, tenantId))
    .limit(1);
  if (!row) return { ...DEFAULT_NOTIFICATION_SETTINGS, updatedBy: null, updatedAt: null };
  return {
    ...DEFAULT_NOTIFICATION_SETTINGS,
    ...row.settings,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function saveNotificationSettings(
  db: Database,
  tenantId: string,
  settings: NotificationSettings,
  updatedBy: string,
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<NotificationSettingsView> {
  const values = { tenantId, settings, updatedBy, updatedAt: at };
  await db
    .insert(notificationSettings)
    .values(values)
    .onConflictDoUpdate({ target: notificationSettings.tenantId, set: values });
  return getNotificationSettings(db, tenantId);
}

export async function insertDigest(
  db: Database,
  tenantId: string,
  digest: Omit<typeof digests.$inferInsert, 'tenantId' | 'id'>,
): Promise<void> {
  await db.insert(digests).values({ ...digest, tenantId });
}

/**
 * Claims the tenant's daily digest for `day` before anything is sent: the claimed row's id for
 * the one run that claims it, null for any other that day, whatever runs the daily job.
 */
export async function claimDailyDigest(db: Database, tenantId: string, day: string, at: Date): Promise<number | null> {
  const [row] = await db
    .insert(digests)
    .values({
      tenantId,
      day,
      at,
      trigger: 'daily',
      recipients: [],
      subject: '',
      items: 0,
      emailed: false,
      error: 'Claimed; sending did not finish.',
    })
    .onConflictDoNothing()
    .returning({ id: digests.id });
  return row?.id ?? null;
}

/** What a claimed daily digest did, once sent. */
export async function finishDigest(
  db: Database,
  tenantId: string,
  id: number,
  digest: Omit<typeof digests.$inferInsert, 'tenantId' | 'id' | 'day' | 'trigger'>,
): Promise<void> {
  await db
    .update(digests)
    .set(digest)
    .where(and(eq(digests.tenantId, tenantId), eq(digests.id, id)));
}

/** When the last real digest went: the status changes it reports are those since then. */
export async function lastDigestAt(db: Database, tenantId: string, except: number | null = null): Promise<Date | null> {
  const [row] = await db
    .select({ at: digests.at })
    .from(digests)
    .where(
      and(
        eq(digests.tenantId, tenantId),
        ne(digests.trigger, 'test'),
        except === null ? undefined : ne(digests.id, except),
      ),
    )
    .orderBy(desc(digests.at))
    .limit(1);
  return row?.at ?? null;
}

export async function recentDigests(db: Database, tenantId: string, limit = 20): Promise<DigestRecord[]> {
  const rows = await db
    .select()
    .from(digests)
    .where(eq(digests.tenantId, tenantId))
    .orderBy(desc(digests.at), desc(digests.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    trigger: r.trigger,
    recipients: r.recipients,
    subject: r.subject,
    items: r.items,
    emailed: r.emailed,
    ticketId: r.ticketId,
    error: r.error,
  }));
}
