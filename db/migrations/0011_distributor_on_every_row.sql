DROP INDEX "sync_operations_key_uq";--> statement-breakpoint
DROP INDEX "sync_plans_key_uq";--> statement-breakpoint
ALTER TABLE "company_mappings" ALTER COLUMN "distributor" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "ignored_subscriptions" ALTER COLUMN "distributor" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "product_mappings" ALTER COLUMN "distributor" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "service_mappings" ALTER COLUMN "distributor" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "subscription_status" ALTER COLUMN "distributor" DROP DEFAULT;--> statement-breakpoint
-- Everything written so far was about Pax8, the one distributor there was; from now on each
-- row says which distributor it belongs to, and nothing defaults to one.
ALTER TABLE "adjustment_log" ADD COLUMN "distributor" text;--> statement-breakpoint
UPDATE "adjustment_log" SET "distributor" = 'pax8' WHERE "subscription_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_operations" ADD COLUMN "distributor" text NOT NULL DEFAULT 'pax8';--> statement-breakpoint
ALTER TABLE "sync_operations" ALTER COLUMN "distributor" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "sync_plans" ADD COLUMN "distributor" text NOT NULL DEFAULT 'pax8';--> statement-breakpoint
ALTER TABLE "sync_plans" ALTER COLUMN "distributor" DROP DEFAULT;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_operations_key_uq" ON "sync_operations" USING btree ("tenant_id","distributor","op_key");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_plans_key_uq" ON "sync_plans" USING btree ("tenant_id","distributor","plan_key");