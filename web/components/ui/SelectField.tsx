import { createUniqueId, For, splitProps, type JSX } from "solid-js";

export type Option = { value: string; label: string };

type Props = Omit<JSX.SelectHTMLAttributes<HTMLSelectElement>, "onChange" | "value"> & {
  label: string;
  value: string;
  options: readonly Option[];
  onValue: (value: string) => void;
};

export function SelectField(props: Props) {
  const [own, rest] = splitProps(props, ["label", "value", "options", "onValue", "id"]);
  const id = own.id ?? createUniqueId();
  return (
    <div class="field">
      <label for={id}>{own.label}</label>
      <select {...rest} id={id} value={own.value} onChange={(e) => own.onValue(e.currentTarget.value)}>
        <For each={own.options}>
          {(option) => (
            <option value={option.value} selected={option.value === own.value}>
              {option.label}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}
