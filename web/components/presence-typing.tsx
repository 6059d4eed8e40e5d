import { listNames, othersTyping } from "../lib/presence";
import { session } from "../lib/session";

/**
 * Above the composer: "Sam Staff is typing…" while a colleague types in this conversation. The element is
 * always there (empty, and without room, when nobody types): a live region must exist before its text
 * changes for screen readers to announce it. aria-live rather than role="status", which the page keeps for
 * its own notices.
 */
export function PresenceTyping(props: { numberId: number; conversationId: number }) {
  const typing = () => othersTyping(props.numberId, props.conversationId, session.me?.user?.id ?? null);
  const text = () => {
    const people = typing();
    if (people.length === 0) return "";
    return `${listNames(people)} ${people.length === 1 ? "is" : "are"} typing…`;
  };
  return (
    <p class="presence-typing" aria-live="polite">
      {text()}
    </p>
  );
}
