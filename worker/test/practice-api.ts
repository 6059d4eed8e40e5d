import { exports } from "cloudflare:workers";
import type { NewApiKey } from "./api-bodies";
import { BASE, call, signIn, signInAdmin } from "./helpers";

/** Creates an API key as the demo admin (or the given admin) and returns its secret and id. */
export async function createApiKey(name = "PMS sync", admin?: { email: string; password: string }) {
  const cookie = admin ? await signIn(admin.email, admin.password) : await signInAdmin();
  const res = await call("/api/admin/api-keys", { cookie, json: { name } satisfies NewApiKey });
  if (res.status !== 201) throw new Error(`create key: ${res.status} ${await res.text()}`);
  const { apiKey, secret } = await res.json<{ apiKey: { id: number; prefix: string }; secret: string }>();
  return { id: apiKey.id, prefix: apiKey.prefix, secret, cookie };
}

/** A server-to-server call as the practice system makes it: bearer key, no Origin, no cookie. */
export function api(secret: string, path: string, json?: unknown) {
  const headers = new Headers({ authorization: `Bearer ${secret}` });
  if (json !== undefined) headers.set("content-type", "application/json");
  return exports.default.fetch(
    new Request(`${BASE}/api/v1${path}`, {
      method: json === undefined ? "GET" : "POST",
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
    }),
  );
}

export type RecipientResult = {
  index: number;
  status: "queued" | "held" | "refused";
  reason?: string;
  messageId?: number;
  sendAfter?: number;
};

export async function sendApi(secret: string, body: Record<string, unknown>) {
  const res = await api(secret, "/messages", body);
  const json = await res.json<{ results: RecipientResult[]; summary: Record<string, number> }>();
  return { status: res.status, ...json };
}
