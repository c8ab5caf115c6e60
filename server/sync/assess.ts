import type { Database } from '../../db/client.ts';
import {
  ignoredIds,
  listCompanyMappings,
  listProductMappings,
  listServiceMappings,
  otherDistributorsBilling,
  type ProductMapping,
  type ServiceMapping,
} from '../../db/queries/mappings.ts';
import { type OperationRow, operationsOf, supersedeOperations } from '../../db/queries/operations.ts';
import type { Scope } from '../../db/queries/scope.ts';
import { getSettings } from '../../db/queries/settings.ts';
import type { StatusRow } from '../../db/queries/status.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import { usageSettingsFor } from '../../db/queries/usage.ts';
import type { AdditionView } from '../../shared/billing/additions.ts';
import { agreementChoices, isYearlyTerm } from '../../shared/billing/agreements.ts';
import {
  type AssessInputs,
  assessOne,
  commitmentOf,
  describeProblem,
  NO_FACTS,
  owedOf,
  type Assessment as SubscriptionAssessment,
} from '../../shared/billing/assessment/assess-one.ts';
import { describeMoney, operationMoney } from '../../shared/billing/operation-money.ts';
import type { Operation } from '../../shared/billing/operations.ts';
import { planSubscription } from '../../shared/billing/planner.ts';
import type { AssessedState } from '../../shared/billing/states.ts';
import { decideSyncState } from '../../shared/billing/sync-state.ts';
import { findUpgrades } from '../../shared/billing/upgrades.ts';
import { planUsage } from '../../shared/billing/usage/plan.ts';
import { microsToCents } from '../../shared/money.ts';
import type { Parsed, Subscription, SubscriptionSnapshot } from '../../shared/schemas/distributor.ts';
import type { AgreementView, UsageMonthFigures } from '../../shared/schemas/mapping.ts';
import type { SyncRules } from '../../shared/schemas/settings.ts';
import type { UsageReading } from '../../shared/schemas/usage.ts';
import type { CwClient } from '../connectwise/client.ts';
import { where } from '../connectwise/conditions.ts';
import { toAdditionView, toAgreementView } from '../connectwise/views.ts';
import { connectionName } from '../distributors/registry.ts';
import type { Distributor } from '../distributors/types.ts';
import { mapLimit } from '../http/limit.ts';
import { readUsage, usagePeriodOf, usagePlanInput } from './usage.ts';

/** One subscription's assessment, with the rows this server stores. */
export type Assessment = SubscriptionAssessment<OperationRow, ServiceMapping>;
export type { NextStep } from '../../shared/billing/assessment/assess-one.ts';
export type { AssessedState };
export { describeProblem };

/** A distributor record that could not be read whole, as the report and run history show it. */
export interface UnreadableRecord {
  subscriptionId: string;
  companyId: string | null;
  productName: string | null;
  reason: string;
}

export interface TenantAssessment {
  assessed: Assessment[];
  /** Subscriptions the distributor sent but that could not be read at all (no company, say). */
  unreadable: UnreadableRecord[];
  /** The agreements read, with their additions: where over-billing is looked for. */
  agreements: { agreement: AgreementView; additions: AdditionView[] }[];
}

/** Operation types that describe where a line should stand: a later plan re-derives (and replaces) them. */
const RE_DERIVED = new Set<string>([
  'create-recurring',
  'update-recurring',
  'cancel-addition',
  'create-delta',
  'update-delta',
]);

/** A problem, as a person reads it: the field, the value the distributor sent, and what it means. */

/** What an assessment reads from: the tenant's database, its ConnectWise and its distributor. */
export interface AssessDeps {
  db: Database;
  tenant: Tenant;
  cw: CwClient;
  distributor: Distributor;
  today: string;
  /** When a write happens (operations a later plan replaced), by the clock the caller was given. */
  now: () => Date;
  rules: SyncRules;
  /** The tenant's zone, from its settings: commitment windows are read in it. */
  timeZone?: string;
  concurrency?: number;
  /** How an agreement's additions are read (the tab and the pod reuse a member's recent reads). */
  additionsOf?: (agreementId: number) => Promise<AdditionView[]>;
  /** Agreements already read (the bound company's, from the member's recent reads); others are read here. */
  knownAgreements?: () => Promise<readonly AgreementView[]>;
  /** How a usage subscription's lines on a day are read (the tab and the pod reuse recent reads). */
  usageOf?: (subscriptionId: string, day: string) => Promise<UsageReading>;
  /** The product bindings, when the caller has read them already (the company tab). */
  products?: readonly ProductMapping[];
  /** How a subscription's history is read (the tab and the pod reuse it while the subscription is unchanged). */
  historyOf?: (s: Subscription) => Promise<Parsed<SubscriptionSnapshot>>;
  /** How catalog items' labels are read (the tab and the pod reuse recent reads). */
  catalogLabels?: (itemIds: readonly number[]) => Promise<Map<number, string>>;
}

export interface AssessScope {
  /** Only these distributor companies (the agreement pod); all bound companies otherwise. */
  distributorCompanyIds?: readonly string[];
}

const CHUNK = 150;

/** Invoices read the same whoever writes them: each line is labelled with its catalog item's description, as the review shows it. */
async function labelWithCatalog(deps: AssessDeps, toPlan: Assessment[]) {
  const itemIds = [...new Set(toPlan.map((a) => a.input!.product.catalogItemId))].sort((a, b) => a - b);
  if (itemIds.length === 0) return;
  const labels = await (deps.catalogLabels ?? ((ids) => readCatalogLabels(deps.cw, ids)))(itemIds);
  for (const a of toPlan) a.input!.product.label = labels.get(a.input!.product.catalogItemId) ?? a.input!.product.label;
}

/** Of these ConnectWise companies, the ones whose status is inactive (or that are deleted). */
async function inactiveCompanies(cw: CwClient, companyIds: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < companyIds.length; i += CHUNK)
    for (const c of await cw.companies.search({
      conditions: where.in('id', companyIds.slice(i, i + CHUNK)),
      fields: 'id,identifier,name,status,deletedFlag',
    }))
      if (c.deletedFlag || /inactive/i.test(c.status?.name ?? '')) out.add(c.id);
  return out;
}

/** Catalog items' descriptions, as an addition's label carries them (50 characters). */
export async function readCatalogLabels(cw: CwClient, itemIds: readonly number[]): Promise<Map<number, string>> {
  const labels = new Map<number, string>();
  for (let i = 0; i < itemIds.length; i += CHUNK) {
    for (const item of await cw.catalog.search({
      conditions: where.in('id', itemIds.slice(i, i + CHUNK)),
      fields: 'id,identifier,description',
    }))
      labels.set(item.id, item.description.slice(0, 50));
  }
  return labels;
}

/**
 * Only what differs needs its history (for prorates) and a plan: each is planned and its state
 * decided with the plan. Answers the earlier operations the plans replaced, to be superseded.
 */
async function planDiffering(deps: AssessDeps, toPlan: Assessment[]): Promise<string[]> {
  const superseded: string[] = [];
  await mapLimit(toPlan, deps.concurrency ?? 6, async (a) => {
    const history = await (deps.historyOf ?? ((s: Subscription) => deps.distributor.subscriptionHistory(s.id)))(
      a.subscription,
    );
    a.input!.history = history.items;
    a.plan = planSubscription(a.input!);
    // Earlier operations the plan no longer has: a line's target state is re-derived, so a stale
    // one is replaced; a one-time line (a prorate, a credit, extra months) stays owed.
    const planned = new Set(a.plan.status === 'ok' ? a.plan.operations.map((o) => o.key) : []);
    // A planned operation that already failed (or could not be checked) says so.
    const earlier = new Map(a.carried.filter((r) => r.state !== 'planned').map((r) => [r.opKey, r]));
    // Each change with its money, so the tab and the report show what a decision is worth.
    const titled = (o: Operation) => {
      const row = earlier.get(o.key);
      const money = describeMoney(operationMoney(o));
      return row ? `${o.title} (${money}; ${row.state}${row.error ? `: ${row.error}` : ''})` : `${o.title} (${money})`;
    };
    const carried: OperationRow[] = [];
    for (const row of a.carried) {
      if (planned.has(row.opKey)) continue;
      if (RE_DERIVED.has(row.type) && (row.state === 'planned' || row.state === 'failed' || row.state === 'skipped'))
        superseded.push(row.id);
      else carried.push(row);
    }
    if (a.plan.status === 'ok') a.carried = carried;
    const d = decideSyncState({
      ...NO_FACTS,
      mapping: 'mapped',
      ...a.facts,
      usage: a.usage,
      owed: a.carried.filter((r) => !planned.has(r.opKey)).map(owedOf),
      plan:
        a.plan.status === 'ok'
          ? { status: 'ok', titles: a.plan.operations.map(titled) }
          : { status: 'blocked', reason: a.plan.reason },
      historyProblems: history.problems.map(describeProblem),
      distributorName: deps.distributor.displayName,
    });
    Object.assign(a, { state: d.state === 'ignored' ? 'in-sync' : d.state, reason: d.reason });
  });
  return superseded;
}

/**
 * Compares every subscription of the bound companies with ConnectWise. Reads are batched:
 * all subscriptions in pages, agreements by id in chunks, one additions read per agreement.
 * A subscription whose current addition already matches is in sync without reading its
 * history; only the ones that differ are planned.
 */
export async function assessTenant(deps: AssessDeps, scope: AssessScope = {}): Promise<TenantAssessment> {
  const { db, tenant, cw, distributor, today } = deps;
  const rows: Scope = { tenantId: tenant.id, distributor: distributor.kind };
  const [companies, products, services, ignored, others] = await Promise.all([
    listCompanyMappings(db, rows),
    deps.products ?? listProductMappings(db, rows),
    listServiceMappings(db, rows),
    ignoredIds(db, rows),
    otherDistributorsBilling(db, rows),
  ]);
  const bound = new Map(
    companies.filter((c) => c.status === 'mapped' && c.cwCompanyId !== null).map((c) => [c.distributorCompanyId, c]),
  );
  const wanted = scope.distributorCompanyIds ? new Set(scope.distributorCompanyIds) : null;
  const parsed =
    wanted && wanted.size === 1
      ? await distributor.subscriptions({ companyId: [...wanted][0]! })
      : await distributor.subscriptions();
  // A full upgrade is found among all of a company's subscriptions, then planned on both sides.
  const upgrades = findUpgrades(parsed.items);
  const subscriptions = parsed.items
    .filter((s) => bound.has(s.companyId) && (!wanted || wanted.has(s.companyId)))
    .map((s) => (upgrades.has(s.id) ? { ...s, upgrade: upgrades.get(s.id) } : s));
  // The history of what was written, owed and waived: for the subscriptions in scope only.
  const ids = wanted ? subscriptions.map((s) => s.id) : undefined;
  const { outstanding, written, waived } = await operationsOf(db, rows, ids);
  const waivedOf = groupBy(waived, (r) => r.subscriptionId);
  const outstandingOf = groupBy(outstanding, (r) => r.subscriptionId);
  const writtenOf = groupBy(written, (r) => r.subscriptionId);
  // Every value the distributor sent that could not be read is kept with its record: one bad record is
  // that subscription's problem, never the run's, and never a silent default.
  const problemsOf = groupBy(
    parsed.problems.filter((p) => p.resource === 'subscription' && p.id !== null),
    (p) => p.id!,
  );
  const readable = new Set(parsed.items.map((s) => s.id));
  const unreadable: UnreadableRecord[] = [...problemsOf]
    .filter(([id]) => !readable.has(id))
    .map(([id, list]) => ({
      subscriptionId: id,
      companyId: null,
      productName: list.find((p) => p.label)?.label ?? null,
      reason:
        `${distributor.displayName} sent this subscription in a form the sync cannot read: ` +
        `${list.map(describeProblem).join('; ')}. Nothing is written for it until ${distributor.displayName}'s record is corrected.`,
    }));
  const byService = new Map(services.map((m) => [m.subscriptionId, m]));
  const catalogOf = new Map(
    products
      .filter((p) => p.subProduct === '' && p.status === 'mapped' && p.cwCatalogItemId !== null)
      .map((p) => [p.distributorProductId, p]),
  );

  const agreementIds = [
    ...new Set(
      subscriptions
        .map((s) => byService.get(s.id))
        .filter((m): m is ServiceMapping => m !== undefined && m.status === 'mapped')
        .map((m) => m.cwAgreementId),
    ),
  ];
  const agreements = new Map<number, AgreementView>();
  for (const a of (await deps.knownAgreements?.()) ?? []) agreements.set(a.id, a);
  const unread = agreementIds.filter((id) => !agreements.has(id));
  for (const a of await cw.agreements.byIds(unread)) agreements.set(a.id, toAgreementView(a));
  const additionLists = await mapLimit(agreementIds, deps.concurrency ?? 6, async (id) =>
    deps.additionsOf ? deps.additionsOf(id) : (await cw.additions.list(id)).map(toAdditionView),
  );
  const additions = new Map<number, AdditionView[]>(agreementIds.map((id, i) => [id, additionLists[i]!]));
  // A commitment bills nothing once its ConnectWise company is inactive: asked only for companies with one.
  const committed = subscriptions.filter((s) => s.commitment && byService.get(s.id)?.status === 'mapped');
  const inactive = await inactiveCompanies(cw, [
    ...new Set(committed.map((s) => bound.get(s.companyId)!.cwCompanyId!)),
  ]);

  const inputs: AssessInputs<OperationRow, ServiceMapping> = {
    inactiveCompanies: inactive,
    today,
    now: deps.now().toISOString(),
    timeZone: deps.timeZone ?? 'UTC',
    rules: deps.rules,
    distributor,
    nameOf: connectionName,
    bound,
    byService,
    ignored,
    problemsOf,
    waivedOf,
    outstandingOf,
    writtenOf,
    catalogOf,
    agreements,
    additions,
    others,
  };
  const toPlan: Assessment[] = [];
  const usageToPlan: Assessment[] = [];
  const results = subscriptions.map((s) => {
    const { assessment, next } = assessOne(s, inputs);
    assessment.commitment = commitmentOf(assessment, inputs);
    if (next === 'plan') toPlan.push(assessment);
    if (next === 'usage') usageToPlan.push(assessment);
    return assessment;
  });
  await labelWithCatalog(deps, toPlan);
  const superseded = await planDiffering(deps, toPlan);
  await supersedeOperations(db, tenant.id, superseded, deps.now());
  await assessUsage(deps, usageToPlan, products, additions);
  await explainUnmapped(deps, results, agreements);
  const read = [...additions].flatMap(([id, list]) => {
    const agreement = agreements.get(id);
    return agreement ? [{ agreement, additions: list }] : [];
  });
  return { assessed: results, unreadable, agreements: read };
}

/**
 * Usage subscriptions against their last month: its usage as of its last day (one read of the
 * summaries and one of each summary's lines), planned with the member's option. The state says
 * whether that month is billed, and the row carries the month and what it comes to.
 */
async function assessUsage(
  deps: AssessDeps,
  list: Assessment[],
  products: readonly ProductMapping[],
  additions: Map<number, AdditionView[]>,
) {
  if (list.length === 0) return;
  const { db, tenant, distributor, today } = deps;
  const scope: Scope = { tenantId: tenant.id, distributor: distributor.kind };
  const stored = await usageSettingsFor(
    db,
    scope,
    list.map((a) => a.subscription.id),
  );
  const period = usagePeriodOf(distributor, today, deps.rules);
  await mapLimit(list, deps.concurrency ?? 6, async (a) => {
    const reading = deps.usageOf
      ? await deps.usageOf(a.subscription.id, period.to)
      : (await readUsage(distributor, a.subscription.id, [period.to]))[0];
    const input = usagePlanInput({
      subscription: a.subscription,
      bindings: products,
      own: stored.get(a.subscription.id),
      period,
      reading: reading!,
      agreement: a.agreement!,
      additions: additions.get(a.agreement!.id) ?? [],
      today,
      distributor,
    });
    const plan = planUsage(input);
    a.usagePlan = plan;
    a.monthlyDifference = plan.pending.reduce(
      (n, op) =>
        n + op.after.totalPrice.cents * (op.type === 'cancel-addition' ? 0 : 1) - (op.before?.totalPrice.cents ?? 0),
      0,
    );
    const unbilled = plan.rows
      .filter((r) => r.status === 'Skipped' && !/sync is off/.test(r.reason))
      .map((r) => `${r.name}: ${r.reason}`);
    const d = decideSyncState({
      ...NO_FACTS,
      mapping: 'mapped',
      usage: true,
      distributorName: distributor.displayName,
      usagePlan: {
        status: plan.status,
        reason: plan.reason,
        titles: plan.pending.map((o) => o.title),
        unbilled,
        overThreshold: plan.overThreshold
          ? (plan.notes.find((n) => n.includes('threshold')) ?? 'Past its threshold.')
          : null,
      },
    });
    Object.assign(a, { state: d.state, reason: d.reason });
  });
}

/**
 * An unmapped subscription either has an agreement it could go on (map it) or none: then it
 * says why (no open agreement, or none billed yearly for a yearly term) and what to create in
 * Manage, rather than "not mapped yet" forever.
 */
async function explainUnmapped(deps: AssessDeps, results: Assessment[], read: Map<number, AgreementView>) {
  const waiting = results.filter((a) => a.mapping === null && a.cwCompanyId !== null && !a.ignored);
  if (waiting.length === 0) return;
  const companyIds = [...new Set(waiting.map((a) => a.cwCompanyId!))];
  const byCompany = new Map<number, AgreementView[]>();
  const known = await deps.knownAgreements?.();
  const all: AgreementView[] = known ? [...known] : [];
  if (!known) {
    for (let i = 0; i < companyIds.length; i += CHUNK) {
      const list = await deps.cw.agreements.list({
        conditions: where.in('company/id', companyIds.slice(i, i + CHUNK)),
      });
      all.push(...list.map(toAgreementView));
    }
  }
  for (const a of [...all, ...read.values()]) {
    const list = byCompany.get(a.companyId) ?? [];
    if (!list.some((x) => x.id === a.id)) list.push(a);
    byCompany.set(a.companyId, list);
  }
  for (const a of waiting) {
    const choices = agreementChoices(byCompany.get(a.cwCompanyId!) ?? [], a.subscription.billingTerm, deps.today);
    if (choices.some((c) => c.eligible)) {
      a.nextStep = 'map';
      continue;
    }
    const yearly = isYearlyTerm(a.subscription.billingTerm);
    a.nextStep = 'create-agreement';
    a.reason = `Cannot be mapped yet: ${a.companyName} has no open agreement that can bill a ${a.subscription.billingTerm} subscription${
      yearly ? ' (yearly terms go only on agreements billed yearly)' : ''
    }. Create ${yearly ? 'an agreement with a yearly billing cycle' : 'an agreement'} for the company in Manage (Finance › Agreements), then map it here.`;
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** A usage subscription's last month, as the tab and the pod show it. */
export function usageMonthOf(a: Assessment): UsageMonthFigures | null {
  const plan = a.usagePlan;
  if (!plan || plan.status === 'blocked') return null;
  return {
    period: plan.period,
    final: plan.status === 'ok',
    totalCents: plan.totalCents,
    costCents: plan.costCents,
    changeCents: a.monthlyDifference ?? 0,
  };
}

/** An assessment as the status row the report, the pod and the history read. */
export function statusRow(a: Assessment, checkedAt: Date): Omit<StatusRow, 'tenantId' | 'distributor'> {
  const inSync = a.state === 'in-sync';
  return {
    subscriptionId: a.subscription.id,
    distributorCompanyId: a.subscription.companyId,
    companyName: a.companyName,
    productName: a.subscription.productName,
    billingTerm: a.subscription.billingTerm,
    usage: a.usage,
    cwCompanyId: a.cwCompanyId,
    cwAgreementId: a.agreement?.id ?? a.mapping?.cwAgreementId ?? null,
    cwAgreementName: a.agreement?.name ?? null,
    cwAdditionId: a.cwAdditionId,
    state: a.state,
    cwQuantity: inSync ? a.subscription.quantity : a.cwQuantity,
    distributorQuantity: a.subscription.quantity,
    monthlyDifference: inSync ? 0 : a.monthlyDifference,
    unitPrice: a.subscription.unitPrice === null ? null : microsToCents(a.subscription.unitPrice),
    usagePeriod: a.usagePlan?.period ?? null,
    usageTotalCents: a.usagePlan?.status === 'blocked' ? null : (a.usagePlan?.totalCents ?? null),
    reason: inSync ? null : a.reason,
    productId: a.subscription.productId,
    nextStep: inSync ? null : a.nextStep,
    outOfSyncSince: inSync ? null : unbilledSince(a, checkedAt),
    commitment: a.commitment ?? null,
    checkedAt,
  };
}

/**
 * When the oldest change ConnectWise does not bill yet happened, not when a check first saw it:
 * for an unmapped subscription, its start; for a planned one, the first change after the last
 * point in its history whose quantity ConnectWise bills. Otherwise the check's own time.
 */
export function unbilledSince(a: Assessment, checkedAt: Date): Date {
  const s = a.subscription;
  const started = s.startDate ?? s.createdAt;
  if (!a.mapping && started && !a.usage) return earlier(started, checkedAt);
  const history = [...(a.input?.history ?? [])].sort((x, y) => x.at.localeCompare(y.at));
  if (history.length === 0 || a.cwQuantity === null) return checkedAt;
  let oldest: string | null = null;
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]!.quantity === a.cwQuantity) break;
    oldest = history[i]!.at;
  }
  return oldest ? earlier(oldest, checkedAt) : checkedAt;
}

const earlier = (iso: string, than: Date) => {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) || at > than ? than : at;
};

/** A subscription the distributor sent that could not be read at all, as a status row for the report. */
export function unreadableRow(u: UnreadableRecord, checkedAt: Date): Omit<StatusRow, 'tenantId' | 'distributor'> {
  return {
    subscriptionId: u.subscriptionId,
    distributorCompanyId: u.companyId ?? '',
    companyName: '(no company at the distributor)',
    productName: u.productName ?? `Subscription ${u.subscriptionId}`,
    billingTerm: '',
    state: 'needs-review',
    reason: u.reason,
    outOfSyncSince: checkedAt,
    checkedAt,
  };
}

/** One bound distributor company's subscriptions, assessed with the tenant's own sync rules (the tab, the pod). */
export async function assessCompany(
  deps: Omit<AssessDeps, 'rules' | 'additionsOf' | 'knownAgreements' | 'usageOf' | 'historyOf'> & {
    cwAdditions?: AssessDeps['additionsOf'];
    distributorUsage?: AssessDeps['usageOf'];
    distributorHistory?: AssessDeps['historyOf'];
    cwAgreements?: (cwCompanyId: number) => Promise<readonly AgreementView[]>;
  },
  distributorCompanyId: string,
  cwCompanyId?: number,
): Promise<Assessment[]> {
  const settings = await getSettings(deps.db, deps.tenant.id);
  const known = cwCompanyId !== undefined && deps.cwAgreements ? () => deps.cwAgreements!(cwCompanyId) : undefined;
  const { assessed } = await assessTenant(
    {
      ...deps,
      rules: settings.rules,
      timeZone: settings.timeZone,
      additionsOf: deps.cwAdditions,
      knownAgreements: known,
      usageOf: deps.distributorUsage,
      historyOf: deps.distributorHistory,
    },
    { distributorCompanyIds: [distributorCompanyId] },
  );
  return assessed;
}
