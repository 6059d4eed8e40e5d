CREATE TABLE `carrier_events` (
	`carrier` text NOT NULL,
	`event_id` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`carrier`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `carrier_events_received_idx` ON `carrier_events` (`received_at`);--> statement-breakpoint
CREATE TABLE `opt_out_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`number_id` integer NOT NULL,
	`phone` text NOT NULL,
	`opted_out` integer NOT NULL,
	`keyword` text NOT NULL,
	`message_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`number_id`) REFERENCES `clinic_numbers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `opt_out_events_number_phone_idx` ON `opt_out_events` (`number_id`,`phone`,`id`);--> statement-breakpoint
ALTER TABLE `clinic_numbers` ADD `carrier_handles_opt_out` integer;--> statement-breakpoint
ALTER TABLE `clinic_numbers` ADD `office_hours` text;--> statement-breakpoint
ALTER TABLE `clinic_numbers` ADD `alert_phones` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `clinic_numbers` ADD `after_hours_quiet_minutes` integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE `clinic_numbers` ADD `last_after_hours_alert_at` integer;