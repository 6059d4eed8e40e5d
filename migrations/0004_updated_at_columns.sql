ALTER TABLE `messages` ADD `updated_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `patients` ADD `updated_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The first schema mapped updatedAt onto created_at by mistake; start every row's updated_at at its creation.
UPDATE `messages` SET `updated_at` = `created_at`;--> statement-breakpoint
UPDATE `patients` SET `updated_at` = `created_at`;
