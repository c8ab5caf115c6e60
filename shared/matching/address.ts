/** Where a company is, as far as either side says: postal code first, then city. */
export interface Place {
  postalCode?: string | null;
  city?: string | null;
}

export interface AddressEvidence {
  /** Added to a name match's score: same place up, a different place down. */
  delta: number;
  reason: string | null;
}

const norm = (v: string | null | undefined) => (v ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Tells same-named companies apart by where they are. Two "Arcadia Tech"s both score 100% on
 * their names; the one whose postal code (or, without one, city) matches the other side's
 * comes first, and one in another place says so, so a person binds the right one.
 */
export function addressEvidence(a: Place, b: Place): AddressEvidence {
  const [pa, pb] = [norm(a.postalCode).slice(0, 5), norm(b.postalCode).slice(0, 5)];
  if (pa && pb) {
    return pa === pb
      ? { delta: 0, reason: `same postal code (${a.postalCode})` }
      : { delta: -25, reason: `different postal code (${a.postalCode} here, ${b.postalCode} there)` };
  }
  const [ca, cb] = [norm(a.city), norm(b.city)];
  if (ca && cb) {
    return ca === cb
      ? { delta: 0, reason: `same city (${a.city})` }
      : { delta: -20, reason: `different city (${a.city} here, ${b.city} there)` };
  }
  return { delta: 0, reason: null };
}

/** Applies the address evidence to name suggestions, and orders them again. */
export function byPlace<S extends { score: number; reasons: string[] }>(
  suggestions: readonly S[],
  here: Place,
  placeOf: (s: S) => Place,
): S[] {
  return suggestions
    .map((s) => {
      const e = addressEvidence(here, placeOf(s));
      return e.reason
        ? { ...s, score: Math.max(0, Math.min(100, s.score + e.delta)), reasons: [...s.reasons, e.reason] }
        : s;
    })
    .sort((x, y) => y.score - x.score);
}
