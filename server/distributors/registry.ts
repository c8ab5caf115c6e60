export type {
  ConnectionScope,
  CredentialField,
  CredentialStore,
  Credentials,
  DistributorIo,
  DistributorKind,
} from './kind-contract.ts';

import { filesKind } from './files/kind.ts';
import { ionKind } from './ion/kind.ts';
import type { Credentials, DistributorKind } from './kind-contract.ts';
import { pax8Kind } from './pax8/kind.ts';
import { sophosKind } from './sophos/kind.ts';

const kinds: DistributorKind[] = [pax8Kind, ionKind, sophosKind, filesKind];

/** Every distributor the product can connect, by kind. Adding one is adding its line. */
export const DISTRIBUTOR_KINDS: readonly DistributorKind[] = kinds;

/**
 * Adds a kind while the process runs (a test's throwaway kind shows a distributor needs nothing
 * more than this); answers how to take it out again. A kind or marker prefix in use is refused.
 */
export function addDistributorKind(kind: DistributorKind): () => void {
  if (kinds.some((k) => k.kind === kind.kind))
    throw new Error(`a distributor kind "${kind.kind}" is already registered`);
  if (kinds.some((k) => k.markerPrefix === kind.markerPrefix))
    throw new Error(`the marker prefix "${kind.markerPrefix}" is already another kind's`);
  kinds.push(kind);
  return () => {
    const at = kinds.indexOf(kind);
    if (at >= 0) kinds.splice(at, 1);
  };
}

export function distributorKind(kind: string): DistributorKind | undefined {
  return DISTRIBUTOR_KINDS.find((k) => k.kind === kind);
}

/**
 * The credentials a setup or rotation body gives, by kind: its `distributors`, and any kind's
 * earlier top-level spelling (see `legacyInputKey`). What each holds is checked by its kind.
 */
export function credentialsGiven(body: Record<string, unknown>): Record<string, Credentials> {
  const given = { ...((body.distributors ?? {}) as Record<string, Credentials>) };
  for (const k of DISTRIBUTOR_KINDS) {
    const legacy = k.legacyInputKey ? body[k.legacyInputKey] : undefined;
    if (legacy && typeof legacy === 'object') given[k.kind] = legacy as Credentials;
  }
  return given;
}
