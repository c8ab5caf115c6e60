CREATE TABLE "subscription_status" (
	"tenant_id" uuid NOT NULL,
	"distributor" text DEFAULT 'pax8' NOT NULL,
	"subscription_id" text NOT NULL,
	"distributor_company_id" text NOT NULL,
	"company_name" text NOT NULL,
	"product_name" text NOT NULL,
	"billing_term" text NOT NULL,
	"usage" boolean DEFAULT false NOT NULL,
	"cw_company_id" integer,
	"cw_agreement_id" integer,
	"cw_agreement_name" text,
	"cw_addition_id" integer,
	"state" text NOT NULL,
	"cw_quantity" integer,
	"distributor_quantity" integer,
	"monthly_difference" integer,
	"unit_price" integer,
	"reason" text,
	"out_of_sync_since" timestamp with time zone,
	"checked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_leases" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"run_id" uuid,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "subscription_status" ADD CONSTRAINT "subscription_status_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_leases" ADD CONSTRAINT "sync_leases_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_status_uq" ON "subscription_status" USING btree ("tenant_id","distributor","subscription_id");--> statement-breakpoint
CREATE INDEX "subscription_status_agreement_idx" ON "subscription_status" USING btree ("tenant_id","cw_agreement_id");