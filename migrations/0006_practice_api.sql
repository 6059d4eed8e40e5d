CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_by_user_id` integer,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	`rate_window_start` integer DEFAULT 0 NOT NULL,
	`rate_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_secret_hash_unique` ON `api_keys` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_org_idx` ON `api_keys` (`org_id`);--> statement-breakpoint
ALTER TABLE `messages` ADD `send_after` integer;--> statement-breakpoint
CREATE INDEX `messages_pending_idx` ON `messages` (`number_id`,`send_after`) WHERE status = 'queued' and send_after is not null;--> statement-breakpoint
ALTER TABLE `organizations` ADD `quiet_hours_start` text DEFAULT '08:00' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `quiet_hours_end` text DEFAULT '21:00' NOT NULL;--> statement-breakpoint
ALTER TABLE `patients` ADD `timezone` text;