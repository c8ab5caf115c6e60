import type { AdditionView } from '../additions.ts';

/** Where the tenant's other distributors bill (db/queries/mappings.ts `otherDistributorsBilling`). */
export interface OthersBilling {
  agreements: Map<number, Set<string>>;
  items: Map<number, Set<string>>;
}

/** An engine marker: a distributor's prefix and 16 hex digits (24 on a usage line, naming its subscription). */
const MARKER = /^([a-z0-9]{2,12}):(?:[0-9a-f]{8})?[0-9a-f]{16}$/;

/**
 * The agreement's lines as one distributor's sync may read them: a line another distributor's
 * sync wrote (its marker says whose) is that distributor's, never this one's to update.
 */
export const ownLines = (additions: readonly AdditionView[], markerPrefix: string) =>
  additions.filter((a) => {
    const prefix = a.marker?.match(MARKER)?.[1];
    return !prefix || prefix === markerPrefix;
  });

/**
 * Why a subscription may not take over a line no sync has marked: another distributor of the
 * tenant maps subscriptions to the same agreement and binds a product to the same catalog item,
 * so the line may be what it bills. Null when the line can only be this distributor's.
 */
export function sharedLineBlocker(
  others: OthersBilling,
  agreement: { id: number; name: string },
  catalogItemId: number,
  current: readonly AdditionView[],
  /** A distributor's name by its connection key, for the message. */
  nameOf: (key: string) => string,
): string | null {
  if (!current.some((a) => !a.marker)) return null;
  const onAgreement = others.agreements.get(agreement.id);
  const onItem = others.items.get(catalogItemId);
  const both = [...(onAgreement ?? [])].filter((d) => onItem?.has(d));
  if (both.length === 0) return null;
  const names = both.map(nameOf).join(' and ');
  return (
    `Agreement ${agreement.name} may bill this product for ${names} too: the line ConnectWise has was not ` +
    `written by the sync, so it is not taken over. Bind this product to a catalog item of its own, or map it ` +
    `to another agreement; nothing is written until then.`
  );
}
