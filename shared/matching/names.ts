/**
 * Company names as billing staff type them differ in legal suffixes, punctuation, "&" and
 * "and", accents and common abbreviations ("Frontier Wealth Management, LLC" is ConnectWise's
 * "Frontier Wealth Mgmt"). Normalising removes those differences before scoring.
 */
const LEGAL_SUFFIXES = new Set([
  'llc',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'pc',
  'llp',
  'lp',
  'plc',
  'pllc',
  'gmbh',
  'sa',
  'pty',
]);
const ABBREVIATIONS: Record<string, string> = {
  mgmt: 'management',
  mgt: 'management',
  assoc: 'associates',
  assn: 'association',
  svcs: 'services',
  svc: 'services',
  intl: 'international',
  natl: 'national',
  dept: 'department',
  univ: 'university',
  ctr: 'center',
  centre: 'center',
  tech: 'technology',
  technologies: 'technology',
  bros: 'brothers',
  mfg: 'manufacturing',
  st: 'saint',
};

export function nameTokens(name: string): string[] {
  const plain = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\bp\.\s?c\./g, ' pc ')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  const words = plain
    .split(' ')
    .filter(Boolean)
    .map((w) => ABBREVIATIONS[w] ?? w);
  // Legal suffixes and "the"/"and" carry no identity; keep them only if nothing else is left.
  const kept = words.filter((w) => !LEGAL_SUFFIXES.has(w) && w !== 'and' && w !== 'the');
  return kept.length > 0 ? kept : words;
}

export const normaliseName = (name: string) => nameTokens(name).join(' ');

/** `https://www.Frontier-Wealth.com/about` → `frontier-wealth.com`. */
export function websiteDomain(website: string | null | undefined): string | null {
  if (!website) return null;
  const host = website
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/^www\d?\./, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

function bigrams(text: string): Set<string> {
  const s = text.replace(/ /g, '');
  const out = new Set<string>();
  for (let i = 0; i < s.length - 1; i++) out.add(s.slice(i, i + 2));
  return out;
}

export interface Prepared {
  tokens: string[];
  normalised: string;
  grams: Set<string>;
  domain: string | null;
}

export function prepare(name: string, website?: string | null): Prepared {
  const tokens = nameTokens(name);
  const normalised = tokens.join(' ');
  return { tokens, normalised, grams: bigrams(normalised), domain: websiteDomain(website) };
}

export interface MatchScore {
  /** 0–100. */
  score: number;
  reasons: string[];
}

/**
 * 100 for the same normalised name; otherwise a blend of shared words (with a word matching
 * as the prefix of its abbreviation) and shared letter pairs, raised when the websites' domains
 * agree. The reasons are shown next to the score.
 */
export function scorePair(a: Prepared, b: Prepared): MatchScore {
  const reasons: string[] = [];
  let score: number;
  if (a.normalised === b.normalised && a.normalised.length > 0) {
    score = 100;
    reasons.push('same name');
  } else {
    const shared = a.tokens.filter((t) =>
      b.tokens.some((u) => u === t || (t.length >= 3 && u.length >= 3 && (u.startsWith(t) || t.startsWith(u)))),
    ).length;
    const words = shared / Math.max(a.tokens.length, b.tokens.length, 1);
    let inter = 0;
    for (const g of a.grams) if (b.grams.has(g)) inter++;
    const letters = (2 * inter) / Math.max(a.grams.size + b.grams.size, 1);
    score = Math.round(100 * (0.6 * words + 0.4 * letters) * 0.95);
    if (shared > 0) reasons.push(`${shared} of ${Math.max(a.tokens.length, b.tokens.length)} words in common`);
  }
  if (a.domain && a.domain === b.domain) {
    score = Math.max(score, 95);
    reasons.push(`same website (${a.domain})`);
  }
  return { score, reasons };
}
