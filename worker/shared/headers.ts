/** @module Request headers the web app sends and the Worker reads. */

/**
 * Set to "1" on requests the app makes on its own (live catch-up, unread counts): the session middleware
 * does not count them as activity, so an unattended screen still signs out when idle.
 */
export const BACKGROUND_HEADER = "x-textdesk-background";
