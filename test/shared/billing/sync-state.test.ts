import { describe, expect, it } from 'vitest';
import { decideAfterWrite, decideSyncState, type SyncFacts } from '../../../shared/billing/sync-state.ts';

const facts = (over: Partial<SyncFacts> = {}): SyncFacts => ({
  distributorName: 'Pax8',
  ignored: false,
  mapping: 'mapped',
  blocker: null,
  problems: [],
  usage: false,
  quantity: 5,
  zeroActive: false,
  matches: true,
  drift: [],
  owed: [],
  plan: null,
  historyProblems: [],
  ...over,
});

describe('the one sync state', () => {
  it('in sync: the line matches, nothing is owed, nothing was changed by hand', () => {
    expect(decideSyncState(facts())).toEqual({ state: 'in-sync', reason: null });
  });

  it('a failed prorate keeps a matching line out of sync, with its error', () => {
    const d = decideSyncState(
      facts({ owed: [{ title: 'Creating prorated addition', state: 'failed', error: 'ConnectWise answered 500' }] }),
    );
    expect(d).toEqual({
      state: 'out-of-sync',
      reason: 'Creating prorated addition (failed: ConnectWise answered 500)',
    });
  });

  it('a line the sync wrote and someone ended is for a person, even when the rest matches', () => {
    expect(decideSyncState(facts({ drift: ['Addition #7 … was ended in ConnectWise.'] })).state).toBe('needs-review');
  });

  it('what the planner wants written is out of sync; what it cannot plan is for a person', () => {
    expect(
      decideSyncState(
        facts({ matches: false, plan: { status: 'ok', titles: ['Updating current ConnectWise addition'] } }),
      ),
    ).toEqual({ state: 'out-of-sync', reason: 'Updating current ConnectWise addition' });
    expect(decideSyncState(facts({ matches: false, plan: { status: 'blocked', reason: 'two lines' } }))).toEqual({
      state: 'needs-review',
      reason: 'two lines',
    });
    expect(decideSyncState(facts({ matches: false, plan: { status: 'ok', titles: [] } })).state).toBe('in-sync');
  });

  it('unmapped, paused, ignored, unreadable values and 0 active seats each say why', () => {
    expect(decideSyncState(facts({ mapping: 'none' })).state).toBe('unmapped');
    expect(decideSyncState(facts({ mapping: 'paused' })).reason).toMatch(/paused/);
    expect(decideSyncState(facts({ ignored: true })).state).toBe('ignored');
    expect(decideSyncState(facts({ problems: ['billingTerm "Quarterly"'] })).reason).toMatch(/Quarterly/);
    expect(decideSyncState(facts({ zeroActive: true, quantity: 0 })).state).toBe('needs-review');
  });

  it('over generated facts, "in sync" never hides a missing, failed or hand-changed line', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    for (let i = 0; i < 5_000; i++) {
      const f = facts({
        ignored: random() < 0.05,
        mapping: pick(['none', 'paused', 'mapped', 'mapped', 'mapped'] as const),
        blocker: random() < 0.05 ? 'blocked' : null,
        problems: random() < 0.05 ? ['startDate "11/05/2026"'] : [],
        usage: random() < 0.05,
        quantity: random() < 0.05 ? null : Math.floor(random() * 5),
        zeroActive: random() < 0.05,
        matches: random() < 0.6,
        drift: random() < 0.1 ? ['edited'] : [],
        owed:
          random() < 0.2
            ? [{ title: 'Creating prorated addition', state: pick(['failed', 'planned', 'unknown']), error: null }]
            : [],
        plan: pick([
          null,
          { status: 'ok', titles: [] },
          { status: 'ok', titles: ['x'] },
          { status: 'blocked', reason: 'r' },
        ] as const),
      });
      const d = decideSyncState(f);
      if (d.state !== 'in-sync') continue;
      expect(
        f.ignored || f.mapping !== 'mapped' || f.blocker || f.usage || f.problems.length || f.quantity === null,
      ).toBeFalsy();
      expect(f.zeroActive).toBe(false);
      expect(f.drift).toEqual([]);
      expect(f.owed).toEqual([]);
      expect(f.matches || (f.plan?.status === 'ok' && f.plan.titles.length === 0)).toBe(true);
    }
  });
});

describe('the state a run leaves after writing', () => {
  it('is in sync only when everything was written', () => {
    expect(decideAfterWrite({ held: [], failed: [], busy: [] })).toEqual({ state: 'in-sync', reason: null });
  });

  it('stays out of sync while another writer holds part of it', () => {
    expect(decideAfterWrite({ held: [], failed: [], busy: ['Updating #8601'] })).toEqual({
      state: 'out-of-sync',
      reason: 'Updating #8601: being written by another run or confirmation right now.',
    });
  });

  it('waits for a person, told what was held and what failed, when anything was held or failed', () => {
    const d = decideAfterWrite({
      held: ['Back-billing extra months is a decision for a person.'],
      failed: [{ title: 'Creating prorate', error: 'ConnectWise refused it.' }],
      busy: ['Updating #8601'],
    });
    expect(d.state).toBe('needs-review');
    expect(d.reason).toBe(
      'Back-billing extra months is a decision for a person. Creating prorate: ConnectWise refused it.',
    );
    expect(decideAfterWrite({ held: [], failed: [{ title: 'x', error: null }], busy: [] }).state).toBe('needs-review');
  });
});
