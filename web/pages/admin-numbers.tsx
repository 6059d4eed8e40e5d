import { createResource, createSignal, For, Match, Show, Switch } from "solid-js";
import { AfterHoursForm } from "../components/after-hours-form";
import { EscalationForm } from "../components/escalation-form";
import { NumberForm } from "../components/number-form";
import { Alert } from "../components/ui/Alert";
import { api, call, messageOf } from "../lib/api";
import { carrierLabel, type NumberView } from "../lib/admin";
import { formatPhone } from "../../worker/shared/phone";

type Panel =
  | { kind: "none" }
  | { kind: "add" }
  | { kind: "edit"; number: NumberView }
  | { kind: "after-hours"; number: NumberView }
  | { kind: "escalation"; number: NumberView };

export default function AdminNumbersPage() {
  const [numbers, { refetch }] = createResource(async () => (await call(api.api.numbers.$get())).numbers);
  const [panel, setPanel] = createSignal<Panel>({ kind: "none" });
  const [notice, setNotice] = createSignal<string | null>(null);
  const editing = () => {
    const p = panel();
    return p.kind === "edit" ? p.number : undefined;
  };
  const afterHours = () => {
    const p = panel();
    return p.kind === "after-hours" ? p.number : undefined;
  };

  const escalation = () => {
    const p = panel();
    return p.kind === "escalation" ? p.number : undefined;
  };

  function saved(number: NumberView, wasNew: boolean) {
    setPanel({ kind: "none" });
    setNotice(`${number.label} ${wasNew ? "added" : "saved"}.`);
    void refetch();
  }

  return (
    <section class="stack" aria-labelledby="numbers-title">
      <div class="page-head">
        <h1 id="numbers-title">Clinic numbers</h1>
        <button type="button" class="button primary" onClick={() => setPanel({ kind: "add" })}>
          Add number
        </button>
      </div>
      <Switch>
        <Match when={panel().kind === "add"}>
          <NumberForm onSaved={(n) => saved(n, true)} onCancel={() => setPanel({ kind: "none" })} />
        </Match>
        <Match when={editing()} keyed>
          {(number) => (
            <NumberForm
              number={number}
              onSaved={(n) => saved(n, false)}
              onCancel={() => setPanel({ kind: "none" })}
            />
          )}
        </Match>
        <Match when={afterHours()} keyed>
          {(number) => (
            <AfterHoursForm
              number={number}
              onSaved={(n) => saved(n, false)}
              onCancel={() => setPanel({ kind: "none" })}
            />
          )}
        </Match>
        <Match when={escalation()} keyed>
          {(number) => (
            <EscalationForm
              number={number}
              onSaved={(n) => saved(n, false)}
              onCancel={() => setPanel({ kind: "none" })}
            />
          )}
        </Match>
      </Switch>
      <Alert kind="success" message={notice()} />
      <Alert message={numbers.error ? messageOf(numbers.error) : null} />
      <Show when={numbers.error ? undefined : numbers()}>
        {(list) => (
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Label</th>
                <th scope="col">Carrier</th>
                <th scope="col">Time zone</th>
                <th scope="col">Credentials</th>
                <th scope="col">After-hours alerts</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={list()}>
                {(number) => (
                  <tr>
                    <th scope="row" class="nowrap">
                      {formatPhone(number.e164)}
                    </th>
                    <td>{number.label}</td>
                    <td>{carrierLabel(number.carrier)}</td>
                    <td>{number.timezone.replaceAll("_", " ")}</td>
                    <td>
                      {number.carrier === "simulator"
                        ? "Not needed"
                        : number.hasCredentials
                          ? "Credentials set"
                          : "Missing"}
                    </td>
                    <td>{number.officeHours ? `On, ${number.alertPhones.length} phone(s)` : "Off"}</td>
                    <td class="row-actions">
                      <button
                        type="button"
                        class="button small"
                        aria-label={`Edit ${number.label}`}
                        onClick={() => setPanel({ kind: "edit", number })}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        class="button small"
                        aria-label={`After hours for ${number.label}`}
                        onClick={() => setPanel({ kind: "after-hours", number })}
                      >
                        After hours
                      </button>
                      <button
                        type="button"
                        class="button small"
                        aria-label={`Escalation for ${number.label}`}
                        onClick={() => setPanel({ kind: "escalation", number })}
                      >
                        Escalation
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        )}
      </Show>
    </section>
  );
}
