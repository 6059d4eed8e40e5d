import { For, Show } from "solid-js";
import { formatDob } from "../lib/format";
import { fullName, type Patient } from "../lib/patients";

type Props = { patients: Patient[]; onEdit: (patient: Patient) => void };

/** The Rolodex results: a plain table so screen readers announce the column for every cell. */
export function PatientList(props: Props) {
  return (
    <table class="table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Mobile phone</th>
          <th scope="col">Date of birth</th>
          <th scope="col" class="col-notes">
            Notes
          </th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        <For each={props.patients}>
          {(patient) => (
            <tr>
              <th scope="row" class="name">
                {patient.lastName}, {patient.firstName}
              </th>
              <td class="nowrap">{patient.phoneDisplay}</td>
              <td class="nowrap">{formatDob(patient.dateOfBirth)}</td>
              <td class="notes col-notes">
                <Show when={patient.notes}>{(notes) => <span title={notes()}>{notes()}</span>}</Show>
              </td>
              <td class="row-actions">
                <button
                  type="button"
                  class="button small"
                  aria-label={`Edit ${fullName(patient)}`}
                  onClick={() => props.onEdit(patient)}
                >
                  Edit
                </button>
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
