import { createResource, createSignal, For, Match, Show, Switch } from "solid-js";
import { UserForm } from "../components/user-form";
import { Alert } from "../components/ui/Alert";
import { api, call, messageOf } from "../lib/api";
import type { NumberView, UserView } from "../lib/admin";

type Panel = { kind: "none" } | { kind: "add" } | { kind: "edit"; user: UserView };

export default function AdminUsersPage() {
  const [users, { refetch }] = createResource(async () => (await call(api.api.admin.users.$get())).users);
  const [numbers] = createResource(async () => (await call(api.api.numbers.$get())).numbers);
  const [panel, setPanel] = createSignal<Panel>({ kind: "none" });
  const [notice, setNotice] = createSignal<string | null>(null);
  const editing = () => {
    const p = panel();
    return p.kind === "edit" ? p.user : undefined;
  };
  // A resource that failed throws when read; the numbers are secondary here, so fall back to none.
  const numberList = (): NumberView[] => (numbers.error ? [] : (numbers() ?? []));
  const numberNames = (ids: number[]) =>
    numberList()
      .filter((n) => ids.includes(n.id))
      .map((n) => n.label)
      .join(", ") || "None";

  function saved(user: UserView, wasNew: boolean) {
    setPanel({ kind: "none" });
    setNotice(`${user.name} ${wasNew ? "added" : "saved"}.`);
    void refetch();
  }

  return (
    <section class="stack" aria-labelledby="users-title">
      <div class="page-head">
        <h1 id="users-title">Users</h1>
        <button type="button" class="button primary" onClick={() => setPanel({ kind: "add" })}>
          Add user
        </button>
      </div>
      <Switch>
        <Match when={panel().kind === "add"}>
          <UserForm
            numbers={numberList()}
            onSaved={(u) => saved(u, true)}
            onCancel={() => setPanel({ kind: "none" })}
          />
        </Match>
        <Match when={editing()} keyed>
          {(user) => (
            <UserForm
              user={user}
              numbers={numberList()}
              onSaved={(u) => saved(u, false)}
              onCancel={() => setPanel({ kind: "none" })}
            />
          )}
        </Match>
      </Switch>
      <Alert kind="success" message={notice()} />
      <Alert message={users.error ? messageOf(users.error) : null} />
      <Show when={users.error ? undefined : users()}>
        {(list) => (
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Notifications</th>
                <th scope="col">Clinic numbers</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={list()}>
                {(user) => (
                  <tr classList={{ inactive: !user.active }}>
                    <th scope="row">{user.name}</th>
                    <td>{user.email}</td>
                    <td class="cap">{user.role}</td>
                    <td>{user.active ? "Active" : "Inactive"}</td>
                    <td>
                      {[user.smsReplyAlert ? "Alert" : null, user.smsReplySound ? "Sound" : null]
                        .filter(Boolean)
                        .join(", ") || "Off"}
                    </td>
                    <td>{user.role === "admin" ? "All" : numberNames(user.numberIds)}</td>
                    <td class="row-actions">
                      <button
                        type="button"
                        class="button small"
                        aria-label={`Edit ${user.name}`}
                        onClick={() => setPanel({ kind: "edit", user })}
                      >
                        Edit
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
