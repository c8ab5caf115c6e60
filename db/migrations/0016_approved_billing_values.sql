ALTER TABLE "product_mappings" ADD COLUMN "markup_approved_by" text;--> statement-breakpoint
ALTER TABLE "settings_changes" ADD COLUMN "subject" text DEFAULT 'settings' NOT NULL;--> statement-breakpoint
ALTER TABLE "settings_changes" ADD COLUMN "label" text;--> statement-breakpoint
ALTER TABLE "usage_settings" ADD COLUMN "approved_by" text;