import { createUniqueId, splitProps, type JSX } from "solid-js";

type Props = Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, "onInput" | "value"> & {
  label: string;
  value: string;
  onValue: (value: string) => void;
};

export function TextAreaField(props: Props) {
  const [own, rest] = splitProps(props, ["label", "value", "onValue", "id"]);
  const id = own.id ?? createUniqueId();
  return (
    <div class="field field-wide">
      <label for={id}>{own.label}</label>
      <textarea {...rest} id={id} value={own.value} onInput={(e) => own.onValue(e.currentTarget.value)} />
    </div>
  );
}
