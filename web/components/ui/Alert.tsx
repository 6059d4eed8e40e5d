import { Show } from "solid-js";

/**
 * A message next to the thing it is about, shown only when there is one. Errors use role="alert" so
 * they are announced at once; confirmations and notices use role="status" so they wait their turn.
 */
export function Alert(props: { kind?: "error" | "success" | "info"; message: string | null | undefined }) {
  const kind = () => props.kind ?? "error";
  return (
    <Show when={props.message}>
      {(message) => (
        <div class={`alert alert-${kind()}`} role={kind() === "error" ? "alert" : "status"}>
          {message()}
        </div>
      )}
    </Show>
  );
}
