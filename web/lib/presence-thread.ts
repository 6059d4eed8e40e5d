/**
 * Presence wired to the open thread (thread-store) and the signed-in user, so the conversation view needs
 * one line for it: the collision guard for Send, and the composer's focus/keystroke hook that sends typing
 * frames and marks what was on screen when a draft began.
 */
import { createCollisionGuard, type CollisionGuard } from "./presence-collision";
import { othersTyping, typed } from "./presence";
import { session } from "./session";
import { thread } from "./thread-store";

export type ThreadPresence = {
  collision: CollisionGuard;
  /** For the composer: it got focus, or its draft changed to `draft`. */
  onActivity: (kind: "focus" | "input", draft: string) => void;
};

export function createThreadPresence(): ThreadPresence {
  const me = () => session.me?.user?.id ?? null;
  const collision = createCollisionGuard({
    me,
    conversationId: () => thread.id,
    loaded: () => thread.conversation !== null && !thread.loading,
    messages: () => thread.messages,
    typing: () => {
      const open = thread.conversation;
      return open ? othersTyping(open.numberId, open.id, me()).map((c) => c.name) : [];
    },
  });
  let empty = true;
  return {
    collision,
    onActivity(kind, draft) {
      const starting = empty && draft !== "";
      empty = draft === "";
      // Focusing the box, or starting a new draft, is when I have looked at the thread.
      if (kind === "focus" || starting) collision.markSeen();
      const open = thread.conversation;
      if (kind === "input" && draft !== "" && open) typed(open.numberId, open.id);
    },
  };
}
