export type {
  ConnectionScope,
  CredentialField,
  CredentialStore,
  Credentials,
  DistributorIo,
  DistributorKind,
} from './kind-contract.ts';

import { SOURCE_PREFIX, sourceKey, splitKey } from './connection-key.ts';
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
  if (SOURCE_PREFIX.test(kind.markerPrefix))
    throw new Error(`the marker prefix "${kind.markerPrefix}" has the shape of a file source's`);
  kinds.push(kind);
  return () => {
    const at = kinds.indexOf(kind);
    if (at >= 0) kinds.splice(at, 1);
  };
}

/** The kind a connection key names: `pax8`, or `files:microsoft-direct` for a kind connected once per source. */
export function distributorKind(key: string): DistributorKind | undefined {
  const { kind, source } = splitKey(key);
  const found = DISTRIBUTOR_KINDS.find((k) => k.kind === kind);
  return source === null || found?.sourceField ? found : undefined;
}

/** A connection as the Log and messages name it without reading its credentials: `Invoice files (microsoft-direct)`. */
export function connectionName(key: string): string {
  const { source } = splitKey(key);
  return `${distributorKind(key)?.displayName ?? key}${source ? ` (${source})` : ''}`;
}

/**
 * The key new credentials are stored under: their kind's, or for a kind connected once per
 * source, the key of the source they name (a source connected again under its name is that one).
 */
export function connectionKeyFor(kind: DistributorKind, credentials: Credentials): string {
  return kind.sourceField ? sourceKey(kind.kind, credentials[kind.sourceField] ?? '') : kind.kind;
}

/**
 * Whether credentials given under `key` add a source rather than change a connected one: the
 * kind alone or with nothing after its colon (`files:`), when no connection has that key.
 */
export function addsSource(key: string, connected: readonly string[]): boolean {
  const { source } = splitKey(key);
  return Boolean(distributorKind(key)?.sourceField) && !source && !connected.includes(key);
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
