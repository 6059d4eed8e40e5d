ALTER TABLE `users` ADD `mute_alerts` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `mute_sound` integer DEFAULT false NOT NULL;