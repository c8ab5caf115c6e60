import type { OperationRow } from '../../db/queries/operations.ts';
import type { CwClient } from '../connectwise/client.ts';
import { where } from '../connectwise/conditions.ts';

/**
 * After an unknown outcome: did our write land? A create is found by the marker it put in
 * serialNumber; an update by whether the addition now holds every value it sent. Answers the
 * addition's id, or null when ConnectWise shows it did not land. A failed read throws: "could
 * not check" is never "not found".
 */
export async function findOwnWrite(cw: CwClient, row: OperationRow): Promise<number | null> {
  const request = row.request;
  if (request.method === 'POST') {
    const found = await cw.additions.list(row.cwAgreementId, { conditions: where.eq('serialNumber', row.marker) });
    return found[0]?.id ?? null;
  }
  const current = await cw.additions.get(row.cwAgreementId, request.additionId);
  const record = current as unknown as Record<string, unknown>;
  const applied = request.patch.every((p) => {
    const value = record[p.path];
    // Dates come back with a time part; only the day was sent.
    return typeof p.value === 'string' && typeof value === 'string'
      ? value.slice(0, 10) === p.value.slice(0, 10)
      : value === p.value;
  });
  return applied ? current.id : null;
}
