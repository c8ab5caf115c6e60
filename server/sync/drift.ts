import type { Database } from '../../db/client.ts';
import { writtenOperations } from '../../db/queries/operations.ts';
import type { Scope } from '../../db/queries/scope.ts';
import type { AdditionView } from '../../shared/billing/additions.ts';
import { driftIn, goneMarkers } from '../../shared/billing/assessment/drift.ts';
import type { DriftEntry } from '../../shared/schemas/plans.ts';

/**
 * Drift on one agreement of a subscription, read from the database: what the review shows,
 * and why a confirmation was refused.
 */
export async function findDrift(
  db: Database,
  scope: Scope,
  subscriptionId: string,
  agreementId: number,
  additions: readonly AdditionView[],
): Promise<{ drift: DriftEntry[]; gone: string[] }> {
  const written = (await writtenOperations(db, scope, [subscriptionId])).filter((r) => r.cwAgreementId === agreementId);
  const here = additions.filter((a) => a.agreementId === agreementId);
  return { drift: driftIn(here, written), gone: goneMarkers(here, written) };
}
