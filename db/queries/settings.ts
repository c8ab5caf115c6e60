import { desc, eq } from 'drizzle-orm';
import { z } from 'zod/mini';
import { syncRulesSchema, type TenantSettings, type TenantSettingsView } from '../../shared/schemas/settings.ts';
import type { Database } from '../client.ts';
import { settingsChanges, tenantSettings } from '../schema.ts';

const DEFAULTS: TenantSettings = {
  autoSync: false,
  schedule: '0 0 * * *',
  timeZone: 'UTC',
  unattendedKinds: [],
  rules: z.parse(syncRulesSchema, {}),
};

/** A tenant's settings, or the defaults (auto-sync off, daily at 00:00 UTC) if never saved. */
export async function getSettings(db: Database, tenantId: string): Promise<TenantSettingsView> {
  const [row] = await db.select().from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId)).limit(1);
  if (!row) return { ...DEFAULTS, updatedBy: null, updatedAt: null, approvedBy: null };
  return {
    autoSync: row.autoSync,
    schedule: row.schedule,
    timeZone: row.timeZone,
    unattendedKinds: row.unattendedKinds as TenantSettings['unattendedKinds'],
    rules: z.parse(syncRulesSchema, row.rules),
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
    approvedBy: row.approvedBy,
  };
}

/** Saves settings as `updatedBy`, whose role the caller has checked allows editing agreements. */
export async function saveSettings(
  db: Database,
  tenantId: string,
  settings: TenantSettings,
  updatedBy: string,
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<TenantSettingsView> {
  const values = { ...settings, tenantId, updatedBy, approvedBy: updatedBy, updatedAt: at };
  await db.transaction(async (tx) => {
    const [old] = await tx.select().from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId)).limit(1);
    await tx.insert(tenantSettings).values(values).onConflictDoUpdate({ target: tenantSettings.tenantId, set: values });
    await tx.insert(settingsChanges).values({
      tenantId,
      changedBy: updatedBy,
      changedAt: values.updatedAt,
      before: old
        ? {
            autoSync: old.autoSync,
            schedule: old.schedule,
            timeZone: old.timeZone,
            unattendedKinds: old.unattendedKinds,
            rules: old.rules as TenantSettings['rules'],
          }
        : null,
      after: settings,
    });
  });
  return getSettings(db, tenantId);
}

/**
 * Keeps one change to a value the API member bills with unattended (a markup, a usage
 * setting, a sync switch), with who and before/after, in the settings history.
 */
export async function recordSettingChange(
  db: Pick<Database, 'insert'>,
  change: {
    tenantId: string;
    subject: string;
    label: string;
    changedBy: string;
    changedAt: Date;
    before: Record<string, unknown> | null;
    after: Record<string, unknown>;
  },
) {
  await db.insert(settingsChanges).values(change);
}

/** The latest saves of a tenant's settings, newest first. */
export async function settingsHistory(db: Database, tenantId: string, limit = 20) {
  return db
    .select()
    .from(settingsChanges)
    .where(eq(settingsChanges.tenantId, tenantId))
    .orderBy(desc(settingsChanges.changedAt))
    .limit(limit);
}
