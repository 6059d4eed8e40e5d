import { createUniqueId, For } from "solid-js";
import type { ClinicNumber } from "../lib/queue-types";

type Shown = ClinicNumber & { phoneDisplay: string };

type Props = {
  /** Each with the server's display form of its phone (so the phone library stays out of this chunk). */
  numbers: readonly Shown[];
  value: number | null;
  unread: Record<number, number>;
  onChange: (numberId: number) => void;
};

/** Top left of the queue: the clinic numbers this user may see, each with its unread count. */
export function NumberPicker(props: Props) {
  const id = createUniqueId();
  const label = (n: Shown) => {
    const unread = props.unread[n.id] ?? 0;
    return `${n.label} · ${n.phoneDisplay}${unread > 0 ? ` (${unread} unread)` : ""}`;
  };
  return (
    <div class="field number-picker">
      <label for={id}>Clinic number</label>
      <select
        id={id}
        value={String(props.value ?? "")}
        onChange={(e) => props.onChange(Number(e.currentTarget.value))}
      >
        <For each={props.numbers}>
          {(n) => (
            <option value={String(n.id)} selected={n.id === props.value}>
              {label(n)}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}
