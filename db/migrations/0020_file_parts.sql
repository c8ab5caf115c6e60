-- A previewed file's bytes are kept sealed a part at a time, so no step holds the whole file as one value.
CREATE TABLE "file_import_parts" (
	"import_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"part" integer NOT NULL,
	"sealed" text NOT NULL,
	CONSTRAINT "file_import_parts_import_id_part_pk" PRIMARY KEY("import_id","part")
);
--> statement-breakpoint
ALTER TABLE "file_import_parts" ADD CONSTRAINT "file_import_parts_import_id_file_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."file_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_import_parts" ADD CONSTRAINT "file_import_parts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- A preview waiting when this runs was sealed whole, in the column dropped here: it is discarded
-- as an expired one is, and its file is uploaded again.
UPDATE "file_imports" SET "state" = 'discarded', "decided_by" = 'expired: not confirmed before an upgrade; upload it again', "decided_at" = now() WHERE "state" = 'previewed';--> statement-breakpoint
ALTER TABLE "file_imports" DROP COLUMN "file_enc";