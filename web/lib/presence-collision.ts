/**
 * The collision check before Send: two people answering the same patient at once is the complaint presence
 * exists for. Send asks first ("Sam Staff just replied. Send yours too?") when
 * - a colleague is typing in this conversation right now, or
 * - a colleague's reply to the patient arrived in the last COLLISION_WINDOW_MS and was not yet in the thread
 *   when I focused the composer or started this draft, so I wrote mine without having seen it.
 *
 * `collidingName` is the rule, pure; `createCollisionGuard` keeps what it needs (which messages were on
 * screen at the start, when each new one arrived) for one open conversation and holds the question open.
 */
import { createEffect, createSignal, on, type Accessor } from "solid-js";
import { COLLISION_WINDOW_MS } from "../../worker/shared/team";
import type { LiveMessage } from "../../worker/shared/live-protocol";

export type ThreadMessage = Pick<LiveMessage, "id" | "direction" | "authorUserId" | "authorName">;

/**
 * The colleague to ask about, or null to send at once. A reply is an outbound text written by another user:
 * notes and event lines (direction `internal`) are not replies, and texts without an author (the practice
 * system's API, away replies) were no colleague's.
 */
export function collidingName(input: {
  me: number | null;
  now: number;
  /** Colleagues typing in this conversation now (presence.ts already leaves me out). */
  typing: readonly string[];
  messages: readonly ThreadMessage[];
  /** Ids in the thread when I focused the composer or started the draft. */
  seen: ReadonlySet<number>;
  /** When this screen first had each message (its own clock, so no server clock skew). */
  arrivedAt: ReadonlyMap<number, number>;
}): string | null {
  const typist = input.typing[0];
  if (typist !== undefined) return typist;
  const since = input.now - COLLISION_WINDOW_MS;
  const reply = input.messages.findLast(
    (m) =>
      m.direction === "out" &&
      m.authorUserId !== null &&
      m.authorUserId !== input.me &&
      !input.seen.has(m.id) &&
      (input.arrivedAt.get(m.id) ?? -Infinity) >= since,
  );
  return reply ? (reply.authorName ?? "A colleague") : null;
}

export type CollisionGuard = {
  /** The composer got focus or a new draft began: what is in the thread now counts as seen. */
  markSeen(): void;
  /** Before a send: true to send now, false to hold it (asked, and answered Cancel, or a question is open). */
  check(): Promise<boolean>;
  /** The colleague the open question is about, or null when nothing is being asked. */
  asking: Accessor<string | null>;
  answer(sendAnyway: boolean): void;
};

export function createCollisionGuard(source: {
  me: () => number | null;
  conversationId: () => number | null;
  /** Whether the conversation's first page is on screen (its load finished). */
  loaded: () => boolean;
  messages: () => readonly ThreadMessage[];
  typing: () => readonly string[];
  now?: () => number;
}): CollisionGuard {
  const now = source.now ?? Date.now;
  let seen = new Set<number>();
  let arrivedAt = new Map<number, number>();
  const [asking, setAsking] = createSignal<string | null>(null);
  let resolve: ((send: boolean) => void) | null = null;

  const markSeen = () => {
    seen = new Set(source.messages().map((m) => m.id));
  };

  // Another conversation: start over once it has loaded. What came with the load was on screen as it opened
  // (seen); only what arrives after that can be a reply I missed.
  let loadedFor: number | null = null;
  createEffect(
    on([source.conversationId, source.loaded], ([id, loaded]) => {
      if (id === loadedFor) return;
      answer(false);
      arrivedAt = new Map();
      seen = new Set();
      if (!loaded) return;
      loadedFor = id;
      for (const m of source.messages()) arrivedAt.set(m.id, now());
      markSeen();
    }),
  );
  createEffect(
    on(source.messages, (messages) => {
      if (loadedFor === null || loadedFor !== source.conversationId()) return;
      const at = now();
      for (const m of messages) if (!arrivedAt.has(m.id)) arrivedAt.set(m.id, at);
    }),
  );

  function answer(sendAnyway: boolean) {
    const done = resolve;
    resolve = null;
    setAsking(null);
    // Asked and answered: what prompted the question has now been seen, either way.
    if (done) markSeen();
    done?.(sendAnyway);
  }

  return {
    markSeen,
    asking,
    answer,
    check() {
      if (resolve) return Promise.resolve(false);
      const name = collidingName({
        me: source.me(),
        now: now(),
        typing: source.typing(),
        messages: source.messages(),
        seen,
        arrivedAt,
      });
      if (name === null) return Promise.resolve(true);
      setAsking(name);
      return new Promise<boolean>((done) => {
        resolve = done;
      });
    },
  };
}
