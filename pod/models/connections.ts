import { signal } from '@preact/signals';
import { type Answer, ApiError, api, read } from '../api.ts';
import { loadDistributors } from './distributor.ts';
import { type FormError, formError } from './forms.ts';
import { fail } from './session.ts';

export type Connections = Answer<typeof api.connections.$get>;
export type DistributorConnection = Connections['distributors'][number];

/** Entered values by field: `apiMember.publicKey`, `pax8.clientSecret`, `ion.refreshToken`… */
export type Entered = Record<string, string>;

/** The Connections page: what is stored (never a secret), what the admin typed, and what the last action said. */
export const connections = signal<Connections | null>(null);
export const connectionsError = signal<string | null>(null);
/** The action under way: `test`, `rotate` or `disconnect`. */
export const connectionsBusy = signal<string | null>(null);
export const connectionsSaid = signal<{ tone: 'ok' | 'error'; text: string } | null>(null);
export const rotationError = signal<FormError | null>(null);
export const entered = signal<Entered>({});
/** The distributor whose disconnection waits for the admin's confirmation. */
export const removing = signal<DistributorConnection | null>(null);

/** Opening the page starts from what is stored: nothing typed, nothing said, nothing waiting for a confirmation. */
export function openConnections() {
  connectionsSaid.value = null;
  rotationError.value = null;
  entered.value = {};
  removing.value = null;
  return loadConnections();
}

export async function loadConnections() {
  try {
    connections.value = await read(api.connections.$get());
    connectionsError.value = null;
  } catch (e) {
    if (e instanceof ApiError && e.needsReload) return fail(e);
    connectionsError.value = (e as Error).message;
  }
}

/** What was entered for one group of fields, or nothing when all of them were left empty. */
export function group(values: Entered, prefix: string): Record<string, string> | undefined {
  const found = Object.fromEntries(
    Object.entries(values)
      .filter(([key, value]) => key.startsWith(`${prefix}.`) && value !== '')
      .map(([key, value]) => [key.slice(prefix.length + 1), value]),
  );
  return Object.keys(found).length > 0 ? found : undefined;
}

/** Runs one action of the page: nothing else starts meanwhile, and the page is read again after. */
async function busyWith(action: string, work: () => Promise<void>) {
  connectionsBusy.value = action;
  try {
    await work();
  } finally {
    connectionsBusy.value = null;
    await loadConnections();
  }
}

export const testConnections = () =>
  busyWith('test', async () => {
    try {
      const { results } = await read(api.connections.test.$post());
      const bad = results.filter((r) => !r.ok);
      connectionsSaid.value =
        bad.length === 0
          ? { tone: 'ok', text: 'Every connection works.' }
          : { tone: 'error', text: bad.map((r) => `${r.name}: ${r.message}`).join(' ') };
    } catch (e) {
      connectionsSaid.value = { tone: 'error', text: (e as Error).message };
    }
  });

/** New credentials, tested by the server before anything is stored; a refused field is named on the form. */
export const storeCredentials = () =>
  busyWith('rotate', async () => {
    const data = connections.value;
    if (!data) return;
    rotationError.value = null;
    const apiMember = group(entered.value, 'apiMember');
    const distributors = Object.fromEntries(
      data.distributors.flatMap((d) => {
        const values = group(entered.value, d.kind);
        return values ? [[d.kind, values]] : [];
      }),
    );
    const json = {
      ...(apiMember
        ? { apiMember: { publicKey: apiMember.publicKey ?? '', privateKey: apiMember.privateKey ?? '' } }
        : {}),
      ...(Object.keys(distributors).length > 0 ? { distributors } : {}),
    };
    try {
      const { names } = await read(api.connections.$put({ json }));
      connectionsSaid.value = { tone: 'ok', text: `Tested and stored: ${names.join(' and ')}.` };
      entered.value = {};
      // A distributor connected now is one the switch offers from now on.
      await loadDistributors();
    } catch (failure) {
      if (failure instanceof ApiError && failure.needsReload) return fail(failure);
      rotationError.value = formError(failure);
      connectionsSaid.value = null;
    }
  });

export const disconnectDistributor = (d: DistributorConnection) => {
  removing.value = null;
  return busyWith('disconnect', async () => {
    try {
      await read(api.connections[':kind'].$delete({ param: { kind: d.kind } }));
      connectionsSaid.value = { tone: 'ok', text: `${d.displayName} is disconnected; its credentials were deleted.` };
      await loadDistributors();
    } catch (e) {
      connectionsSaid.value = { tone: 'error', text: (e as Error).message };
    }
  });
};

/** The reports a distributor's portal holds (StreamOne Ion), and the one its invoices are read from. */
export const readBillingReports = (kind: string) =>
  read(api.connections[':kind']['billing-reports'].$get({ param: { kind } }));

export const chooseBillingReport = (kind: string, reportId: string) =>
  read(api.connections[':kind']['billing-report'].$put({ param: { kind }, json: { reportId } }));
