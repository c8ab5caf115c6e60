CREATE TABLE "digests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"trigger" text NOT NULL,
	"recipients" jsonb NOT NULL,
	"subject" text NOT NULL,
	"items" integer NOT NULL,
	"emailed" boolean NOT NULL,
	"ticket_id" integer,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "notification_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"reconciliation_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "reconciliations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"distributor" text NOT NULL,
	"subscription_id" text NOT NULL,
	"period" text NOT NULL,
	"company_name" text NOT NULL,
	"cw_company_id" integer,
	"product_name" text NOT NULL,
	"cw_agreement_id" integer,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"figures" jsonb,
	"adjustment" jsonb,
	"within_tolerance" boolean DEFAULT false NOT NULL,
	"decision" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"note" text,
	"op_key" text,
	"checked_at" timestamp with time zone NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "reconciliations_status_ck" CHECK ("reconciliations"."status" in ('pending', 'review', 'reconciled', 'rejected')),
	CONSTRAINT "reconciliations_decision_ck" CHECK ("reconciliations"."decision" in ('accepted', 'auto', 'rejected'))
);
--> statement-breakpoint
ALTER TABLE "sync_operations" DROP CONSTRAINT "sync_operations_type_ck";--> statement-breakpoint
ALTER TABLE "sync_operations" DROP CONSTRAINT "sync_operations_kind_ck";--> statement-breakpoint
ALTER TABLE "digests" ADD CONSTRAINT "digests_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_settings" ADD CONSTRAINT "notification_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_events" ADD CONSTRAINT "reconciliation_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_events" ADD CONSTRAINT "reconciliation_events_reconciliation_id_reconciliations_id_fk" FOREIGN KEY ("reconciliation_id") REFERENCES "public"."reconciliations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliations" ADD CONSTRAINT "reconciliations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "digests_tenant_at_idx" ON "digests" USING btree ("tenant_id","at");--> statement-breakpoint
CREATE INDEX "reconciliation_events_tenant_idx" ON "reconciliation_events" USING btree ("tenant_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "reconciliations_key_uq" ON "reconciliations" USING btree ("tenant_id","distributor","subscription_id","period");--> statement-breakpoint
CREATE INDEX "reconciliations_period_idx" ON "reconciliations" USING btree ("tenant_id","period");--> statement-breakpoint
ALTER TABLE "sync_operations" ADD CONSTRAINT "sync_operations_type_ck" CHECK ("sync_operations"."type" in ('create-recurring', 'update-recurring', 'cancel-addition', 'create-prorate', 'create-credit', 'create-delta', 'update-delta', 'create-extra-months', 'create-usage', 'create-adjustment'));--> statement-breakpoint
ALTER TABLE "sync_operations" ADD CONSTRAINT "sync_operations_kind_ck" CHECK ("sync_operations"."kind" in ('increase', 'decrease', 'cancellation', 'prorate', 'usage', 'reconciliation'));