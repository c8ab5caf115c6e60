ALTER TABLE "subscription_status" DROP CONSTRAINT "subscription_status_state_ck";--> statement-breakpoint
ALTER TABLE "subscription_status" ADD COLUMN "product_id" text;--> statement-breakpoint
ALTER TABLE "subscription_status" ADD COLUMN "next_step" text;--> statement-breakpoint
ALTER TABLE "subscription_status" ADD CONSTRAINT "subscription_status_next_step_ck" CHECK ("subscription_status"."next_step" in ('map', 'bind-product', 'create-agreement'));--> statement-breakpoint
ALTER TABLE "subscription_status" ADD CONSTRAINT "subscription_status_state_ck" CHECK ("subscription_status"."state" in ('in-sync', 'out-of-sync', 'unmapped', 'needs-review', 'over-billing'));