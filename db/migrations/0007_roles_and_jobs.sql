-- Sessions from before roles were read carry no permissions: their members sign in again.
DELETE FROM "member_sessions";--> statement-breakpoint
CREATE TABLE "request_budgets" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"used" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"before" jsonb,
	"after" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sync_leases" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "sync_leases" CASCADE;--> statement-breakpoint
ALTER TABLE "sync_runs" DROP CONSTRAINT "sync_runs_trigger_ck";--> statement-breakpoint
ALTER TABLE "member_sessions" ADD COLUMN "permissions" jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "member_sessions" ADD COLUMN "verified_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "approved_by" text;--> statement-breakpoint
ALTER TABLE "request_budgets" ADD CONSTRAINT "request_budgets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settings_changes" ADD CONSTRAINT "settings_changes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "settings_changes_tenant_idx" ON "settings_changes" USING btree ("tenant_id","changed_at");--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_trigger_ck" CHECK ("sync_runs"."trigger" in ('scheduled', 'manual', 'check', 'command'));