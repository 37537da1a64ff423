CREATE TABLE "fiscal_documents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"node_id" text NOT NULL,
	"record_key" text NOT NULL,
	"issuer_cnpj" text NOT NULL,
	"model" integer NOT NULL,
	"environment" integer NOT NULL,
	"series" integer NOT NULL,
	"number" integer NOT NULL,
	"access_key" text NOT NULL,
	"status" text NOT NULL,
	"c_stat" text,
	"reason" text,
	"protocol" text,
	"xml" text NOT NULL,
	"proc_xml" text,
	"total" text NOT NULL,
	"run_id" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"authorized_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fiscal_numbering" (
	"issuer_cnpj" text NOT NULL,
	"model" integer NOT NULL,
	"environment" integer NOT NULL,
	"series" integer NOT NULL,
	"tenant_id" text NOT NULL,
	"next_number" integer NOT NULL,
	CONSTRAINT "fiscal_numbering_issuer_cnpj_model_environment_series_pk" PRIMARY KEY("issuer_cnpj","model","environment","series")
);
--> statement-breakpoint
ALTER TABLE "fiscal_documents" ADD CONSTRAINT "fiscal_documents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fiscal_numbering" ADD CONSTRAINT "fiscal_numbering_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fiscal_documents_record_uq" ON "fiscal_documents" USING btree ("flow_id","node_id","record_key");--> statement-breakpoint
CREATE UNIQUE INDEX "fiscal_documents_number_uq" ON "fiscal_documents" USING btree ("issuer_cnpj","model","environment","series","number");--> statement-breakpoint
CREATE UNIQUE INDEX "fiscal_documents_key_uq" ON "fiscal_documents" USING btree ("access_key");--> statement-breakpoint
CREATE INDEX "fiscal_documents_tenant_idx" ON "fiscal_documents" USING btree ("tenant_id","created_at");