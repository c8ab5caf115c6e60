import { and, eq, gt, lt } from 'drizzle-orm';
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
