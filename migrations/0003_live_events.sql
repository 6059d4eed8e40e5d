CREATE TABLE `live_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number_id` integer NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`number_id`) REFERENCES `clinic_numbers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `live_events_number_idx` ON `live_events` (`number_id`,`id`);--> statement-breakpoint
CREATE INDEX `live_events_created_idx` ON `live_events` (`created_at`);