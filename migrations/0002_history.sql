CREATE TABLE `archive_objects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`number_id` integer NOT NULL,
	`key` text NOT NULL,
	`day` text NOT NULL,
	`first_id` integer NOT NULL,
	`last_id` integer NOT NULL,
	`min_created_at` integer NOT NULL,
	`max_created_at` integer NOT NULL,
	`rows` integer NOT NULL,
	`bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`number_id`) REFERENCES `clinic_numbers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `archive_objects_key_unique` ON `archive_objects` (`key`);--> statement-breakpoint
CREATE INDEX `archive_objects_number_time_idx` ON `archive_objects` (`number_id`,`min_created_at`);--> statement-breakpoint
CREATE INDEX `archive_objects_status_idx` ON `archive_objects` (`status`);--> statement-breakpoint
CREATE TABLE `archive_segments` (
	`object_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`first_id` integer NOT NULL,
	`last_id` integer NOT NULL,
	`rows` integer NOT NULL,
	`offset` integer NOT NULL,
	`length` integer NOT NULL,
	PRIMARY KEY(`object_id`, `conversation_id`),
	FOREIGN KEY (`object_id`) REFERENCES `archive_objects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `archive_segments_conversation_idx` ON `archive_segments` (`conversation_id`,`first_id`);--> statement-breakpoint
CREATE TABLE `exports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`number_id` integer NOT NULL,
	`conversation_id` integer,
	`phone` text,
	`range_from` integer,
	`range_to` integer,
	`format` text NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`r2_key` text,
	`rows` integer DEFAULT 0 NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`expires_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`number_id`) REFERENCES `clinic_numbers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `exports_user_created_idx` ON `exports` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `exports_status_expires_idx` ON `exports` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
