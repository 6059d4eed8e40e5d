import { useNavigate } from "@solidjs/router";
import { createEffect, onCleanup, onMount } from "solid-js";
import { startLive } from "../lib/live-connection";
import { armChime, effectivePrefs, showUnreadCount } from "../lib/notifications";
import { totalUnread } from "../lib/queue-store";
import { session } from "../lib/session";
import { ToastRegion } from "./toast";

/**
 * Loaded lazily by the shell once signed in: keeps a live socket per visible clinic number for as long as the
 * user is signed in, on every page, so the toast, chime, tab title and toolbar icon work everywhere.
 */
export default function LiveNotifier() {
  const navigate = useNavigate();
  const open = (numberId: number, conversationId: number) =>
    navigate(`/queue?number=${numberId}&conversation=${conversationId}`);

  onMount(() => {
    armChime();
    const numbers = session.me?.numbers ?? [];
    const stop = startLive(numbers, {
      prefs: () => effectivePrefs(session.me?.user),
      userId: () => session.me?.user?.id ?? null,
      open,
    });
    onCleanup(stop);
  });
  createEffect(() => showUnreadCount(totalUnread()));
  onCleanup(() => showUnreadCount(0));

  return <ToastRegion onOpen={open} />;
}
