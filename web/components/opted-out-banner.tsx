import { longDate } from "../lib/queue-format";

/** Replaces the composer: the patient texted STOP, and only they can undo it, by texting START. */
export function OptedOutBanner(props: { optedOutAt: number; timeZone: string }) {
  return (
    <div class="alert alert-info opted-out" role="status">
      This patient opted out by texting STOP on {longDate(props.optedOutAt, props.timeZone)}. They must text
      START to receive texts.
    </div>
  );
}
