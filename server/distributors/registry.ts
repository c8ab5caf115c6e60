export type { CredentialField, CredentialStore, Credentials, DistributorIo, DistributorKind } from './kind-contract.ts';

import { ionKind } from './ion/kind.ts';
import type { Credentials, DistributorKind } from './kind-contract.ts';
import { pax8Kind } from './pax8/kind.ts';
import { sophosKind } from './sophos/kind.ts';

/** Every distributor the product can connect, by kind. Adding one is adding its line. */
export const DISTRIBUTOR_KINDS: readonly DistributorKind[] = [pax8Kind, ionKind, sophosKind];

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
