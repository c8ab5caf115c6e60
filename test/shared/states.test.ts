import { describe, expect, it } from 'vitest';
import { ASSESSED_STATES, STATE, SUBSCRIPTION_STATES, stateLabel } from '../../shared/billing/states.ts';

describe('one state vocabulary', () => {
  it('every state has a label, an explanation and a tone, and no two share a label', () => {
    for (const state of SUBSCRIPTION_STATES) {
      expect(STATE[state]?.label, state).toMatch(/^[A-Z]/);
      expect(STATE[state]?.explain, state).toMatch(/\.$/);
      expect(['ok', 'bad', 'warn', 'neutral']).toContain(STATE[state]?.tone);
    }
    const labels = SUBSCRIPTION_STATES.map(stateLabel);
    expect(new Set(labels).size).toBe(labels.length);
    for (const state of ASSESSED_STATES) expect(SUBSCRIPTION_STATES).toContain(state);
  });

  it('an unknown value is shown as it is, never as "undefined"', () => {
    expect(stateLabel('needs-review')).toBe('Needs a person');
    expect(stateLabel('something-new')).toBe('something-new');
  });
});
