CREATE TABLE "notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"node_id" text NOT NULL,
	"record_key" text NOT NULL,
	"message_hash" text NOT NULL,
	"message_id" text NOT NULL,
	"run_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"status" text DEFAULT 'sending' NOT NULL,
	"provider_id" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_message_uq" ON "notifications" USING btree ("flow_id","node_id","record_key","message_hash");--> statement-breakpoint
CREATE INDEX "notifications_provider_idx" ON "notifications" USING btree ("connection_id","provider_id");--> statement-breakpoint
CREATE INDEX "notifications_run_idx" ON "notifications" USING btree ("run_id");