CREATE TABLE "tenant_distributors" (
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"credentials_enc" text NOT NULL,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"connected_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_distributors_tenant_id_kind_pk" PRIMARY KEY("tenant_id","kind")
);
--> statement-breakpoint
ALTER TABLE "tenant_distributors" ADD CONSTRAINT "tenant_distributors_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Each tenant's one distributor becomes its first connection. The ciphertext moves as it is:
-- it was sealed with the tenant's legacy context, which the server still opens for these rows.
INSERT INTO "tenant_distributors" ("tenant_id", "kind", "credentials_enc", "connected_at", "connected_by")
SELECT "id", "distributor", "distributor_credentials_enc", "updated_at", 'tenant setup'
FROM "tenants" WHERE "distributor_credentials_enc" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" DROP COLUMN "distributor";--> statement-breakpoint
ALTER TABLE "tenants" DROP COLUMN "distributor_credentials_enc";