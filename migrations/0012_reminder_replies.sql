ALTER TABLE `conversations` ADD `needs_attention` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `conversations_attention_idx` ON `conversations` (`number_id`,`last_message_at`,`id`) WHERE needs_attention = 1;--> statement-breakpoint
ALTER TABLE `messages` ADD `appointment_id` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `appointment_starts_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `appointment_label` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `appointment_expects` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `appointment_external_id` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `appointment_response` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `appointment_response_message_id` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `appointment_response_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `appointment_reply` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `appointment_options` text;