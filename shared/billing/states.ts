/**
 * Every state a subscription is shown in, with its one label and one short explanation: the
 * company tab, the agreement pod, the Unsynced report, the digest and the CSVs all read them
 * from here. `STATE` is keyed by every state, so a state added without words fails the type check.
 */
export const SUBSCRIPTION_STATES = [
  'unmapped',
  'mapped',
  'in-sync',
  'out-of-sync',
  'needs-review',
  'over-billing',
  'ignored',
  'failed',
] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

/** What an assessment can decide (the others describe a mapping, not a check). */
export const ASSESSED_STATES = [
  'in-sync',
  'out-of-sync',
  'unmapped',
  'needs-review',
  'over-billing',
] as const satisfies readonly SubscriptionState[];
export type AssessedState = (typeof ASSESSED_STATES)[number];

export type StateTone = 'ok' | 'bad' | 'warn' | 'neutral';

export const STATE: Record<SubscriptionState, { label: string; explain: string; tone: StateTone }> = {
  unmapped: {
    label: 'Not mapped',
    explain: 'No agreement bills it yet: map it to an agreement.',
    tone: 'neutral',
  },
  mapped: {
    label: 'Mapped, not written',
    explain: 'Mapped to an agreement; nothing has been written for it yet.',
    tone: 'warn',
  },
  'in-sync': {
    label: 'In sync',
    explain: 'ConnectWise bills what the distributor charges, or a person waived the rest.',
    tone: 'ok',
  },
  'out-of-sync': {
    label: 'Out of sync',
    explain: 'ConnectWise bills something else than the distributor charges: review and sync.',
    tone: 'bad',
  },
  'needs-review': {
    label: 'Needs a person',
    explain: 'The sync cannot decide alone: read the reason, then review.',
    tone: 'warn',
  },
  'over-billing': {
    label: 'Possible over-billing',
    explain: 'ConnectWise bills more seats than the distributor has on this agreement.',
    tone: 'bad',
  },
  ignored: {
    label: 'Hidden from reports',
    explain: 'A person hid it from the reports, with a reason.',
    tone: 'neutral',
  },
  failed: {
    label: 'Failed',
    explain: 'A write failed: retry or waive it from the Log.',
    tone: 'bad',
  },
};

/** The label of a state, or the raw value where an older row holds one no longer known. */
export const stateLabel = (state: string) => STATE[state as SubscriptionState]?.label ?? state;
