CREATE TABLE `message_media` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`message_id` integer,
	`n` integer DEFAULT 0 NOT NULL,
	`content_type` text NOT NULL,
	`size` integer,
	`state` text NOT NULL,
	`r2_key` text,
	`source_url` text,
	`carrier_media_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`note` text,
	`upload_id` text,
	`uploaded_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `message_media_message_n_unique` ON `message_media` (`message_id`,`n`);--> statement-breakpoint
CREATE UNIQUE INDEX `message_media_upload_unique` ON `message_media` (`upload_id`);--> statement-breakpoint
CREATE INDEX `message_media_retry_idx` ON `message_media` (`next_attempt_at`) WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX `message_media_unsent_idx` ON `message_media` (`created_at`) WHERE message_id is null;--> statement-breakpoint
ALTER TABLE `clinic_numbers` ADD `delete_media_after_copy` integer DEFAULT false NOT NULL;