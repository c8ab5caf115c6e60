import { microsToCents } from '../../money.ts';
import type { ParseProblem, Subscription } from '../../schemas/distributor.ts';
import type { AgreementView } from '../../schemas/mapping.ts';
import type { DriftEntry } from '../../schemas/plans.ts';
import type { SyncRules } from '../../schemas/settings.ts';
import { type AdditionView, billingAdditions } from '../additions.ts';
import { agreementClosed } from '../agreements.ts';
import { type CommitmentPosition, commitmentPosition } from '../commitments.ts';
import { cycleMonths } from '../plan/context.ts';
import type { PlanInput, PlanResult } from '../planner.ts';
import type { AssessedState } from '../states.ts';
import { decideSyncState, type SyncFacts } from '../sync-state.ts';
import { isUsage, type UsagePlan } from '../usage/plan.ts';
import { driftIn, goneMarkers } from './drift.ts';
import {
  type CompanyMappingRecord,
  type OperationRecord,
  type ProductMappingRecord,
  type ServiceMappingRecord,
  waiverOf,
} from './records.ts';
import { type OthersBilling, ownLines, sharedLineBlocker } from './shared-lines.ts';

/**
 * One subscription's assessment, decided from what a run (or a page) read: the part of the
 * comparison with ConnectWise that does no I/O. `server/sync/assess.ts` reads; this decides.
 */

export interface Assessment<
  O extends OperationRecord = OperationRecord,
  M extends ServiceMappingRecord = ServiceMappingRecord,
> {
  subscription: Subscription;
  companyName: string;
  cwCompanyId: number | null;
  mapping: M | null;
  agreement: AgreementView | null;
  usage: boolean;
  ignored: boolean;
  state: AssessedState;
  cwQuantity: number | null;
  cwAdditionId: number | null;
  /** When the line billing it was last changed in ConnectWise: after the distributor's last change, by a person. */
  cwLineUpdatedAt?: string | null;
  monthlyDifference: number | null;
  reason: string | null;
  plan: PlanResult | null;
  input: PlanInput | null;
  /** Lines the sync wrote that someone changed or removed: always for a person. */
  drift: DriftEntry[];
  /** Operations planned earlier and not yet written (nor waived), that the current plan no longer includes. */
  carried: O[];
  /** Values of this record the distributor sent that could not be read. */
  problems: ParseProblem[];
  /** Changes a person waived on this subscription: shown with who, and not owed. */
  waived: O[];
  /** What the state was decided from, before the plan (the plan's part is added when it is made). */
  facts?: Partial<SyncFacts>;
  /** What a person does next when it waits for one: map it, bind its product, or create an agreement first. */
  nextStep: NextStep | null;
  /** A usage subscription's last final month and its plan for it. */
  usagePlan?: UsagePlan | null;
  /** A commitment's window, what ConnectWise does not bill of it and what that costs; null for none. */
  commitment?: CommitmentPosition | null;
}

export type NextStep = 'map' | 'bind-product' | 'create-agreement';

export const NO_FACTS: Omit<SyncFacts, 'distributorName'> = {
  ignored: false,
  mapping: 'none',
  blocker: null,
  problems: [],
  usage: false,
  quantity: null,
  zeroActive: false,
  matches: false,
  drift: [],
  owed: [],
  plan: null,
  historyProblems: [],
};

export const owedOf = (r: OperationRecord) => ({ title: r.summary.title, state: r.state, error: r.error });

export const describeProblem = (p: ParseProblem) => `${p.field} ${JSON.stringify(p.value) ?? 'missing'} (${p.message})`;

/** What a run read, as one subscription's decision needs it. */
export interface AssessInputs<
  O extends OperationRecord = OperationRecord,
  M extends ServiceMappingRecord = ServiceMappingRecord,
> {
  today: string;
  /** ConnectWise companies that are inactive: their commitments bill nothing there. */
  inactiveCompanies?: ReadonlySet<number>;
  /** The moment of the run and the tenant's zone: a commitment's window is read to the minute in it. */
  now?: string;
  timeZone?: string;
  rules: SyncRules;
  distributor: { displayName: string; markerPrefix: string };
  /** Another distributor's name by its connection key, for a shared line's message. */
  nameOf: (key: string) => string;
  /** Bound distributor companies, by their id. */
  bound: Map<string, CompanyMappingRecord>;
  byService: Map<string, M>;
  ignored: Set<string>;
  problemsOf: Map<string, ParseProblem[]>;
  waivedOf: Map<string, O[]>;
  outstandingOf: Map<string, O[]>;
  writtenOf: Map<string, O[]>;
  /** Mapped products (not sub-products) with their catalog item, by distributor product id. */
  catalogOf: Map<string, ProductMappingRecord>;
  agreements: Map<number, AgreementView>;
  additions: Map<number, AdditionView[]>;
  others: OthersBilling;
}

function base<O extends OperationRecord, M extends ServiceMappingRecord>(
  s: Subscription,
  k: AssessInputs<O, M>,
): Assessment<O, M> {
  const company = k.bound.get(s.companyId);
  return {
    subscription: s,
    companyName: company?.distributorCompanyName ?? s.companyId,
    cwCompanyId: company?.cwCompanyId ?? null,
    mapping: k.byService.get(s.id) ?? null,
    agreement: null,
    usage: isUsage(s),
    ignored: k.ignored.has(s.id),
    state: 'unmapped',
    cwQuantity: null,
    cwAdditionId: null,
    monthlyDifference: null,
    reason: null,
    plan: null,
    input: null,
    drift: [],
    carried: [],
    problems: k.problemsOf.get(s.id) ?? [],
    waived: k.waivedOf.get(s.id) ?? [],
    nextStep: null,
  };
}

/**
 * One subscription decided from what the run read, with no I/O: its state when that is settled
 * without a plan (unmapped, blocked, in sync, a problem for a person), or its planner input and
 * `next`: `plan` (it differs; its history and a plan decide) or `usage` (compared month by month).
 */
export function assessOne<O extends OperationRecord, M extends ServiceMappingRecord>(
  s: Subscription,
  k: AssessInputs<O, M>,
): { assessment: Assessment<O, M>; next: 'plan' | 'usage' | null } {
  const a = base(s, k);
  const m = a.mapping;
  const decide = (facts: Partial<SyncFacts>) => {
    const d = decideSyncState({
      ...NO_FACTS,
      mapping: 'mapped',
      ...facts,
      usage: a.usage,
      distributorName: k.distributor.displayName,
    });
    return Object.assign(a, { state: d.state === 'ignored' ? 'in-sync' : d.state, reason: d.reason });
  };
  const settled = (facts: Partial<SyncFacts>) => ({ assessment: decide(facts), next: null });
  if (m?.status !== 'mapped') {
    // Nothing bills it yet: the whole subscription is the monthly difference, where known.
    if (!a.usage && s.status === 'Active' && s.quantity !== null && s.unitPrice !== null)
      a.monthlyDifference = s.quantity * microsToCents(s.unitPrice);
    return settled({ mapping: m?.status === 'paused' ? 'paused' : 'none' });
  }
  a.agreement = k.agreements.get(m.cwAgreementId) ?? null;
  const product = k.catalogOf.get(s.productId);
  if (!a.agreement) return settled({ blocker: `Agreement ${m.cwAgreementId} was not found in ConnectWise.` });
  if (!product) {
    a.nextStep = 'bind-product';
    return settled({ blocker: 'The product is not bound to a ConnectWise catalog item.' });
  }
  if (a.agreement.companyId !== a.cwCompanyId)
    return settled({
      blocker:
        `Agreement ${a.agreement.name} belongs to another ConnectWise company than the one this ` +
        `${k.distributor.displayName} company is bound to. Nothing is written; choose one of its own agreements.`,
    });
  const ended = s.endDate !== null && s.endDate.slice(0, 10) <= k.today;
  const early: Partial<SyncFacts> = {
    problems: a.problems.map(describeProblem),
    quantity: s.quantity,
    zeroActive: s.quantity === 0 && !ended && s.status === 'Active',
  };
  if (a.usage && early.problems!.length === 0) {
    // Usage is compared month by month, from its final usage: below, with one read each.
    return { assessment: a, next: 'usage' };
  }
  if (a.usage || early.problems!.length > 0 || s.quantity === null || early.zeroActive) return settled(early);
  const list = ownLines(k.additions.get(m.cwAgreementId) ?? [], k.distributor.markerPrefix);
  const mine = (k.writtenOf.get(s.id) ?? []).filter((r) => r.cwAgreementId === m.cwAgreementId);
  a.drift = driftIn(list, mine);
  a.carried = k.outstandingOf.get(s.id) ?? [];
  const current = billingAdditions(list, product.cwCatalogItemId!, k.today, s.commitment?.endDate ?? null);
  const shared = sharedLineBlocker(k.others, a.agreement, product.cwCatalogItemId!, current, k.nameOf);
  if (shared) return settled({ ...early, blocker: shared });
  const addition = current[0];
  a.cwQuantity = addition?.quantity ?? 0;
  a.cwAdditionId = addition?.id ?? null;
  a.cwLineUpdatedAt = addition?.lastUpdated ?? null;
  // The line carries a price for the agreement's billing cycle (a yearly one, a year's); the
  // report's difference is per month either way.
  const cycle = cycleMonths(a.agreement);
  const price = s.unitPrice === null ? 0 : microsToCents(s.unitPrice);
  const cwMonthly = addition ? Math.round(microsToCents(addition.unitPrice ?? 0) / cycle) : 0;
  a.monthlyDifference = s.quantity * price - (addition ? addition.quantity * cwMonthly : 0);
  const lineMatches =
    current.length === 1 &&
    !ended &&
    addition!.quantity === s.quantity &&
    microsToCents(addition!.unitPrice ?? 0) === microsToCents((s.unitPrice ?? 0) * cycle) &&
    microsToCents(addition!.unitCost ?? 0) === microsToCents((s.unitCost ?? 0) * cycle) &&
    (addition!.cancelledDate?.slice(0, 10) ?? null) === (s.commitment?.endDate?.slice(0, 10) ?? null);
  a.facts = {
    ...early,
    matches: lineMatches || (ended && current.length === 0),
    drift: a.drift.map((d) => d.message),
    owed: a.carried.map(owedOf),
  };
  // A matching line settles it only when nothing planned earlier is owed and nothing the
  // sync wrote was changed by hand; otherwise the planner is asked, with the history.
  if (a.facts.matches && a.drift.length === 0 && a.carried.length === 0) return settled(a.facts);
  a.input = {
    subscription: s,
    history: [],
    product: { catalogItemId: product.cwCatalogItemId!, label: product.cwCatalogIdentifier ?? s.productName },
    agreement: a.agreement,
    additions: list,
    rules: k.rules,
    today: k.today,
    gone: goneMarkers(list, mine),
    waived: a.waived.map(waiverOf),
    distributor: { name: k.distributor.displayName, markerPrefix: k.distributor.markerPrefix },
  };
  return { assessment: a, next: 'plan' };
}

/**
 * A mapped commitment's position against what ConnectWise bills for it: nothing when its
 * agreement is closed, the line's seats otherwise. Unmapped commitments are "not billed yet",
 * reported as such; they are not reduction candidates.
 */
export function commitmentOf(
  a: Assessment<OperationRecord, ServiceMappingRecord>,
  k: Pick<AssessInputs, 'today' | 'now' | 'timeZone' | 'rules' | 'inactiveCompanies'>,
) {
  if (!a.subscription.commitment || !a.agreement || a.mapping?.status !== 'mapped') return null;
  const closed =
    agreementClosed(a.agreement, k.today) ??
    (a.cwCompanyId !== null && k.inactiveCompanies?.has(a.cwCompanyId)
      ? 'its company is inactive in ConnectWise'
      : null);
  const s = a.subscription;
  const position = commitmentPosition({
    subscription: a.subscription,
    cwSeats: closed ? 0 : (a.cwQuantity ?? 0),
    cwWhy: closed ? `ConnectWise bills nothing on agreement ${a.agreement.name}: ${closed}` : null,
    now: k.now ?? `${k.today}T12:00:00Z`,
    timeZone: k.timeZone ?? 'UTC',
    horizonHours: k.rules.commitmentHorizonHours,
    renewalNoticeDays: k.rules.renewalNoticeDays,
  });
  if (!position) return null;
  // Fewer seats on a line changed after the distributor's last change: a person lowered it.
  const lastChange = s.updatedAt ?? s.startDate;
  const lowered =
    !closed &&
    position.unbilledSeats > 0 &&
    a.cwLineUpdatedAt != null &&
    lastChange !== null &&
    Date.parse(a.cwLineUpdatedAt) > Date.parse(lastChange);
  return { ...position, loweredInConnectWise: lowered };
}
