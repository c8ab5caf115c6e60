import { describe, expect, it } from 'vitest';
import { nameTokens, normaliseName, prepare, scorePair, websiteDomain } from '../../../shared/matching/names.ts';
import { createMatcher } from '../../../shared/matching/suggest.ts';

const score = (a: string, b: string, wa?: string, wb?: string) => scorePair(prepare(a, wa), prepare(b, wb)).score;

describe('company name matching', () => {
  it("matches the guides' company pairs", () => {
    expect(score('Frontier Wealth Management, LLC', 'Frontier Wealth Mgmt')).toBe(100);
    expect(score('Gibson, Pott, and York LLC', 'Gibson Pott & York')).toBe(100);
    expect(score('Dynamo Corporation', 'Dynamo Corp.')).toBe(100);
    expect(score('Oxford Senior Living', 'Oxford Senior Living')).toBe(100);
  });

  it('ignores legal suffixes, punctuation, "&"/"and", case and accents', () => {
    expect(normaliseName('Acme, Inc.')).toBe('acme');
    expect(normaliseName('ACME LLC')).toBe('acme');
    expect(normaliseName('Smith & Sons')).toBe(normaliseName('Smith and Sons'));
    expect(normaliseName('Café Ünïon')).toBe('cafe union');
    expect(normaliseName('Granite Auto Group, P.C.')).toBe('granite auto group');
    expect(normaliseName("O'Brien's Plumbing")).toBe('obriens plumbing');
    // A name that is nothing but a suffix keeps it rather than becoming empty.
    expect(nameTokens('The Company')).toEqual(['the', 'company']);
  });

  it('scores partial matches below exact ones and unrelated names near zero', () => {
    const partial = score('Summit Dental Group', 'Summit Dental');
    expect(partial).toBeGreaterThan(60);
    expect(partial).toBeLessThan(100);
    expect(score('Oxford Senior Living', 'Ace Chemical Processing Plant')).toBeLessThan(20);
  });

  it('raises a match when the websites agree, whatever the names', () => {
    expect(websiteDomain('https://www.Frontier-Wealth.com/about')).toBe('frontier-wealth.com');
    expect(websiteDomain('not a site')).toBeNull();
    const r = scorePair(
      prepare('FWM Holdings', 'www.frontierwealth.com'),
      prepare('Frontier Wealth Mgmt', 'https://frontierwealth.com'),
    );
    expect(r.score).toBe(95);
    expect(r.reasons).toContain('same website (frontierwealth.com)');
  });

  it('offers both companies when two share a name, so a person chooses', () => {
    const matcher = createMatcher([
      { id: 1, name: 'Arcadia Tech', website: 'https://arcadiatech.com' },
      { id: 2, name: 'Arcadia Tech', website: null },
      { id: 3, name: 'Tampa Office Supply' },
    ]);
    const found = matcher.suggest('Arcadia Tech', 'www.arcadiatech.com');
    expect(found.map((s) => s.candidate.id)).toEqual([1, 2]);
    expect(found.every((s) => s.score === 100)).toBe(true);
    expect(matcher.suggest('Nothing Alike')).toEqual([]);
  });
});
