ALTER TABLE "run_records" ADD COLUMN "hint_code" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "error_hint_code" text;