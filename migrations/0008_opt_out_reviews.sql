CREATE TABLE `opt_out_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`number_id` integer NOT NULL,
	`phone` text NOT NULL,
	`message_id` integer NOT NULL,
	`keyword` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`decision` text,
	`decided_by` integer,
	`decided_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`number_id`) REFERENCES `clinic_numbers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `opt_out_reviews_message_unique` ON `opt_out_reviews` (`message_id`);--> statement-breakpoint
CREATE INDEX `opt_out_reviews_pending_idx` ON `opt_out_reviews` (`number_id`,`phone`) WHERE decision is null;