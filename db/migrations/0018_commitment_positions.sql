ALTER TABLE "subscription_status" ADD COLUMN "commitment" jsonb;--> statement-breakpoint
-- Tenants who asked for renewals in their digest get the reduction windows too: the same concern, sooner.
UPDATE "notification_settings" SET "settings" = jsonb_set("settings", '{events}', ("settings"->'events') || '["commitments"]'::jsonb) WHERE ("settings"->'events') ? 'renewals' AND NOT (("settings"->'events') ? 'commitments');
