ALTER TABLE "sync_operations" DROP CONSTRAINT "sync_operations_state_ck";--> statement-breakpoint
ALTER TABLE "sync_operations" ADD COLUMN "waived_by" text;--> statement-breakpoint
ALTER TABLE "sync_operations" ADD COLUMN "waived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_operations" ADD COLUMN "waived_reason" text;--> statement-breakpoint
ALTER TABLE "sync_operations" ADD CONSTRAINT "sync_operations_state_ck" CHECK ("sync_operations"."state" in ('planned', 'sending', 'confirmed', 'adopted', 'failed', 'skipped', 'unknown', 'superseded', 'waived'));