CREATE TABLE "fiscal_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"document_id" bigint NOT NULL,
	"connection_id" text NOT NULL,
	"access_key" text NOT NULL,
	"type" text NOT NULL,
	"sequence" integer NOT NULL,
	"justification" text NOT NULL,
	"status" text NOT NULL,
	"c_stat" text,
	"reason" text,
	"protocol" text,
	"proc_xml" text,
	"requested_by" text NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fiscal_voids" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"issuer_cnpj" text NOT NULL,
	"model" integer NOT NULL,
	"environment" integer NOT NULL,
	"series" integer NOT NULL,
	"from_number" integer NOT NULL,
	"to_number" integer NOT NULL,
	"justification" text NOT NULL,
	"status" text NOT NULL,
	"c_stat" text,
	"reason" text,
	"protocol" text,
	"proc_xml" text,
	"requested_by" text NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fiscal_events" ADD CONSTRAINT "fiscal_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fiscal_events" ADD CONSTRAINT "fiscal_events_document_id_fiscal_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."fiscal_documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fiscal_voids" ADD CONSTRAINT "fiscal_voids_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fiscal_events_document_idx" ON "fiscal_events" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "fiscal_events_tenant_idx" ON "fiscal_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "fiscal_voids_tenant_idx" ON "fiscal_voids" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "fiscal_voids_series_idx" ON "fiscal_voids" USING btree ("issuer_cnpj","model","environment","series");