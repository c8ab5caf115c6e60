import type { Database } from '../../db/client.ts';
import { writtenOperationsFor } from '../../db/queries/operations.ts';
import type { AdditionView } from '../../shared/billing/additions.ts';
import { isEngineMarker } from '../../shared/billing/operations.ts';
import { formatMicros, parseMicros } from '../../shared/money.ts';
import type { DriftEntry } from '../../shared/schemas/plans.ts';
import { isWritten } from './states.ts';

/**
 * Additions the engine wrote that someone has since changed in ConnectWise: shown to a person,
 * never silently written over. What the engine expects is what it created, with any later
 * updates it made applied in order.
 */
export async function findDrift(
  db: Database,
  tenantId: string,
  additions: readonly AdditionView[],
): Promise<DriftEntry[]> {
  const marked = additions.filter((a) => isEngineMarker(a.marker));
  if (marked.length === 0) return [];
  const rows = await writtenOperationsFor(
    db,
    tenantId,
    marked.map((a) => a.marker!),
    marked.map((a) => a.id),
  );
  const created = new Map(
    rows.filter((r) => r.request.method === 'POST' && isWritten(r.state)).map((r) => [r.marker, r]),
  );
  const drift: DriftEntry[] = [];
  for (const a of marked) {
    const row = created.get(a.marker!);
    if (row?.request.method !== 'POST') continue;
    const body = row.request.body;
    const later = rows
      .filter((r) => r.additionId === a.id && r.id !== row.id && isWritten(r.state))
      .flatMap((r) => (r.request.method === 'PATCH' ? r.request.patch : []));
    const lastValue = (path: string) => later.filter((p) => p.path === path).at(-1)?.value as number | undefined;
    const expectQuantity = lastValue('quantity') ?? body.quantity;
    const sentPrice = lastValue('unitPrice') ?? body.unitPrice;
    const expectPrice = sentPrice === undefined ? null : parseMicros(sentPrice);
    const changes: string[] = [];
    if (a.quantity !== expectQuantity) changes.push(`quantity ${expectQuantity} → ${a.quantity}`);
    if (expectPrice !== null && a.unitPrice !== null && a.unitPrice !== expectPrice)
      changes.push(`unit price ${formatMicros(expectPrice)} → ${formatMicros(a.unitPrice)}`);
    if (changes.length > 0) {
      const by = a.updatedBy ? ` by ${a.updatedBy}` : '';
      const on = a.lastUpdated ? ` on ${a.lastUpdated.slice(0, 10)}` : '';
      drift.push({
        additionId: a.id,
        message: `Addition #${a.id}, written by the sync, was edited in ConnectWise${by}${on}: ${changes.join(', ')}.`,
      });
    }
  }
  return drift;
}
