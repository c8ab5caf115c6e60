import { type MatchScore, type Prepared, prepare, scorePair } from './names.ts';

export interface Candidate {
  id: number | string;
  name: string;
  website?: string | null;
}

export interface Suggestion<C extends Candidate> extends MatchScore {
  candidate: C;
}

/** Below this a "match" is noise and is not offered. */
export const MIN_SCORE = 40;
/** Candidates scored in full per lookup, chosen by shared words. */
const SCORED = 40;

/**
 * Prepares the candidates once and indexes them by word and domain, so each lookup scores only
 * the candidates that share something with the name instead of every company there is.
 */
export function createMatcher<C extends Candidate>(candidates: readonly C[]) {
  const prepared: { candidate: C; p: Prepared }[] = candidates.map((candidate) => ({
    candidate,
    p: prepare(candidate.name, candidate.website),
  }));
  const byKey = new Map<string, number[]>();
  const add = (key: string, i: number) => {
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  };
  prepared.forEach(({ p }, i) => {
    for (const t of new Set(p.tokens)) add(`w:${t.slice(0, 4)}`, i);
    if (p.domain) add(`d:${p.domain}`, i);
  });

  return {
    suggest(name: string, website?: string | null, limit = 5): Suggestion<C>[] {
      const p = prepare(name, website);
      // Count the words each candidate shares with the name (cheap integer work), then score in
      // full only those sharing the most: the word overlap dominates the score, so the best
      // matches are among them. A shared website domain always earns a full score.
      const shared = new Map<number, number>();
      for (const key of new Set(p.tokens.map((t) => `w:${t.slice(0, 4)}`))) {
        for (const i of byKey.get(key) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
      }
      const seen = new Set(
        [...shared.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, SCORED)
          .map(([i]) => i),
      );
      if (p.domain) for (const i of byKey.get(`d:${p.domain}`) ?? []) seen.add(i);
      const out: Suggestion<C>[] = [];
      for (const i of seen) {
        const { candidate, p: q } = prepared[i]!;
        const s = scorePair(p, q);
        if (s.score >= MIN_SCORE) out.push({ candidate, ...s });
      }
      return out
        .sort((a, b) => b.score - a.score || String(a.candidate.name).localeCompare(String(b.candidate.name)))
        .slice(0, limit);
    },
  };
}
