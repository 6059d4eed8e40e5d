import { createUniqueId, Show } from "solid-js";

type Props = {
  label: string;
  checked: boolean;
  onValue: (checked: boolean) => void;
  hint?: string;
  disabled?: boolean;
};

export function CheckboxField(props: Props) {
  const id = createUniqueId();
  return (
    <div class="check">
      <input
        type="checkbox"
        id={id}
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onValue(e.currentTarget.checked)}
      />
      <label for={id}>{props.label}</label>
      <Show when={props.hint}>
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      </Show>
    </div>
  );
}
