ALTER TABLE `clinic_numbers` ADD `escalation` text;--> statement-breakpoint
ALTER TABLE `clinic_numbers` ADD `last_escalation_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `unanswered_since` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `escalated_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `alert_due_at` integer;--> statement-breakpoint
CREATE INDEX `conversations_unanswered_idx` ON `conversations` (`number_id`,`unanswered_since`) WHERE unanswered_since is not null and escalated_at is null;--> statement-breakpoint
CREATE INDEX `conversations_alert_due_idx` ON `conversations` (`number_id`,`alert_due_at`) WHERE alert_due_at is not null;