CREATE TABLE "charges" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"node_id" text NOT NULL,
	"record_key" text NOT NULL,
	"source_connection_id" text NOT NULL,
	"connection_id" text,
	"kind" text NOT NULL,
	"reference" text NOT NULL,
	"amount" text NOT NULL,
	"status" text DEFAULT 'creating' NOT NULL,
	"provider_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"run_id" text NOT NULL,
	"error" text,
	"paid_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settlements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"payment_connection_id" text NOT NULL,
	"payment_id" text NOT NULL,
	"reference" text NOT NULL,
	"charge_id" bigint,
	"erp_connection_id" text NOT NULL,
	"order_id" text,
	"amount" text NOT NULL,
	"status" text DEFAULT 'settling' NOT NULL,
	"receivable_id" text,
	"error" text,
	"run_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "charges" ADD CONSTRAINT "charges_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "charges_record_idx" ON "charges" USING btree ("source_connection_id","record_key");--> statement-breakpoint
CREATE UNIQUE INDEX "charges_reference_uq" ON "charges" USING btree ("tenant_id","reference");--> statement-breakpoint
CREATE INDEX "charges_tenant_status_idx" ON "charges" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "settlements_payment_uq" ON "settlements" USING btree ("payment_connection_id","payment_id");--> statement-breakpoint
CREATE INDEX "settlements_tenant_idx" ON "settlements" USING btree ("tenant_id","created_at");