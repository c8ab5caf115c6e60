import { type SQL, sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  type PgColumn,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { NewCwAddition, PatchOperation } from '../server/connectwise/types.ts';
import type { ColumnProfile } from '../server/distributors/files/profile.ts';
import type { FileLine } from '../server/distributors/files/read.ts';
import type { CommitmentPosition } from '../shared/billing/commitments.ts';
import { OPERATION_TYPES } from '../shared/billing/operations.ts';
import type { Derived } from '../shared/billing/proration.ts';
import { ASSESSED_STATES } from '../shared/billing/states.ts';
import { MAPPING_STATUSES } from '../shared/schemas/mapping.ts';
import type { NotificationSettings } from '../shared/schemas/notifications.ts';
import type { Permissions } from '../shared/schemas/permissions.ts';
import { OPERATION_STATES } from '../shared/schemas/plans.ts';
import {
  type AdjustmentLine,
  RECONCILE_DECISIONS,
  RECONCILE_STATUSES,
  type ReconcileFigures,
} from '../shared/schemas/reconcile.ts';
import { OPERATION_KINDS, type SyncRules, type UnattendedKind } from '../shared/schemas/settings.ts';
import { USAGE_OPTIONS } from '../shared/schemas/usage.ts';

/** A subscription mapping also pauses while its company is unbound. */
export const SERVICE_MAPPING_STATUSES = ['mapped', 'paused', 'failed'] as const;
export const RUN_TRIGGERS = ['scheduled', 'manual', 'check', 'command'] as const;
export const RUN_STATUSES = ['running', 'succeeded', 'partial', 'failed'] as const;
export const ACTOR_TYPES = ['member', 'scheduled'] as const;
export const WRITE_OUTCOMES = ['success', 'failure', 'unknown'] as const;
export const NEXT_STEPS = ['map', 'bind-product', 'create-agreement'] as const;
/** The sync keeps at most this many addition ids per subscription; the operations hold the full history. */
export const ADDITION_IDS_KEPT = 20;

/** Exactly what the writer sends: a POST body, or a PATCH of one addition. */
export type OperationRequest =
  | { method: 'POST'; body: NewCwAddition }
  | { method: 'PATCH'; additionId: number; patch: PatchOperation[] };

/** What the log and the review show of an operation. */
export interface OperationSummary {
  title: string;
  reason: string;
  quantity: number;
  unitPrice: Derived;
  totalPrice: Derived;
  effectiveDate: string;
  cancelledDate: string | null;
  /** The addition as it stood before an update or cancellation (absent on rows planned before it was kept). */
  before?: { quantity: number; unitPrice: Derived; totalPrice: Derived } | null;
}

/** A check constraint that keeps a text column to its known values: the rule lives in the schema. */
function oneOf(column: PgColumn, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`;
}

/** Every timestamp is stored with its zone so both drivers hand back the same instant. */
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => at('created_at').notNull().defaultNow();
const updatedAt = () => at('updated_at').notNull().defaultNow();

/**
 * One ConnectWise instance. Every other row belongs to a tenant, and every query is scoped by
 * `tenant_id`. Columns ending in `_enc` hold AES-256-GCM ciphertext (server/crypto.ts), never
 * plain secrets.
 */
export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** Manage host as members see it, e.g. `na.myconnectwise.net`. */
    site: text('site').notNull(),
    /** Manage company id (the login company, e.g. `acme`), not a customer company. */
    companyId: text('company_id').notNull(),
    /** `https` everywhere except the loopback sandbox. */
    protocol: text('protocol').notNull().default('https'),
    /** Discovered through /login/companyinfo; ends with `/`. */
    codebase: text('codebase'),
    clientId: text('client_id').notNull(),
    apiKeysEnc: text('api_keys_enc'),
    /** The Manage origin allowed to host the pod, for self-hosted instances. */
    allowedOrigin: text('allowed_origin'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('tenants_site_company_uq').on(t.site, t.companyId)],
);

/**
 * A distributor a tenant buys from, by its registry kind (`pax8`, `ion`): its credentials,
 * sealed with the tenant and kind as context. A distributor whose refresh token rotates has it
 * replaced here on every use, under a row lock.
 */
export const tenantDistributors = pgTable(
  'tenant_distributors',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    credentialsEnc: text('credentials_enc').notNull(),
    /** When a person last entered credentials; a rotated token does not change it. */
    connectedAt: at('connected_at').notNull().defaultNow(),
    connectedBy: text('connected_by'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.kind] })],
);

export const tenantSettings = pgTable('tenant_settings', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  /** Off by default, as the connector guide ships it: nothing is written unattended until asked. */
  autoSync: boolean('auto_sync').notNull().default(false),
  /** Five-field cron, read in `time_zone`. */
  schedule: text('schedule').notNull().default('0 0 * * *'),
  timeZone: text('time_zone').notNull().default('UTC'),
  /** Operation kinds the scheduled job may write without a person: shared/schemas/settings.ts. */
  unattendedKinds: jsonb('unattended_kinds').$type<UnattendedKind[]>().notNull().default(sql`'[]'::jsonb`),
  /** Sync rules (effective dates, cancellation, proration style); validated by shared schemas. */
  rules: jsonb('rules').$type<Partial<SyncRules>>().notNull().default(sql`'{}'::jsonb`),
  updatedBy: text('updated_by'),
  /**
   * The member whose role, checked when she saved, allows editing agreements: the API member
   * writes on the schedule only while this is set. Settings saved before roles were checked
   * have none, so their schedule only checks until an authorised member saves them again.
   */
  approvedBy: text('approved_by'),
  updatedAt: updatedAt(),
});

/** Every save of a tenant's settings: who, when, and what they were before and after. */
export const settingsChanges = pgTable(
  'settings_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /**
     * What was changed: `settings` (the tenant's), or a value the API member bills with
     * unattended: `markup:<binding id>`, `usage-sync:<binding id>`, `usage:<subscription id>`.
     */
    subject: text('subject').notNull().default('settings'),
    /** The subject in the member's words ("Markup of Proofpoint Essentials"); null for the tenant's settings. */
    label: text('label'),
    changedBy: text('changed_by').notNull(),
    changedAt: at('changed_at').notNull().defaultNow(),
    before: jsonb('before').$type<Record<string, unknown> | null>(),
    after: jsonb('after').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('settings_changes_tenant_idx').on(t.tenantId, t.changedAt)],
);

export const companyMappings = pgTable(
  'company_mappings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    distributor: text('distributor').notNull(),
    distributorCompanyId: text('distributor_company_id').notNull(),
    distributorCompanyName: text('distributor_company_name').notNull(),
    cwCompanyId: integer('cw_company_id'),
    cwCompanyName: text('cw_company_name'),
    /** `mapped`, `unmapped` (unbound: its service mappings are kept but paused) or `failed`. */
    status: text('status', { enum: MAPPING_STATUSES }).notNull().default('mapped'),
    /** Agreement chosen by default when a company has several that can take additions. */
    defaultAgreementId: integer('default_agreement_id'),
    lastError: text('last_error'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('company_mappings_distributor_uq').on(t.tenantId, t.distributor, t.distributorCompanyId),
    index('company_mappings_cw_idx').on(t.tenantId, t.cwCompanyId),
    // A ConnectWise company is bound to one company of each distributor at a time.
    uniqueIndex('company_mappings_cw_bound_uq')
      .on(t.tenantId, t.distributor, t.cwCompanyId)
      .where(sql`status = 'mapped'`),
    check('company_mappings_status_ck', oneOf(t.status, MAPPING_STATUSES)),
  ],
);

export const productMappings = pgTable(
  'product_mappings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    distributor: text('distributor').notNull(),
    distributorProductId: text('distributor_product_id').notNull(),
    /**
     * Empty for the product itself; the sub-product's name for usage products that bill per
     * sub-product (Proofpoint Essentials: Beginner, Business, …), each bound on its own.
     */
    subProduct: text('sub_product').notNull().default(''),
    distributorProductName: text('distributor_product_name').notNull(),
    cwCatalogItemId: integer('cw_catalog_item_id'),
    cwCatalogIdentifier: text('cw_catalog_identifier'),
    status: text('status', { enum: MAPPING_STATUSES }).notNull().default('mapped'),
    /**
     * Whether its usage is synced: on when bound, off when unbound, and a member may turn it
     * off in between. Sophos Central's PSA integration works the same way.
     */
    usageSync: boolean('usage_sync').notNull().default(true),
    /** Markup over cost for its usage, in hundredths of a percent; null bills the distributor's prices. */
    markupBp: integer('markup_bp'),
    /** Who saved the markup, with the settings right; null on a markup saved before that right was checked. */
    markupApprovedBy: text('markup_approved_by'),
    lastError: text('last_error'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('product_mappings_distributor_uq').on(t.tenantId, t.distributor, t.distributorProductId, t.subProduct),
    check('product_mappings_status_ck', oneOf(t.status, MAPPING_STATUSES)),
  ],
);

export const serviceMappings = pgTable(
  'service_mappings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    distributor: text('distributor').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    companyMappingId: uuid('company_mapping_id').references(() => companyMappings.id, {
      onDelete: 'set null',
    }),
    productMappingId: uuid('product_mapping_id').references(() => productMappings.id, {
      onDelete: 'set null',
    }),
    cwAgreementId: integer('cw_agreement_id').notNull(),
    /** Ids of the last additions the engine wrote for this subscription, newest last (bounded). */
    additionIds: jsonb('addition_ids').$type<number[]>().notNull().default(sql`'[]'::jsonb`),
    status: text('status', { enum: SERVICE_MAPPING_STATUSES }).notNull().default('mapped'),
    lastError: text('last_error'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('service_mappings_subscription_uq').on(t.tenantId, t.distributor, t.subscriptionId),
    index('service_mappings_agreement_idx').on(t.tenantId, t.cwAgreementId),
    check('service_mappings_status_ck', oneOf(t.status, SERVICE_MAPPING_STATUSES)),
    check(
      'service_mappings_addition_ids_ck',
      sql`jsonb_array_length(${t.additionIds}) <= ${sql.raw(String(ADDITION_IDS_KEPT))}`,
    ),
  ],
);

/**
 * How a member chose to bill one usage subscription: which of the four options, Flat Rate's
 * price, this company's markup over the product's, and the threshold past which a month is
 * held for a person. Absent: Multi Products where sub-products are bound, else Usage Summary.
 */
export const usageSettings = pgTable(
  'usage_settings',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    distributor: text('distributor').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    option: text('option', { enum: USAGE_OPTIONS }),
    flatPriceCents: integer('flat_price_cents'),
    markupBp: integer('markup_bp'),
    thresholdCents: integer('threshold_cents'),
    updatedBy: text('updated_by').notNull(),
    /**
     * Who saved these values with the settings right: the arrears run bills only with approved
     * values. Null on rows saved before that right was checked.
     */
    approvedBy: text('approved_by'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.distributor, t.subscriptionId] }),
    check('usage_settings_option_ck', oneOf(t.option, USAGE_OPTIONS)),
  ],
);

export const syncRuns = pgTable(
  'sync_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    trigger: text('trigger', { enum: RUN_TRIGGERS }).notNull(),
    actor: text('actor').notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull().default('running'),
    companiesTotal: integer('companies_total').notNull().default(0),
    companiesDone: integer('companies_done').notNull().default(0),
    writes: integer('writes').notNull().default(0),
    failures: integer('failures').notNull().default(0),
    needsReview: integer('needs_review').notNull().default(0),
    error: text('error'),
    /** Writes an earlier run had started (no answer, or stopped) that this run found applied and settled. */
    settled: integer('settled').notNull().default(0),
    /** Distributor records this run could not read; each is reported on its subscription. */
    unreadable: integer('unreadable').notNull().default(0),
    startedAt: at('started_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
  },
  (t) => [
    index('sync_runs_tenant_started_idx').on(t.tenantId, t.startedAt),
    check('sync_runs_trigger_ck', oneOf(t.trigger, RUN_TRIGGERS)),
    check('sync_runs_status_ck', oneOf(t.status, RUN_STATUSES)),
  ],
);

/**
 * Every write attempted against ConnectWise, successful or not: the audit trail billing staff
 * read when a customer disputes a line, and the place a failed write is retried from.
 */
export const adjustmentLog = pgTable(
  'adjustment_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    at: at('at').notNull().defaultNow(),
    /** `member` (a person's session) or `scheduled` (the integration's API member). */
    actorType: text('actor_type', { enum: ACTOR_TYPES }).notNull(),
    actorMemberId: text('actor_member_id'),
    actorName: text('actor_name').notNull(),
    /** e.g. `addition.create`, `addition.update`, `company.create`, `catalog.create`. */
    action: text('action').notNull(),
    operationKey: text('operation_key'),
    syncRunId: uuid('sync_run_id').references(() => syncRuns.id, { onDelete: 'set null' }),
    /** The distributor kind the write was about; none for a write that is not about one. */
    distributor: text('distributor'),
    subscriptionId: text('subscription_id'),
    cwCompanyId: integer('cw_company_id'),
    companyName: text('company_name'),
    productName: text('product_name'),
    cwAgreementId: integer('cw_agreement_id'),
    cwRecordId: integer('cw_record_id'),
    /** Method, path and the fields sent, with no credentials. */
    requestSummary: jsonb('request_summary').$type<Record<string, unknown>>().notNull(),
    /** `unknown`: sent, but no answer came back. */
    outcome: text('outcome', { enum: WRITE_OUTCOMES }).notNull(),
    responseSummary: jsonb('response_summary').$type<Record<string, unknown>>(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
  },
  (t) => [
    index('adjustment_log_tenant_at_idx').on(t.tenantId, t.at),
    index('adjustment_log_operation_idx').on(t.tenantId, t.operationKey),
    check('adjustment_log_actor_type_ck', oneOf(t.actorType, ACTOR_TYPES)),
    check('adjustment_log_outcome_ck', oneOf(t.outcome, WRITE_OUTCOMES)),
  ],
);

export const ignoredSubscriptions = pgTable(
  'ignored_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    distributor: text('distributor').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    reason: text('reason'),
    ignoredBy: text('ignored_by').notNull(),
    ignoredAt: at('ignored_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ignored_subscriptions_uq').on(t.tenantId, t.distributor, t.subscriptionId)],
);

/**
 * A member signed in through the Hosted API. The pod holds the bearer token in memory; only
 * its SHA-256 is stored, so a copy of this table opens no session. The member's ConnectWise
 * hash is sealed (server/crypto.ts) with the session id as context and never leaves the server.
 */
export const memberSessions = pgTable(
  'member_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    memberId: text('member_id').notNull(),
    memberName: text('member_name').notNull(),
    memberEmail: text('member_email'),
    memberHashEnc: text('member_hash_enc').notNull(),
    memberContextEnc: text('member_context_enc'),
    /** What her ConnectWise security role allows, as last read; re-read with the session. */
    permissions: jsonb('permissions').$type<Permissions>().notNull(),
    /** When ConnectWise last confirmed the member and her role (at most 5 minutes before any use). */
    verifiedAt: at('verified_at').notNull().defaultNow(),
    createdAt: createdAt(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [uniqueIndex('member_sessions_token_uq').on(t.tokenHash), index('member_sessions_expiry_idx').on(t.expiresAt)],
);

/** A plan a member (or the scheduled sync) confirmed: what it was based on and who confirmed it. */
export const syncPlans = pgTable(
  'sync_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** The distributor kind the subscription belongs to. */
    distributor: text('distributor').notNull(),
    planKey: text('plan_key').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    cwAgreementId: integer('cw_agreement_id').notNull(),
    /** Fingerprint of the ConnectWise and distributor state the plan was made from. */
    basis: text('basis').notNull(),
    syncRunId: uuid('sync_run_id').references(() => syncRuns.id, { onDelete: 'set null' }),
    confirmedBy: text('confirmed_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('sync_plans_key_uq').on(t.tenantId, t.distributor, t.planKey)],
);

/**
 * One write of a plan. Its key is unique per tenant, so the same change is written at most
 * once however many plans include it; the state moves planned → sending → confirmed | adopted |
 * failed | skipped, and `sending` is claimed in the database before anything is sent.
 */
export const syncOperations = pgTable(
  'sync_operations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    planId: uuid('plan_id')
      .notNull()
      .references(() => syncPlans.id, { onDelete: 'cascade' }),
    /** The distributor kind the subscription belongs to. */
    distributor: text('distributor').notNull(),
    opKey: text('op_key').notNull(),
    seq: integer('seq').notNull(),
    type: text('type', { enum: OPERATION_TYPES }).notNull(),
    kind: text('kind', { enum: OPERATION_KINDS }).notNull(),
    marker: text('marker').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    cwAgreementId: integer('cw_agreement_id').notNull(),
    /** The addition it changes (updates) or made (creates). */
    additionId: integer('addition_id'),
    dependsOn: text('depends_on'),
    /** Exactly what is sent: a POST body or a PATCH operation list. */
    request: jsonb('request').$type<OperationRequest>().notNull(),
    /** Title, reason and figures, for the log and the review. */
    summary: jsonb('summary').$type<OperationSummary>().notNull(),
    state: text('state', { enum: OPERATION_STATES }).notNull().default('planned'),
    attempts: integer('attempts').notNull().default(0),
    /** A person decided it is not to be written (`waived`): who, when and why. */
    waivedBy: text('waived_by'),
    waivedAt: at('waived_at'),
    waivedReason: text('waived_reason'),
    /** Who is sending it (a token per write), and until when; the writer renews the lease while it waits. */
    owner: text('owner'),
    leaseUntil: at('lease_until'),
    errorCode: text('error_code'),
    error: text('error'),
    claimedAt: at('claimed_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('sync_operations_key_uq').on(t.tenantId, t.distributor, t.opKey),
    index('sync_operations_plan_idx').on(t.planId),
    check('sync_operations_type_ck', oneOf(t.type, OPERATION_TYPES)),
    check('sync_operations_kind_ck', oneOf(t.kind, OPERATION_KINDS)),
    check('sync_operations_state_ck', oneOf(t.state, OPERATION_STATES)),
  ],
);

/**
 * Where each distributor subscription stood at the last check: what the unsynced report, the
 * agreement pod and the run history read, and since when it has been out of sync.
 */
export const subscriptionStatus = pgTable(
  'subscription_status',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    distributor: text('distributor').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    distributorCompanyId: text('distributor_company_id').notNull(),
    companyName: text('company_name').notNull(),
    /** The distributor product: where "Bind product" goes when the catalog binding is missing. */
    productId: text('product_id'),
    productName: text('product_name').notNull(),
    billingTerm: text('billing_term').notNull(),
    /** Billed in arrears (usage): reported apart from seat-based subscriptions. */
    usage: boolean('usage').notNull().default(false),
    cwCompanyId: integer('cw_company_id'),
    cwAgreementId: integer('cw_agreement_id'),
    cwAgreementName: text('cw_agreement_name'),
    cwAdditionId: integer('cw_addition_id'),
    state: text('state', { enum: ASSESSED_STATES }).notNull(),
    cwQuantity: integer('cw_quantity'),
    distributorQuantity: integer('distributor_quantity'),
    /** Monthly price ConnectWise would bill minus what the distributor's quantity and price make, in cents. */
    monthlyDifference: integer('monthly_difference'),
    unitPrice: integer('unit_price'),
    /** A usage subscription's last final month (`2026-10`) and its charges at the customer's price, in cents. */
    usagePeriod: text('usage_period'),
    usageTotalCents: integer('usage_total_cents'),
    reason: text('reason'),
    /** What a person does next: map it, bind its product, or create an agreement in Manage first. */
    nextStep: text('next_step', { enum: NEXT_STEPS }),
    outOfSyncSince: at('out_of_sync_since'),
    /** A commitment's position at the check: its window, the seats ConnectWise does not bill, their cost. */
    commitment: jsonb('commitment').$type<CommitmentPosition>(),
    checkedAt: at('checked_at').notNull(),
  },
  (t) => [
    uniqueIndex('subscription_status_uq').on(t.tenantId, t.distributor, t.subscriptionId),
    index('subscription_status_agreement_idx').on(t.tenantId, t.cwAgreementId),
    check('subscription_status_state_ck', oneOf(t.state, ASSESSED_STATES)),
    check('subscription_status_next_step_ck', oneOf(t.nextStep, NEXT_STEPS)),
  ],
);

/**
 * Every test and rotation of a tenant's credentials, from the Connections page: when, by whom,
 * which connection, and how it went. The last success of each is what the page shows first.
 */
export const connectionChecks = pgTable(
  'connection_checks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** `connectwise` (the API member) or a distributor's kind (`pax8`). */
    connection: text('connection').notNull(),
    /**
     * `test` (the stored credentials were tried), `rotate` (new ones were entered), `disconnect`,
     * or `configure` (a setting of the connection was chosen: StreamOne Ion's billing report).
     */
    action: text('action', { enum: ['test', 'rotate', 'disconnect', 'configure'] }).notNull(),
    ok: boolean('ok').notNull(),
    message: text('message'),
    checkedBy: text('checked_by').notNull(),
    checkedAt: at('checked_at').notNull().defaultNow(),
  },
  (t) => [index('connection_checks_tenant_idx').on(t.tenantId, t.connection, t.checkedAt)],
);

/**
 * Each tenant's ConnectWise request budget, shared by every process: requests are counted in
 * short windows, so any number of workers together stay within the tenant's rate.
 */
export const requestBudgets = pgTable('request_budgets', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  windowStart: at('window_start').notNull(),
  used: integer('used').notNull(),
});

/**
 * Each subscription's billing period against the distributor's invoice: its status, the
 * figures compared, and the person's decision (or the tolerance's) with who and when.
 */
export const reconciliations = pgTable(
  'reconciliations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    distributor: text('distributor').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    /** `2026-10`: the month the invoice bills. */
    period: text('period').notNull(),
    companyName: text('company_name').notNull(),
    cwCompanyId: integer('cw_company_id'),
    productName: text('product_name').notNull(),
    cwAgreementId: integer('cw_agreement_id'),
    status: text('status', { enum: RECONCILE_STATUSES }).notNull(),
    reason: text('reason').notNull(),
    figures: jsonb('figures').$type<ReconcileFigures>(),
    adjustment: jsonb('adjustment').$type<AdjustmentLine>(),
    withinTolerance: boolean('within_tolerance').notNull().default(false),
    decision: text('decision', { enum: RECONCILE_DECISIONS }),
    decidedBy: text('decided_by'),
    decidedAt: at('decided_at'),
    note: text('note'),
    /**
     * The write the last Accept made: one key per subscription, period and revision, so a
     * revision is posted once and a later one gets a key of its own.
     */
    opKey: text('op_key'),
    /** The figures the decision was made on: a later answer that differs reopens the row. */
    decidedFigures: jsonb('decided_figures').$type<ReconcileFigures>(),
    checkedAt: at('checked_at').notNull(),
    statusChangedAt: at('status_changed_at').notNull(),
  },
  (t) => [
    uniqueIndex('reconciliations_key_uq').on(t.tenantId, t.distributor, t.subscriptionId, t.period),
    index('reconciliations_period_idx').on(t.tenantId, t.period),
    check('reconciliations_status_ck', oneOf(t.status, RECONCILE_STATUSES)),
    check('reconciliations_decision_ck', oneOf(t.decision, RECONCILE_DECISIONS)),
  ],
);

/** Every status change and decision of a reconciliation: what the digest reports and the page lists. */
export const reconciliationEvents = pgTable(
  'reconciliation_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    reconciliationId: uuid('reconciliation_id')
      .notNull()
      .references(() => reconciliations.id, { onDelete: 'cascade' }),
    at: at('at').notNull().defaultNow(),
    actor: text('actor').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    note: text('note'),
  },
  (t) => [index('reconciliation_events_tenant_idx').on(t.tenantId, t.at)],
);

/** Who hears about what, and how; changed by members allowed to change settings. */
export const notificationSettings = pgTable('notification_settings', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  settings: jsonb('settings').$type<NotificationSettings>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: updatedAt(),
});

/** Every digest sent (or tried): to whom, what, and whether the email and the ticket went. */
export const digests = pgTable(
  'digests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    at: at('at').notNull().defaultNow(),
    /** `daily`, `after-run` or `test`. */
    trigger: text('trigger').notNull(),
    recipients: jsonb('recipients').$type<string[]>().notNull(),
    subject: text('subject').notNull(),
    items: integer('items').notNull(),
    emailed: boolean('emailed').notNull(),
    ticketId: integer('ticket_id'),
    error: text('error'),
    /**
     * The tenant's calendar day a daily digest is for, claimed before it is sent: a second
     * daily run that day (a command-line run, a retry) finds it taken and sends nothing.
     */
    day: text('day'),
  },
  (t) => [
    index('digests_tenant_at_idx').on(t.tenantId, t.at),
    uniqueIndex('digests_tenant_daily_uq').on(t.tenantId, t.day).where(sql`${t.trigger} = 'daily'`),
  ],
);

/**
 * A column profile an admin made for a vendor's file: each save is a new version, and an import
 * keeps the version it was read with. The shipped profiles (Microsoft's, the generic one) are
 * code, not rows.
 */
export const columnProfiles = pgTable(
  'column_profiles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** What a file source names it by: lower case, no spaces. */
    key: text('key').notNull(),
    version: integer('version').notNull(),
    profile: jsonb('profile').$type<ColumnProfile>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('column_profiles_version_uq').on(t.tenantId, t.key, t.version)],
);

export const FILE_IMPORT_STATES = ['previewed', 'imported', 'superseded', 'discarded'] as const;

/**
 * A file uploaded to a file source: previewed first (its bytes sealed here until the member
 * confirms or discards it), then imported, and superseded when a corrected file for the same
 * invoice is imported. Imported twice, a file is known by its hash.
 */
export const fileImports = pgTable(
  'file_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** The key of the file source it was uploaded to (`files:microsoft-direct`): its lines are that source's. */
    source: text('source').notNull(),
    fileName: text('file_name').notNull(),
    /** SHA-256 of the file's bytes. */
    hash: text('hash').notNull(),
    profileKey: text('profile_key').notNull(),
    /** The profile as it was read with: a later version does not change what was imported. */
    profile: jsonb('profile').$type<ColumnProfile>().notNull(),
    state: text('state', { enum: FILE_IMPORT_STATES }).notNull(),
    /** The invoices (or, without an invoice column, the months) it bills: a corrected file shares them. */
    invoiceKeys: jsonb('invoice_keys').$type<string[]>().notNull(),
    rows: integer('rows').notNull(),
    lines: integer('lines').notNull(),
    totals: jsonb('totals').$type<{ currency: string; amountCents: number; fileAmountCents: number }[]>().notNull(),
    supersedes: uuid('supersedes'),
    uploadedBy: text('uploaded_by').notNull(),
    uploadedAt: at('uploaded_at').notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decidedAt: at('decided_at'),
  },
  (t) => [
    index('file_imports_tenant_idx').on(t.tenantId, t.uploadedAt),
    index('file_imports_source_idx').on(t.tenantId, t.source, t.state),
    // One imported copy of a file per tenant: a second import of the same bytes changes nothing.
    uniqueIndex('file_imports_hash_uq').on(t.tenantId, t.hash).where(sql`${t.state} = 'imported'`),
    check('file_imports_state_ck', oneOf(t.state, FILE_IMPORT_STATES)),
  ],
);

/**
 * A previewed file's bytes, sealed a part at a time (a mebibyte each), until its import is
 * confirmed or discarded: confirming reads them back one part at a time, never the whole file.
 */
export const fileImportParts = pgTable(
  'file_import_parts',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => fileImports.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    part: integer('part').notNull(),
    sealed: text('sealed').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.part] })],
);

/** One charge of an imported file, as its profile read it. */
export const fileImportLines = pgTable(
  'file_import_lines',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => fileImports.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    row: integer('row').notNull(),
    line: jsonb('line').$type<FileLine>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.row] }), index('file_import_lines_tenant_idx').on(t.tenantId)],
);
