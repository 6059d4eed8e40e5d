CREATE TABLE `quick_replies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`name` text NOT NULL,
	`body` text NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quick_replies_org_name_unique` ON `quick_replies` (`org_id`,"name" COLLATE NOCASE);--> statement-breakpoint
CREATE TABLE `mentions` (
	`conversation_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`message_id` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`conversation_id`, `user_id`, `message_id`),
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `mentions_user_idx` ON `mentions` (`user_id`,`conversation_id`);--> statement-breakpoint
ALTER TABLE `clinic_numbers` ADD `away_message` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `state` text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `snoozed_until` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `assigned_user_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `conversations` ADD `away_replied_at` integer;--> statement-breakpoint
CREATE INDEX `conversations_snoozed_idx` ON `conversations` (`number_id`,`snoozed_until`) WHERE state = 'snoozed';--> statement-breakpoint
ALTER TABLE `messages` ADD `cancel_on_reply` integer DEFAULT false NOT NULL;