/**
 * @module The team inbox's vocabulary, one copy for the worker and the web app: a conversation's states, the
 * queue's views, the time presets for snooze and send-later, and the presence timings.
 */

/** Open is the default view; a patient's text reopens a done or snoozed conversation. */
export const CONVERSATION_STATES = ["open", "done", "snoozed"] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];

/** The queue's views, combinable with search and "Only show unread". Open is the default. */
export const QUEUE_VIEWS = ["open", "mine", "unassigned", "snoozed", "done"] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

export const QUEUE_VIEW_LABELS: Record<QueueView, string> = {
  open: "Open",
  mine: "Mine",
  unassigned: "Unassigned",
  snoozed: "Snoozed",
  done: "Done",
};

/**
 * Presets for Snooze and Send later. "Opening" is the clinic number's opening time from its office hours
 * (08:00 when it has none), in the practice's time zone; the worker turns a preset into a time
 * (domain/time-presets.ts), so both ends agree on what "tomorrow at opening" means.
 */
export const TIME_PRESETS = ["1h", "tomorrow", "monday"] as const;
export type TimePreset = (typeof TIME_PRESETS)[number];

export const TIME_PRESET_LABELS: Record<TimePreset, string> = {
  "1h": "1 hour",
  tomorrow: "Tomorrow at opening",
  monday: "Next Monday at opening",
};

/** The furthest a snooze may reach. */
export const SNOOZE_MAX_DAYS = 90;

/** A colleague shows as typing until this long after their last keystroke. */
export const TYPING_TTL_MS = 5_000;
/** A screen sends at most one typing frame per this long. */
export const TYPING_THROTTLE_MS = 1_000;
/** A colleague's reply this recent, unseen, makes Send ask first. */
export const COLLISION_WINDOW_MS = 30_000;
