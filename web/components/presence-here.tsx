import { createEffect, onCleanup, Show } from "solid-js";
import { listNames, othersViewing, setViewing } from "../lib/presence";
import { session } from "../lib/session";

/**
 * In the thread header: tells the number's object that this screen has the conversation open (and that it
 * left, on unmount), and shows "Also here: Sam Staff" while colleagues have it open too.
 */
export function PresenceHere(props: { numberId: number; conversationId: number }) {
  createEffect(() => setViewing({ numberId: props.numberId, conversationId: props.conversationId }));
  onCleanup(() => setViewing(null));
  const others = () => othersViewing(props.numberId, props.conversationId, session.me?.user?.id ?? null);
  return (
    <Show when={others().length > 0}>
      <p class="presence-here">Also here: {listNames(others())}</p>
    </Show>
  );
}
