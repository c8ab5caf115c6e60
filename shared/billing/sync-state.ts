import type { SubscriptionState } from '../schemas/mapping.ts';

/**
 * What is known about one subscription when its state is decided: where it is mapped, what
 * the distributor sent, whether ConnectWise's line matches, what the planner wants written,
 * what was planned earlier and is still owed, and what a person changed by hand.
 */
export interface SyncFacts {
  ignored: boolean;
  /** `paused`: the company is unbound; `none`: not mapped to an agreement yet. */
  mapping: 'none' | 'paused' | 'mapped';
  /** Why it cannot be compared at all (agreement missing, product unbound, another company's agreement). */
  blocker: string | null;
  /** Values the distributor sent that could not be read, described for a person. */
  problems: readonly string[];
  usage: boolean;
  quantity: number | null;
  /** 0 seats while the subscription is active and not ended. */
  zeroActive: boolean;
  /** The current line matches the distributor (or it ended with nothing billing it). */
  matches: boolean;
  /** Lines the sync wrote that someone changed or removed, as messages. */
  drift: readonly string[];
  /** Operations planned earlier and not yet written, with their state and last error. */
  owed: readonly { title: string; state: string; error: string | null }[];
  /** The planner's answer, when it was asked (it is not when the line matches and nothing is owed). */
  plan: { status: 'blocked'; reason: string } | { status: 'ok'; titles: readonly string[] } | null;
  /** The distributor's history of the subscription could not be read whole. */
  historyProblems: readonly string[];
  /** The distributor's name, as the reasons give it. */
  distributorName: string;
  /** A usage subscription's plan for its last month, when it could be made. */
  usagePlan?: UsageFacts | null;
}

/** What the usage planner found for last month (shared/billing/usage/plan.ts). */
export interface UsageFacts {
  status: 'ok' | 'waiting' | 'blocked';
  reason: string | null;
  /** Operations it would write (or, while the month is not final, will once it is). */
  titles: readonly string[];
  /** Usage nobody bills: a sub-product with usage that is not bound, with why. */
  unbilled: readonly string[];
  overThreshold: string | null;
}

export interface SyncDecision {
  state: Exclude<SubscriptionState, 'mapped' | 'failed' | 'ignored'> | 'ignored';
  reason: string | null;
}

/**
 * The one answer to "is this billed right?", used by the company tab, the agreement pod, the
 * unsynced report, the scheduled run and the review. "In sync" means ConnectWise bills what
 * the distributor charges: the line matches, nothing planned is still owed, and nothing the
 * sync wrote was changed by hand. Everything else says why.
 */
export function decideSyncState(f: SyncFacts): SyncDecision {
  if (f.ignored) return { state: 'ignored', reason: null };
  if (f.mapping === 'paused') return { state: 'unmapped', reason: 'The company is unbound; its mapping is paused.' };
  if (f.mapping === 'none') return { state: 'unmapped', reason: 'Not mapped to an agreement yet.' };
  if (f.blocker) return { state: 'needs-review', reason: f.blocker };
  if (f.usage) return usageState(f);
  if (f.problems.length > 0)
    return {
      state: 'needs-review',
      reason: `${f.distributorName} sent values the sync does not know: ${f.problems.join('; ')}. Review it before anything is written.`,
    };
  if (f.quantity === null)
    return { state: 'needs-review', reason: `${f.distributorName} did not say how many seats it has.` };
  if (f.zeroActive)
    return {
      state: 'needs-review',
      reason: `${f.distributorName} reports 0 seats on an active subscription. A person decides whether its billing ends.`,
    };
  const nothingPlanned = f.plan === null || (f.plan.status === 'ok' && f.plan.titles.length === 0);
  if (f.matches && f.drift.length === 0 && f.owed.length === 0 && nothingPlanned)
    return { state: 'in-sync', reason: null };
  if (f.plan?.status === 'blocked') return { state: 'needs-review', reason: f.plan.reason };
  if (f.historyProblems.length > 0)
    return {
      state: 'needs-review',
      reason: `${f.distributorName}'s history of this subscription could not be read whole: ${f.historyProblems.join('; ')}.`,
    };
  if (f.drift.length > 0) return { state: 'needs-review', reason: f.drift.join(' ') };
  const owed = f.owed.map((o) => `${o.title} (${o.state}${o.error ? `: ${o.error}` : ''})`);
  const titles = f.plan?.status === 'ok' ? f.plan.titles : [];
  // Not settled, and the planner was not asked: it differs, and only a plan says how.
  if (f.plan === null && owed.length === 0)
    return { state: 'out-of-sync', reason: `ConnectWise differs from ${f.distributorName}.` };
  if (titles.length === 0 && owed.length === 0) return { state: 'in-sync', reason: null };
  return { state: 'out-of-sync', reason: [...titles, ...owed].join('; ') };
}

/**
 * A usage subscription is in sync when last month's usage is billed as its option says, or a
 * person turned its product's sync off. Usage that no line bills (an unbound sub-product), a
 * month past its threshold or a plan that cannot be made wait for a person; a month-over-month
 * change is out of sync, and says when it can be billed if its month is not final yet.
 */
function usageState(f: SyncFacts): SyncDecision {
  const u = f.usagePlan;
  if (!u) return { state: 'needs-review', reason: 'Billed in arrears from usage; review its usage before invoicing.' };
  if (u.status === 'blocked') return { state: 'needs-review', reason: u.reason };
  if (u.unbilled.length > 0) return { state: 'needs-review', reason: u.unbilled.join(' ') };
  if (u.overThreshold) return { state: 'needs-review', reason: u.overThreshold };
  if (u.titles.length === 0) return { state: 'in-sync', reason: null };
  const when = u.status === 'waiting' && u.reason ? ` ${u.reason}` : '';
  return { state: 'out-of-sync', reason: `${u.titles.join('; ')}.${when}` };
}

/** What an unattended run's writes for one subscription came to (server/jobs/run.ts). */
export interface WriteFacts {
  /** Why each operation it did not send waits for a person. */
  held: readonly string[];
  /** Operations that failed, were skipped or whose outcome is unknown, with what went wrong. */
  failed: readonly { title: string; error: string | null }[];
  /** Operations another writer is sending right now. */
  busy: readonly string[];
}

/**
 * The state a subscription is left in after a run wrote for it: in sync only when everything
 * was written; out of sync while another writer still holds part of it; otherwise a person
 * looks, told what was held and what failed.
 */
export function decideAfterWrite(f: WriteFacts): SyncDecision {
  if (f.failed.length === 0 && f.held.length === 0 && f.busy.length === 0) return { state: 'in-sync', reason: null };
  if (f.failed.length === 0 && f.held.length === 0)
    return {
      state: 'out-of-sync',
      reason: `${f.busy.join('; ')}: being written by another run or confirmation right now.`,
    };
  return {
    state: 'needs-review',
    reason: [...f.held, ...f.failed.filter((o) => o.error).map((o) => `${o.title}: ${o.error}`)].join(' '),
  };
}
