import { signal } from '@preact/signals';
import { agreementChoices, autoAgreement } from '../../shared/billing/agreements.ts';
import type { BillingTerm } from '../../shared/schemas/distributor.ts';
import type { NewDistributorCompanyInput } from '../../shared/schemas/mapping.ts';
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

/** The agreements one subscription may be mapped to (the unsynced report maps from a row): the tab's own choices. */
export async function agreementChoicesFor(cwCompanyId: number, billingTerm: BillingTerm) {
  const data = await read(api.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(cwCompanyId) } }));
  const choices = agreementChoices(data.agreements, billingTerm, data.today);
  return { choices, chosen: autoAgreement(choices, data.defaultAgreementId) };
}

/** Maps a subscription to an agreement from a list, without the tab's reload (the list re-checks instead). */
export const mapFromList = (subscriptionId: string, cwAgreementId: number) =>
  read(api['service-mappings'].$put({ json: { subscriptionId, cwAgreementId } }));

export type SubscriptionHistoryData = Answer<(typeof api.subscriptions)[':id']['history']['$get']>;

/** A subscription's quantity changes at the distributor, each with whether ConnectWise bills it. */
export const readHistory = (subscriptionId: string) =>
  read(api.subscriptions[':id'].history.$get({ param: { id: subscriptionId } }));

/** Creates the distributor's company for a ConnectWise company and binds the two. */
export const createDistributorCompany = (json: NewDistributorCompanyInput) =>
  read(api['distributor-companies'].$post({ json }));
