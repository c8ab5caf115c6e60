CREATE TABLE "adjustment_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_member_id" text,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"operation_key" text,
	"sync_run_id" uuid,
	"subscription_id" text,
	"cw_company_id" integer,
	"company_name" text,
	"product_name" text,
	"cw_agreement_id" integer,
	"cw_record_id" integer,
	"request_summary" jsonb NOT NULL,
	"outcome" text NOT NULL,
	"response_summary" jsonb,
	"error_code" text,
	"error_message" text
);
--> statement-breakpoint
CREATE TABLE "company_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"distributor" text DEFAULT 'pax8' NOT NULL,
	"distributor_company_id" text NOT NULL,
	"distributor_company_name" text NOT NULL,
	"cw_company_id" integer,
	"cw_company_name" text,
	"status" text DEFAULT 'mapped' NOT NULL,
	"default_agreement_id" integer,
	"last_error" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ignored_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"distributor" text DEFAULT 'pax8' NOT NULL,
	"subscription_id" text NOT NULL,
	"reason" text,
	"ignored_by" text NOT NULL,
	"ignored_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "product_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"distributor" text DEFAULT 'pax8' NOT NULL,
	"distributor_product_id" text NOT NULL,
	"sub_product" text DEFAULT '' NOT NULL,
	"distributor_product_name" text NOT NULL,
	"cw_catalog_item_id" integer,
	"cw_catalog_identifier" text,
	"status" text DEFAULT 'mapped' NOT NULL,
	"last_error" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"distributor" text DEFAULT 'pax8' NOT NULL,
	"subscription_id" text NOT NULL,
	"company_mapping_id" uuid,
	"product_mapping_id" uuid,
	"cw_agreement_id" integer NOT NULL,
	"addition_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'mapped' NOT NULL,
	"last_error" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"actor" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"companies_total" integer DEFAULT 0 NOT NULL,
	"companies_done" integer DEFAULT 0 NOT NULL,
	"writes" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"needs_review" integer DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tenant_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"auto_sync" boolean DEFAULT false NOT NULL,
	"schedule" text DEFAULT '0 0 * * *' NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"unattended_kinds" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rules" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"site" text NOT NULL,
	"company_id" text NOT NULL,
	"codebase" text,
	"client_id" text NOT NULL,
	"api_keys_enc" text,
	"distributor" text DEFAULT 'pax8' NOT NULL,
	"distributor_credentials_enc" text,
	"allowed_origin" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "adjustment_log" ADD CONSTRAINT "adjustment_log_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustment_log" ADD CONSTRAINT "adjustment_log_sync_run_id_sync_runs_id_fk" FOREIGN KEY ("sync_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "company_mappings" ADD CONSTRAINT "company_mappings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ignored_subscriptions" ADD CONSTRAINT "ignored_subscriptions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_mappings" ADD CONSTRAINT "product_mappings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_mappings" ADD CONSTRAINT "service_mappings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_mappings" ADD CONSTRAINT "service_mappings_company_mapping_id_company_mappings_id_fk" FOREIGN KEY ("company_mapping_id") REFERENCES "public"."company_mappings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_mappings" ADD CONSTRAINT "service_mappings_product_mapping_id_product_mappings_id_fk" FOREIGN KEY ("product_mapping_id") REFERENCES "public"."product_mappings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD CONSTRAINT "tenant_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "adjustment_log_tenant_at_idx" ON "adjustment_log" USING btree ("tenant_id","at");--> statement-breakpoint
CREATE INDEX "adjustment_log_operation_idx" ON "adjustment_log" USING btree ("tenant_id","operation_key");--> statement-breakpoint
CREATE UNIQUE INDEX "company_mappings_distributor_uq" ON "company_mappings" USING btree ("tenant_id","distributor","distributor_company_id");--> statement-breakpoint
CREATE INDEX "company_mappings_cw_idx" ON "company_mappings" USING btree ("tenant_id","cw_company_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ignored_subscriptions_uq" ON "ignored_subscriptions" USING btree ("tenant_id","distributor","subscription_id");--> statement-breakpoint
CREATE UNIQUE INDEX "product_mappings_distributor_uq" ON "product_mappings" USING btree ("tenant_id","distributor","distributor_product_id","sub_product");--> statement-breakpoint
CREATE UNIQUE INDEX "service_mappings_subscription_uq" ON "service_mappings" USING btree ("tenant_id","distributor","subscription_id");--> statement-breakpoint
CREATE INDEX "service_mappings_agreement_idx" ON "service_mappings" USING btree ("tenant_id","cw_agreement_id");--> statement-breakpoint
CREATE INDEX "sync_runs_tenant_started_idx" ON "sync_runs" USING btree ("tenant_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tenants_site_company_uq" ON "tenants" USING btree ("site","company_id");