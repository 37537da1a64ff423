CREATE TABLE "rate_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"tat" timestamp (6) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "run_steps" ADD COLUMN "worker" text;