import { For, Show } from "solid-js";
import { A } from "@solidjs/router";
import { QUEUE_VIEW_LABELS, QUEUE_VIEWS, type QueueView } from "../../worker/shared/team";
import { NEEDS_ATTENTION_LABEL } from "../../worker/shared/reminders";
import { CheckboxField } from "./ui/CheckboxField";

/** The queue's views as tabs: Open (the default), Mine, Unassigned, Snoozed, Done. */
export function QueueViews(props: { value: QueueView; onChange: (view: QueueView) => void }) {
  return (
    <div class="queue-views" role="tablist" aria-label="Queue views">
      <For each={QUEUE_VIEWS}>
        {(view) => (
          <button
            type="button"
            role="tab"
            class="queue-view"
            aria-selected={props.value === view}
            tabindex={props.value === view ? 0 : -1}
            onClick={() => props.onChange(view)}
            onKeyDown={(e) => {
              // Arrow keys move between tabs (w3.org/WAI/ARIA/apg/patterns/tabs).
              const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
              if (step === 0) return;
              e.preventDefault();
              const next =
                QUEUE_VIEWS[(QUEUE_VIEWS.indexOf(view) + step + QUEUE_VIEWS.length) % QUEUE_VIEWS.length];
              if (next) props.onChange(next);
              const tabs = e.currentTarget.parentElement?.querySelectorAll<HTMLElement>("[role='tab']");
              tabs?.[QUEUE_VIEWS.indexOf(next ?? view)]?.focus();
            }}
          >
            {QUEUE_VIEW_LABELS[view]}
          </button>
        )}
      </For>
    </div>
  );
}

/**
 * Needs attention, combinable with every view like "Only show unread": replies to reminders that ask to
 * reschedule or cancel, were not understood, or opted out, until someone texts back or marks them done.
 */
export function AttentionFilter(props: { checked: boolean; onValue: (checked: boolean) => void }) {
  return <CheckboxField label={NEEDS_ATTENTION_LABEL} checked={props.checked} onValue={props.onValue} />;
}

/** The filter's empty list says what it holds and what takes a conversation off it. */
export const NOTHING_NEEDS_ATTENTION =
  "Nothing needs attention. Replies to reminders that ask to reschedule or cancel, that were not understood, " +
  "or that opted out show here until someone texts back or marks the conversation done.";

/** What an empty view says, and what to do about it. */
export function EmptyView(props: {
  view: QueueView;
  unreadOnly: boolean;
  needsAttention?: boolean;
  windowDays: number;
  simulator: boolean;
}) {
  const text = () => {
    if (props.needsAttention) return NOTHING_NEEDS_ATTENTION;
    switch (props.view) {
      case "open":
        return props.unreadOnly ? "No unread open conversations." : "No open conversations.";
      case "mine":
        return "Nothing assigned to you. Reply to a conversation, or pick yourself under Assigned to.";
      case "unassigned":
        return "Every open conversation has someone on it.";
      case "snoozed":
        return "Nothing snoozed.";
      case "done":
        return `Nothing marked done in the last ${props.windowDays} days.`;
    }
  };
  return (
    <p class="empty">
      {text()}
      <Show when={props.view === "open" && !props.unreadOnly && !props.needsAttention && props.simulator}>
        {" "}
        <A href="/simulator">Text this number from the simulator</A>.
      </Show>
    </p>
  );
}
