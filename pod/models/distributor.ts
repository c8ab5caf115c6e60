import { computed, signal } from '@preact/signals';
import { type Answer, api, read, setDistributor } from '../api.ts';

export type ConnectedDistributor = Answer<typeof api.distributors.$get>['connected'][number];

/** The distributors the tenant buys from, as the server lists them (the first is the default). */
export const distributors = signal<ConnectedDistributor[]>([]);
const chosen = signal<string | null>(null);

/** The distributor the pages show now. */
export const current = computed(
  () => distributors.value.find((d) => d.kind === chosen.value) ?? distributors.value[0] ?? null,
);

/** How the pages name the distributor they show: `Pax8`, `StreamOne Ion`. */
export const dname = () => current.value?.displayName ?? 'the distributor';

// The member's choice outlives the page: Manage reloads the tab on every company it opens.
// A browser that keeps no storage for framed pages just starts from the first each time.
const REMEMBERED = 'distributor';
const remembered = () => {
  try {
    return sessionStorage.getItem(REMEMBERED);
  } catch {
    return null;
  }
};
const remember = (kind: string) => {
  try {
    sessionStorage.setItem(REMEMBERED, kind);
  } catch {
    // Not kept: the first distributor is shown next time.
  }
};

/**
 * On a company's tab, the distributor this company is bound to comes first (the member's last
 * choice where the company is bound to several); elsewhere, the member's last choice.
 */
export async function loadDistributors(cwCompanyId?: number) {
  const { connected, boundHere } = await read(
    api.distributors.$get({ query: cwCompanyId ? { cwCompanyId: String(cwCompanyId) } : {} }),
  );
  distributors.value = connected;
  const last = remembered();
  use(boundHere.length > 0 && !boundHere.includes(last ?? '') ? boundHere[0]! : last);
}

function use(kind: string | null) {
  const known = distributors.value.find((d) => d.kind === kind) ?? distributors.value[0];
  chosen.value = known?.kind ?? null;
  setDistributor(known?.kind);
  if (known) remember(known.kind);
}

/**
 * Shows another distributor. The pages are drawn afresh for it (App keys them on the
 * distributor), so nothing one distributor showed stays on screen under the other's name.
 */
export function choose(kind: string) {
  if (kind === current.value?.kind) return;
  use(kind);
}
