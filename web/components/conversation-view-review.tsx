import { createSignal, Show } from "solid-js";
import { messageOf } from "../lib/api";
import { longDate } from "../lib/queue-format";
import type { OptOutReview } from "../lib/queue-types";
import { decideOptOutReview } from "../lib/thread-store";

type Props = {
  review: OptOutReview;
  timeZone: string;
  /** The text itself is not on screen: say when it came. */
  earlier?: boolean;
};

/**
 * Under a text that may be an opt-out ("I need to cancel"): the question and its two answers while no one has
 * decided, then who decided what and when (the audit trail staff see).
 */
export function OptOutReviewNote(props: Props) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  async function decide(decision: "opt_out" | "not_opt_out") {
    setBusy(true);
    setError(null);
    try {
      await decideOptOutReview(props.review.messageId, decision);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const decided = () => {
    const r = props.review;
    if (r.decision === null) return null;
    const what = r.decision === "opt_out" ? "Opted out this phone" : "Marked not an opt-out";
    const when = r.decidedAt === null ? "" : ` · ${longDate(r.decidedAt, props.timeZone)}`;
    return `${what}: ${r.decidedBy ?? "staff"}${when}`;
  };

  return (
    <li class="system-note opt-out-review">
      <Show
        when={decided()}
        fallback={
          <div role="group" aria-label="Possible opt-out">
            <p>
              <strong>This may be an opt-out request.</strong>
              <Show when={props.earlier}> (a text of {longDate(props.review.at, props.timeZone)})</Show>{" "}
              Campaigns to this phone are held until someone decides.
            </p>
            <div class="actions">
              <button
                type="button"
                class="button small"
                disabled={busy()}
                onClick={() => void decide("opt_out")}
              >
                Opt out this phone
              </button>
              <button
                type="button"
                class="button small"
                disabled={busy()}
                onClick={() => void decide("not_opt_out")}
              >
                Not an opt-out
              </button>
            </div>
            <Show when={error()}>{(message) => <p class="bubble-error">{message()}</p>}</Show>
          </div>
        }
      >
        {(text) => <p>{text()}</p>}
      </Show>
    </li>
  );
}
