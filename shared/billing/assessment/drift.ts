import { formatMicros, parseMicros } from '../../money.ts';
import type { DriftEntry } from '../../schemas/plans.ts';
import type { AdditionView } from '../additions.ts';
import { usDay } from '../calendar.ts';
import { againKey } from '../operations.ts';
import type { OperationRecord } from './records.ts';

/**
 * Lines the sync wrote that someone has since changed in ConnectWise: deleted, ended early by
 * hand, or with other figures. One-time lines (prorates, credits, extra months) are checked
 * like the recurring line. Each is shown to a person, never silently written over, and a
 * removed line is not counted as written.
 *
 * `additions` are the agreement's additions as just read; `written` are the sync's confirmed
 * or adopted operations on that agreement (creates, and the updates it made to them later).
 */
export function driftIn(additions: readonly AdditionView[], written: readonly OperationRecord[]): DriftEntry[] {
  const keys = new Set(written.map((r) => r.opKey));
  // Already re-created after it went: the new line is what counts now.
  return lineStates(additions, written)
    .filter((d) => !keys.has(againKey(d.row.opKey)))
    .map((d) => d.entry);
}

/**
 * Markers of every line the sync wrote that is no longer billing as written (deleted, or
 * ended by hand), re-created since or not: the planner gives a line it plans again a new key.
 */
export function goneMarkers(additions: readonly AdditionView[], written: readonly OperationRecord[]): string[] {
  return lineStates(additions, written)
    .filter((d) => d.entry.kind === 'gone')
    .map((d) => d.row.marker);
}

function lineStates(additions: readonly AdditionView[], written: readonly OperationRecord[]) {
  const out: { row: OperationRecord; entry: DriftEntry }[] = [];
  for (const row of written) {
    if (row.request.method !== 'POST') continue;
    const entry = lineDrift(row, additions, written);
    if (entry) out.push({ row, entry });
  }
  return out;
}

function lineDrift(
  row: OperationRecord,
  additions: readonly AdditionView[],
  written: readonly OperationRecord[],
): DriftEntry | null {
  const title = row.summary.title.replace(/^Creating /, '').replace(/ addition$/, '');
  const a = additions.find((x) => x.marker === row.marker) ?? additions.find((x) => x.id === row.additionId);
  if (!a) {
    const id = row.additionId ?? 0;
    return {
      additionId: id,
      kind: 'gone',
      marker: row.marker,
      message: `Addition #${id} (${title}), written by the sync, is no longer in ConnectWise. Re-create it, or leave it removed.`,
    };
  }
  const expected = expectedValues(row, written);
  const by = a.updatedBy ? ` by ${a.updatedBy}` : '';
  const on = a.lastUpdated ? ` on ${usDay(a.lastUpdated)}` : '';
  const cwEnd = a.cancelledDate?.slice(0, 10) ?? null;
  const endedEarly =
    cwEnd !== null &&
    cwEnd !== expected.cancelledDate &&
    (expected.cancelledDate === null || cwEnd < expected.cancelledDate);
  if (endedEarly)
    return {
      additionId: a.id,
      kind: 'gone',
      marker: row.marker,
      message:
        `Addition #${a.id} (${title}), written by the sync, was ended in ConnectWise${by}${on} ` +
        `(cancelled ${usDay(cwEnd)}). Re-create it, or leave it ended.`,
    };
  const changes: string[] = [];
  if (a.quantity !== expected.quantity) changes.push(`quantity ${expected.quantity} → ${a.quantity}`);
  if (expected.unitPrice !== null && a.unitPrice !== null && a.unitPrice !== expected.unitPrice)
    changes.push(`unit price ${formatMicros(expected.unitPrice)} → ${formatMicros(a.unitPrice)}`);
  if (cwEnd !== expected.cancelledDate)
    changes.push(
      `end ${expected.cancelledDate ? usDay(expected.cancelledDate) : 'none'} → ${cwEnd ? usDay(cwEnd) : 'none'}`,
    );
  if (changes.length === 0) return null;
  return {
    additionId: a.id,
    kind: 'edited',
    marker: row.marker,
    message: `Addition #${a.id} (${title}), written by the sync, was edited in ConnectWise${by}${on}: ${changes.join(', ')}.`,
  };
}

/** What the sync last told ConnectWise a line holds: its create, with its own later updates applied in order. */
function expectedValues(create: OperationRecord, written: readonly OperationRecord[]) {
  if (create.request.method !== 'POST') throw new Error('expected a create');
  const body = create.request.body;
  const patches = written
    .filter((r) => r.additionId === create.additionId && r.id !== create.id)
    .flatMap((r) => (r.request.method === 'PATCH' ? r.request.patch : []));
  const last = (path: string) => patches.filter((p) => p.path === path).at(-1);
  const price = last('unitPrice')?.value ?? body.unitPrice;
  const end = last('cancelledDate');
  const cancelled = end ? (end.value as string | null) : body.cancelledDate;
  return {
    quantity: (last('quantity')?.value as number | undefined) ?? body.quantity,
    unitPrice: typeof price === 'number' || typeof price === 'string' ? parseMicros(price) : null,
    cancelledDate: cancelled ? cancelled.slice(0, 10) : null,
  };
}
