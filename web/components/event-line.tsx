import { messageTime } from "../lib/queue-format";
import type { LiveMessage } from "../lib/queue-types";

/** A state change in the thread ("Sam Staff marked this done"): a small centred line, not a bubble. */
export function EventLine(props: { message: LiveMessage; timeZone: string }) {
  return (
    <li class="event-line">
      <span>{props.message.body}</span>
      <span aria-hidden="true"> · </span>
      <time dateTime={new Date(props.message.createdAt).toISOString()}>
        {messageTime(props.message.createdAt, props.timeZone)}
      </time>
    </li>
  );
}
