import { For } from "solid-js";
import { initials, othersViewing } from "../lib/presence";
import { session } from "../lib/session";

/**
 * On a queue row: a small badge with the initials of each colleague who has this conversation open, titled
 * (and named, for screen readers) "Sam Staff is viewing".
 */
export function PresenceInitials(props: { numberId: number; conversationId: number }) {
  const others = () => othersViewing(props.numberId, props.conversationId, session.me?.user?.id ?? null);
  return (
    <span class="presence-initials">
      <For each={others()}>
        {(colleague) => (
          <span
            class="presence-badge"
            role="img"
            title={`${colleague.name} is viewing`}
            aria-label={`${colleague.name} is viewing`}
          >
            {initials(colleague.name)}
          </span>
        )}
      </For>
    </span>
  );
}
