import { Alert } from "./Alert";

type Props = { error: string | null; busy: boolean; submitLabel: string; onCancel: () => void };

/** The foot of every edit form: the server's refusal, if any, then Save and Cancel. */
export function FormActions(props: Props) {
  return (
    <>
      <Alert message={props.error} />
      <div class="actions">
        <button type="submit" class="button primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
        <button type="button" class="button" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </>
  );
}
