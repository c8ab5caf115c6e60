ALTER TABLE "digests" ADD COLUMN "day" text;--> statement-breakpoint
CREATE UNIQUE INDEX "digests_tenant_daily_uq" ON "digests" USING btree ("tenant_id","day") WHERE "digests"."trigger" = 'daily';