CREATE TABLE "sync_operations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"op_key" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"kind" text NOT NULL,
	"marker" text NOT NULL,
	"subscription_id" text NOT NULL,
	"cw_agreement_id" integer NOT NULL,
	"addition_id" integer,
	"depends_on" text,
	"request" jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	"state" text DEFAULT 'planned' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error" text,
	"claimed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"plan_key" text NOT NULL,
	"subscription_id" text NOT NULL,
	"cw_agreement_id" integer NOT NULL,
	"basis" text NOT NULL,
	"sync_run_id" uuid,
	"confirmed_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sync_operations" ADD CONSTRAINT "sync_operations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_operations" ADD CONSTRAINT "sync_operations_plan_id_sync_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."sync_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_plans" ADD CONSTRAINT "sync_plans_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_plans" ADD CONSTRAINT "sync_plans_sync_run_id_sync_runs_id_fk" FOREIGN KEY ("sync_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_operations_key_uq" ON "sync_operations" USING btree ("tenant_id","op_key");--> statement-breakpoint
CREATE INDEX "sync_operations_plan_idx" ON "sync_operations" USING btree ("plan_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_plans_key_uq" ON "sync_plans" USING btree ("tenant_id","plan_key");