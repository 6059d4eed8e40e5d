import { createUniqueId, splitProps, Show, type JSX } from "solid-js";

type Props = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "onInput" | "value"> & {
  label: string;
  value: string;
  onValue: (value: string) => void;
  hint?: string;
};

/** A labelled text input; the hint is tied to the input so screen readers read it too. */
export function TextField(props: Props) {
  const [own, rest] = splitProps(props, ["label", "value", "onValue", "hint", "id", "class"]);
  const id = own.id ?? createUniqueId();
  const hintId = `${id}-hint`;
  return (
    <div class={own.class ? `field ${own.class}` : "field"}>
      <label for={id}>{own.label}</label>
      <input
        {...rest}
        id={id}
        value={own.value}
        aria-describedby={own.hint ? hintId : undefined}
        onInput={(e) => own.onValue(e.currentTarget.value)}
      />
      <Show when={own.hint}>
        <p class="hint" id={hintId}>
          {own.hint}
        </p>
      </Show>
    </div>
  );
}
