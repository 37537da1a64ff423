CREATE TABLE "discoveries" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"source_connection_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"entity" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"report" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reconciliations" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"entity" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"bound" integer DEFAULT 0 NOT NULL,
	"seen" integer DEFAULT 0 NOT NULL,
	"missing" integer DEFAULT 0 NOT NULL,
	"marked" integer DEFAULT 0 NOT NULL,
	"max_share" double precision DEFAULT 0.1 NOT NULL,
	"message" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "value_map_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"map_id" text NOT NULL,
	"source_value" text NOT NULL,
	"target_value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "value_maps" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"name" text NOT NULL,
	"label" text,
	"default_value" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "bindings_internal_uq";--> statement-breakpoint
ALTER TABLE "bindings" ADD COLUMN "source_connection_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "bindings" ADD COLUMN "flow_id" text;--> statement-breakpoint
ALTER TABLE "bindings" ADD COLUMN "hash_in" text;--> statement-breakpoint
ALTER TABLE "bindings" ADD COLUMN "last_pushed" jsonb;--> statement-breakpoint
ALTER TABLE "bindings" ADD COLUMN "conflict" jsonb;--> statement-breakpoint
ALTER TABLE "discoveries" ADD CONSTRAINT "discoveries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discoveries" ADD CONSTRAINT "discoveries_source_connection_id_connections_id_fk" FOREIGN KEY ("source_connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discoveries" ADD CONSTRAINT "discoveries_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliations" ADD CONSTRAINT "reconciliations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliations" ADD CONSTRAINT "reconciliations_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "value_map_entries" ADD CONSTRAINT "value_map_entries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "value_map_entries" ADD CONSTRAINT "value_map_entries_map_id_value_maps_id_fk" FOREIGN KEY ("map_id") REFERENCES "public"."value_maps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "value_maps" ADD CONSTRAINT "value_maps_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "value_maps" ADD CONSTRAINT "value_maps_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "value_map_entries_map_source_uq" ON "value_map_entries" USING btree ("map_id","source_value");--> statement-breakpoint
CREATE UNIQUE INDEX "value_maps_connection_name_uq" ON "value_maps" USING btree ("connection_id","name");--> statement-breakpoint
CREATE INDEX "bindings_status_idx" ON "bindings" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "bindings_internal_uq" ON "bindings" USING btree ("connection_id","entity","source_connection_id","internal_id");