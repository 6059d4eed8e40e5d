CREATE TABLE `webhook_cursors` (
	`key_id` integer NOT NULL,
	`number_id` integer NOT NULL,
	`last_event_id` integer NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`retry_at` integer,
	PRIMARY KEY(`key_id`, `number_id`),
	FOREIGN KEY (`key_id`) REFERENCES `api_keys`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`number_id`) REFERENCES `clinic_numbers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `api_keys` ADD `webhook_url` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `webhook_secret_ciphertext` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `webhook_since_event_id` integer DEFAULT 0 NOT NULL;