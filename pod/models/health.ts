import { signal } from '@preact/signals';
import { healthReportSchema, type HealthReport } from '../../shared/schemas/health.ts';
import { api } from '../api.ts';

export type HealthState =
  | { kind: 'loading' }
  | { kind: 'ready'; report: HealthReport }
  | { kind: 'error'; message: string };

export const health = signal<HealthState>({ kind: 'loading' });

export async function loadHealth(): Promise<void> {
  health.value = { kind: 'loading' };
  try {
    const res = await api.healthz.$get();
    const body: unknown = await res.json();
    if (!res.ok) {
      const message = (body as { message?: string }).message ?? `HTTP ${res.status}`;
      health.value = { kind: 'error', message };
      return;
    }
    health.value = { kind: 'ready', report: healthReportSchema.parse(body) };
  } catch (error) {
    health.value = { kind: 'error', message: `The sync server could not be reached (${(error as Error).message}).` };
  }
}
