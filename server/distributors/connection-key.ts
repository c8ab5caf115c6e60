import { shortHash } from '../../shared/billing/operations.ts';

/**
 * A connection's key is what every mapping, status, plan, operation and Log entry of it carries.
 * For most kinds it is the kind (`pax8`): a tenant connects it once. A kind connected once per
 * source (invoice files from Microsoft direct and from a regional distributor) keys each source
 * `kind:source`, the source named by one of its fields (`files:microsoft-direct`).
 */
export function splitKey(key: string): { kind: string; source: string | null } {
  const at = key.indexOf(':');
  return at < 0 ? { kind: key, source: null } : { kind: key.slice(0, at), source: key.slice(at + 1) };
}

/** A source's name as its key holds it: lower case letters, digits and dashes. */
export const sourceSlug = (name: string) =>
  name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);

/** The key of a source named `name` of a kind connected once per source. */
export const sourceKey = (kind: string, name: string) => `${kind}:${sourceSlug(name)}`;

/**
 * The marker prefix of a connection's lines. A kind's own for its key (and for the one source
 * an earlier release keyed by the kind alone, whose lines already carry it); each further source
 * its own, the kind's first letter and seven hex digits of its name, so one source's sync never
 * takes another's lines for its own.
 */
export function markerPrefixOf(kindPrefix: string, key: string): string {
  const { source } = splitKey(key);
  return source ? `${kindPrefix[0]}${shortHash(source).slice(0, 7)}` : kindPrefix;
}

/** The shape of a source's marker prefix: no kind may take one like it. */
export const SOURCE_PREFIX = /^[a-z][0-9a-f]{7}$/;
