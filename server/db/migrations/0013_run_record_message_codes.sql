ALTER TABLE "run_records" ADD COLUMN "message_code" text;--> statement-breakpoint
ALTER TABLE "run_records" ADD COLUMN "message_params" jsonb;