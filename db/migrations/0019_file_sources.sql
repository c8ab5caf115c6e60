-- Files imported before a tenant could connect several file sources belong to its one source, keyed by the kind alone.
ALTER TABLE "file_imports" ADD COLUMN "source" text NOT NULL DEFAULT 'files';--> statement-breakpoint
ALTER TABLE "file_imports" ALTER COLUMN "source" DROP DEFAULT;--> statement-breakpoint
CREATE INDEX "file_imports_source_idx" ON "file_imports" USING btree ("tenant_id","source","state");
