/*
 * Starts the queue's first request (GET /api/bootstrap) as soon as the HTML is read, while the app's code is
 * still on its way: web/lib/queue-store.ts `loadFirstScreen` takes this answer instead of asking again, which
 * saves the wait for the entry chunk on every cold open. A plain script, not part of the build: it runs before
 * the entry module (a deferred module runs after it), and the CSP allows same-origin scripts only.
 *
 * The number it asks for follows the same rule as loadFirstScreen: the URL's `number`, else this browser's
 * choice (NUMBER_KEY). If the app has already started (`textdeskFirstScreen` set), it does nothing.
 */
(function () {
  if (window.textdeskFirstScreen !== undefined) return;
  // Only the queue asks for it first ("/" redirects there after the shell has asked who is signed in).
  if (location.pathname !== "/queue") return;
  var ids = [new URLSearchParams(location.search).get("number")];
  try {
    ids.push(localStorage.getItem("textdesk.queue.number"));
  } catch (e) {
    // Storage blocked: ask for the first visible number.
  }
  var numberId = ids.find(function (id) {
    return id && /^[1-9]\d*$/.test(id);
  });
  // The queue's times use Intl.DateTimeFormat, whose first use loads the locale's data: about 50 ms of the
  // first render on a slow phone or a busy 2-core box (bench/weight.ts). Done now, while the network is busy.
  setTimeout(function () {
    new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" }).format(0);
  }, 0);
  window.textdeskFirstScreen = {
    numberId: numberId || null,
    response: fetch("/api/bootstrap" + (numberId ? "?numberId=" + numberId : ""), {
      credentials: "same-origin",
    }),
  };
})();
