ALTER TABLE "run_records" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "run_records" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "reprocess_of" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "source_keys" jsonb;