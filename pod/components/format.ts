import { formatCents } from '../../shared/money.ts';

export const money = (cents: number | null) => (cents === null ? '—' : formatCents(cents));
export const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

export const STATE_LABEL: Record<string, string> = {
  unmapped: 'Unmapped',
  mapped: 'Mapped, not written',
  'in-sync': 'In sync',
  'out-of-sync': 'Out of sync',
  ignored: 'Hidden from reports',
  failed: 'Failed',
};

export const stateTone = (state: string) =>
  state === 'in-sync'
    ? 'ok'
    : state === 'out-of-sync' || state === 'failed'
      ? 'bad'
      : state === 'mapped'
        ? 'warn'
        : 'neutral';
