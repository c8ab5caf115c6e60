CREATE TABLE "column_profiles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"version" integer NOT NULL,
	"profile" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "file_import_lines" (
	"import_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"row" integer NOT NULL,
	"line" jsonb NOT NULL,
	CONSTRAINT "file_import_lines_import_id_row_pk" PRIMARY KEY("import_id","row")
);
--> statement-breakpoint
CREATE TABLE "file_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"hash" text NOT NULL,
	"profile_key" text NOT NULL,
	"profile" jsonb NOT NULL,
	"state" text NOT NULL,
	"invoice_keys" jsonb NOT NULL,
	"rows" integer NOT NULL,
	"lines" integer NOT NULL,
	"totals" jsonb NOT NULL,
	"file_enc" text,
	"supersedes" uuid,
	"uploaded_by" text NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	CONSTRAINT "file_imports_state_ck" CHECK ("file_imports"."state" in ('previewed', 'imported', 'superseded', 'discarded'))
);
--> statement-breakpoint
ALTER TABLE "column_profiles" ADD CONSTRAINT "column_profiles_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_import_lines" ADD CONSTRAINT "file_import_lines_import_id_file_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."file_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_import_lines" ADD CONSTRAINT "file_import_lines_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_imports" ADD CONSTRAINT "file_imports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "column_profiles_version_uq" ON "column_profiles" USING btree ("tenant_id","key","version");--> statement-breakpoint
CREATE INDEX "file_import_lines_tenant_idx" ON "file_import_lines" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "file_imports_tenant_idx" ON "file_imports" USING btree ("tenant_id","uploaded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "file_imports_hash_uq" ON "file_imports" USING btree ("tenant_id","hash") WHERE "file_imports"."state" = 'imported';