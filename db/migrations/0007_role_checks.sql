-- Sessions from before roles were read carry no permissions: their members sign in again.
DELETE FROM "member_sessions";--> statement-breakpoint
ALTER TABLE "member_sessions" ADD COLUMN "permissions" jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "member_sessions" ADD COLUMN "verified_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "approved_by" text;