CREATE TABLE "connection_checks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"connection" text NOT NULL,
	"action" text NOT NULL,
	"ok" boolean NOT NULL,
	"message" text,
	"checked_by" text NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connection_checks" ADD CONSTRAINT "connection_checks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "connection_checks_tenant_idx" ON "connection_checks" USING btree ("tenant_id","connection","checked_at");