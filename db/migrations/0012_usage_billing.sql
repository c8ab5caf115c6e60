CREATE TABLE "usage_settings" (
	"tenant_id" uuid NOT NULL,
	"distributor" text NOT NULL,
	"subscription_id" text NOT NULL,
	"option" text,
	"flat_price_cents" integer,
	"markup_bp" integer,
	"threshold_cents" integer,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_settings_tenant_id_distributor_subscription_id_pk" PRIMARY KEY("tenant_id","distributor","subscription_id"),
	CONSTRAINT "usage_settings_option_ck" CHECK ("usage_settings"."option" in ('multi-products', 'flat-rate', 'usage-summary', 'usage-lines'))
);
--> statement-breakpoint
ALTER TABLE "sync_operations" DROP CONSTRAINT "sync_operations_type_ck";--> statement-breakpoint
ALTER TABLE "sync_operations" DROP CONSTRAINT "sync_operations_kind_ck";--> statement-breakpoint
ALTER TABLE "product_mappings" ADD COLUMN "usage_sync" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "product_mappings" ADD COLUMN "markup_bp" integer;--> statement-breakpoint
ALTER TABLE "subscription_status" ADD COLUMN "usage_period" text;--> statement-breakpoint
ALTER TABLE "subscription_status" ADD COLUMN "usage_total_cents" integer;--> statement-breakpoint
ALTER TABLE "usage_settings" ADD CONSTRAINT "usage_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_operations" ADD CONSTRAINT "sync_operations_type_ck" CHECK ("sync_operations"."type" in ('create-recurring', 'update-recurring', 'cancel-addition', 'create-prorate', 'create-credit', 'create-delta', 'update-delta', 'create-extra-months', 'create-usage'));--> statement-breakpoint
ALTER TABLE "sync_operations" ADD CONSTRAINT "sync_operations_kind_ck" CHECK ("sync_operations"."kind" in ('increase', 'decrease', 'cancellation', 'prorate', 'usage'));--> statement-breakpoint
-- A product nobody has bound syncs no usage until it is bound again.
UPDATE "product_mappings" SET "usage_sync" = false WHERE "status" <> 'mapped';
