import { and, eq, gt, lt } from 'drizzle-orm';
import type { Permissions } from '../../shared/schemas/permissions.ts';
import type { Database } from '../client.ts';
import { memberSessions } from '../schema.ts';

export type MemberSession = typeof memberSessions.$inferSelect;

export async function insertSession(db: Database, session: typeof memberSessions.$inferInsert): Promise<MemberSession> {
  const [row] = await db.insert(memberSessions).values(session).returning();
  return row!;
}

/** The live session for a token hash, or nothing once it has expired. */
export async function findLiveSession(db: Database, tokenHash: string, now: Date): Promise<MemberSession | undefined> {
  const [row] = await db
    .select()
    .from(memberSessions)
    .where(and(eq(memberSessions.tokenHash, tokenHash), gt(memberSessions.expiresAt, now)))
    .limit(1);
  return row;
}

export async function sessionExists(db: Database, tokenHash: string): Promise<boolean> {
  const [row] = await db
    .select({ id: memberSessions.id })
    .from(memberSessions)
    .where(eq(memberSessions.tokenHash, tokenHash))
    .limit(1);
  return row !== undefined;
}

/** Expired sessions hold sealed member hashes; they are removed rather than kept. */
export async function deleteExpiredSessions(db: Database, now: Date): Promise<void> {
  await db.delete(memberSessions).where(lt(memberSessions.expiresAt, now));
}

/** Records a fresh confirmation from ConnectWise: the member is still accepted, with this role. */
export async function recordVerification(
  db: Database,
  tenantId: string,
  sessionId: string,
  permissions: Permissions,
  verifiedAt: Date,
): Promise<void> {
  await db
    .update(memberSessions)
    .set({ permissions, verifiedAt })
    .where(and(eq(memberSessions.tenantId, tenantId), eq(memberSessions.id, sessionId)));
}

/** Signs a member out now: ConnectWise no longer accepts her, so the session must not act for her. */
export async function endSession(db: Database, tenantId: string, sessionId: string, now: Date): Promise<void> {
  await db
    .update(memberSessions)
    .set({ expiresAt: now })
    .where(and(eq(memberSessions.tenantId, tenantId), eq(memberSessions.id, sessionId)));
}

/** A tenant's session by id, while it is live: a queued "Sync now" finds its member's credentials here. */
export async function liveSessionById(
  db: Database,
  tenantId: string,
  sessionId: string,
  now: Date,
): Promise<MemberSession | undefined> {
  const [row] = await db
    .select()
    .from(memberSessions)
    .where(
      and(eq(memberSessions.tenantId, tenantId), eq(memberSessions.id, sessionId), gt(memberSessions.expiresAt, now)),
    )
    .limit(1);
  return row;
}
