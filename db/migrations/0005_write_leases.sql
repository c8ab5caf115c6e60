ALTER TABLE "sync_operations" DROP CONSTRAINT "sync_operations_state_ck";--> statement-breakpoint
ALTER TABLE "sync_operations" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "sync_operations" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "settled" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "unreadable" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_operations" ADD CONSTRAINT "sync_operations_state_ck" CHECK ("sync_operations"."state" in ('planned', 'sending', 'confirmed', 'adopted', 'failed', 'skipped', 'unknown', 'superseded'));