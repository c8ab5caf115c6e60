import type { CwClient } from '../connectwise/client.ts';
import type { CwHostedSetup, NewCwHostedSetup } from '../connectwise/types.ts';
import type { Manifest } from './manifest.ts';

export interface RegisterOutcome {
  description: string;
  type: string;
  screen: string;
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

const same = (a: NewCwHostedSetup, b: CwHostedSetup) =>
  a.screenId === b.screenId &&
  a.description === b.description &&
  a.url === b.url &&
  a.type === b.type &&
  (a.origin ?? null) === (b.origin ?? null) &&
  (a.podHeight ?? null) === (b.podHeight ?? null) &&
  (a.disabledFlag ?? false) === (b.disabledFlag ?? false);

/** Which of the pod's places an entry opens (`company-tab`, `agreement-pod`): it outlives a rename. */
const placeOf = (url: string) => url.match(/[?&]place=([^&]+)/)?.[1] ?? null;

/**
 * "Create Tab in ConnectWise" as one call: each manifest entry is created in Manage's Hosted
 * API setup table, updated if it differs, and left alone if it already matches, so running it
 * again changes nothing. Entries are matched by screen, type and the place the URL opens, so a
 * renamed tab (the "Pax8" tab becoming "Distributors", or a name the tenant chose) is updated in
 * place rather than added beside the old one.
 */
export async function registerHostedEntries(
  cw: CwClient,
  manifest: Manifest,
  origin: string,
  clientId: string,
  /** Fills `{tenant}`: the pod's page then lists only this tenant's Manage origin for framing. */
  tenantId: string,
  /** The tab's name, when the tenant chose its own. */
  options: { tabName?: string } = {},
): Promise<RegisterOutcome[]> {
  const screens = await cw.hostedSetups.screens();
  const existing = await cw.hostedSetups.list();
  const outcomes: RegisterOutcome[] = [];
  for (const entry of manifest.entries) {
    const screen = screens.find((s) => s.name.toLowerCase() === entry.screen.toLowerCase());
    if (!screen)
      throw new Error(
        `ConnectWise has no "${entry.screen}" screen for Hosted API entries (it has ${screens.map((s) => s.name).join(', ')})`,
      );
    const desired: NewCwHostedSetup = {
      screenId: screen.screenId,
      description: (entry.type === 'Tab' && options.tabName) || entry.description,
      url: entry.url.replaceAll('{origin}', origin).replaceAll('{tenant}', tenantId),
      type: entry.type,
      origin,
      podHeight: entry.podHeight ?? null,
      disabledFlag: false,
      clientId,
    };
    const place = placeOf(desired.url);
    const match = existing.find(
      (e) =>
        e.screenId === desired.screenId &&
        e.type === desired.type &&
        (e.description === desired.description || (place !== null && placeOf(e.url) === place)),
    );
    let action: RegisterOutcome['action'];
    let id: number;
    if (!match) {
      id = (await cw.hostedSetups.create(desired)).id;
      action = 'created';
    } else if (same(desired, match)) {
      id = match.id;
      action = 'unchanged';
    } else {
      id = (await cw.hostedSetups.update(match.id, desired)).id;
      action = 'updated';
    }
    outcomes.push({
      description: desired.description,
      type: entry.type,
      screen: screen.name,
      action,
      id,
      url: desired.url,
    });
  }
  return outcomes;
}
