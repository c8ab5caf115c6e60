import { signal } from '@preact/signals';
import { type Answer, ApiError, api, detailOf, read } from '../api.ts';
import { current as currentDistributor, dname } from './distributor.ts';
import { fail } from './session.ts';

/** The company tab's data, as the server declares it. */
export type TabData = Answer<(typeof api.companies)[':cwCompanyId']['tab']['$get']>;

export const tab = signal<
  { kind: 'loading' } | { kind: 'ready'; data: TabData } | { kind: 'error'; message: string } | null
>(null);
/** A message about the last action, shown above the table. */
export const flash = signal<{ tone: 'ok' | 'error'; text: string; detail?: string | null } | null>(null);

let current: number | null = null;
/** The company and distributor the tab's data is about: another of either is read from the start. */
let shown: string | null = null;

export async function loadTab(cwCompanyId: number) {
  const about = `${cwCompanyId}:${currentDistributor.value?.kind}`;
  if (shown !== about) tab.value = { kind: 'loading' };
  current = cwCompanyId;
  shown = about;
  try {
    const data = await read(api.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(cwCompanyId) } }));
    if (shown === about) tab.value = { kind: 'ready', data };
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    tab.value = { kind: 'error', message: (error as Error).message };
  }
}

async function act(run: () => Promise<unknown>, ok: string) {
  try {
    await run();
    flash.value = { tone: 'ok', text: ok };
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    flash.value = { tone: 'error', text: (error as Error).message, detail: detailOf(error) };
  }
  if (current !== null) await loadTab(current);
}

export const bindHere = (distributorCompanyId: string, name: string) =>
  act(
    () => read(api['company-mappings'].$post({ json: { distributorCompanyId, cwCompanyId: current! } })),
    `Bound to the ${dname()} company ${name}.`,
  );

export async function unbindImpact(mappingId: string): Promise<number> {
  return (await read(api['company-mappings'][':id'].impact.$get({ param: { id: mappingId } }))).serviceMappings;
}

export const unbind = (mappingId: string) =>
  act(
    () => read(api['company-mappings'][':id'].$delete({ param: { id: mappingId } })),
    'Unbound. Subscription mappings are kept and paused until the company is bound again.',
  );

export const mapToAgreement = (subscriptionId: string, cwAgreementId: number, productName: string) =>
  act(
    () => read(api['service-mappings'].$put({ json: { subscriptionId, cwAgreementId } })),
    `${productName} now bills on agreement #${cwAgreementId}.`,
  );

export const makeDefault = (mappingId: string, agreementId: number) =>
  act(
    () =>
      read(
        api['company-mappings'][':id']['default-agreement'].$put({ param: { id: mappingId }, json: { agreementId } }),
      ),
    'Default agreement saved for this company.',
  );

export async function searchDistributor(q: string) {
  return read(api['distributor-companies'].$get({ query: { q } }));
}
