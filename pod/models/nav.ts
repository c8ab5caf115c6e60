import { signal } from '@preact/signals';

/** Which page of the tab is showing; the agreement pod has a single view. */
export type View =
  | { page: 'company' }
  | { page: 'companies' }
  | { page: 'products'; focusProductId?: string }
  /** `usage`: a usage subscription, reviewed by its last month's usage. */
  | { page: 'review'; subscriptionId: string; usage?: boolean }
  | { page: 'log'; operations?: string[]; subscription?: string; run?: string }
  | { page: 'report' }
  | { page: 'reconcile' }
  | { page: 'settings' }
  | { page: 'connections' }
  | { page: 'imports' };
export const view = signal<View>({ page: 'company' });
