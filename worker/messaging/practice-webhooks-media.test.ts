import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, seed } from "../test/helpers";
import { eventually } from "../test/carriers";
import { png, sha256 } from "../test/media-fakes";
import { seedOtherPractice } from "../test/other-practice";
import { api, createApiKey } from "../test/practice-api";
import { keyWithWebhook, pmsEndpoint } from "../test/pms-webhooks";
import { bytesToBase64 } from "../lib/crypto";
import type { WebhookMedia } from "./practice-webhooks";

const PHONE = "+15550142201";
let key: Awaited<ReturnType<typeof keyWithWebhook>>;
let otherSecret = "";

beforeAll(async () => {
  await seed();
  key = await keyWithWebhook();
  const other = await seedOtherPractice();
  otherSecret = (await createApiKey("Other PMS", other.credentials)).secret;
});

/** Every live event of the number has gone through the key's webhook stream (the cursor is past the last one). */
async function webhooksCaughtUp(keyId: number) {
  const row = await env.DB.prepare(
    `select (select max(id) from live_events where number_id = c.number_id) as last, c.last_event_id as at
     from webhook_cursors c join clinic_numbers n on n.id = c.number_id where c.key_id = ? and n.e164 = ?`,
  )
    .bind(keyId, DEMO.mainNumber)
    .first<{ last: number; at: number }>();
  if (!row || row.at < row.last) throw new Error("webhooks not caught up");
}

describe("photos in the practice-system webhook and API", () => {
  it("a photo text is one message.received with its media descriptor; the file is served under the API key", async ({
    expect,
  }) => {
    const received = pmsEndpoint(() => 204);
    const file = png(4000);
    const res = await call("/api/simulator/messages", {
      json: {
        from: PHONE,
        to: DEMO.mainNumber,
        body: "my insurance card",
        media: [{ contentType: "image/png", data: bytesToBase64(file) }],
      },
      settle: true,
    });
    expect(res.status).toBe(201);
    const message = await env.DB.prepare(
      `select m.id from messages m join conversations c on c.id = m.conversation_id
       where c.phone = ? and m.direction = 'in'`,
    )
      .bind(PHONE)
      .first<{ id: number }>();
    const messageId = message?.id ?? 0;
    // The premise: the copy re-sent the message (marked mediaUpdate) after the first event.
    const events = await env.DB.prepare(
      "select payload from live_events where type = 'message' and json_extract(payload, '$.message.id') = ?",
    )
      .bind(messageId)
      .all<{ payload: string }>();
    expect(
      events.results.map((e) => (JSON.parse(e.payload) as { mediaUpdate?: true }).mediaUpdate ?? false),
    ).toEqual([false, true]);

    await eventually(() => webhooksCaughtUp(key.id));
    const hooks = received.filter(
      (r) => r.hook.type === "message.received" && r.hook.data.messageId === messageId,
    );
    expect(hooks).toHaveLength(1);
    const url = `https://textdesk.test/api/v1/messages/${messageId}/media/0`;
    expect(hooks[0]?.hook.data).toMatchObject({ from: PHONE, body: "my insurance card" });
    const media = hooks[0]?.hook.data.media as WebhookMedia[];
    expect(media).toHaveLength(1);
    expect(media[0]).toMatchObject({ n: 0, contentType: "image/png", fileName: "photo-1.png", url });
    // Sent before the copy landed, or after: either way the state says which.
    expect(["pending", "stored"]).toContain(media[0]?.state);

    const served = await api(key.secret, `/messages/${messageId}/media/0`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("content-disposition")).toBe('attachment; filename="photo-1.png"');
    expect(await sha256(await served.arrayBuffer())).toBe(await sha256(file));

    const anonymous = await call(`/api/v1/messages/${messageId}/media/0`);
    expect(anonymous.status).toBe(401);
    expect((await api(otherSecret, `/messages/${messageId}/media/0`)).status).toBe(404);
    expect((await api(key.secret, `/messages/${messageId}/media/1`)).status).toBe(404);
  });

  it("a file still being copied answers 409 media_pending with Retry-After", async ({ expect }) => {
    const res = await call("/api/simulator/messages", {
      json: { from: "+15550142202", to: DEMO.mainNumber, body: "one", media: [] },
      settle: true,
    });
    expect(res.status).toBe(201);
    const row = await env.DB.prepare(
      `select m.id, m.org_id, m.conversation_id from messages m join conversations c on c.id = m.conversation_id
       where c.phone = ? and m.direction = 'in'`,
    )
      .bind("+15550142202")
      .first<{ id: number; org_id: number; conversation_id: number }>();
    // A pending row as an inbound MMS leaves it before its copy runs.
    await env.DB.prepare(
      `insert into message_media (org_id, conversation_id, message_id, n, content_type, state, created_at)
       values (?, ?, ?, 0, 'image/jpeg', 'pending', ?)`,
    )
      .bind(row?.org_id, row?.conversation_id, row?.id, Date.now())
      .run();
    const pending = await api(key.secret, `/messages/${row?.id ?? 0}/media/0`);
    expect(pending.status).toBe(409);
    expect(pending.headers.get("retry-after")).toBe("5");
    expect(await pending.json()).toMatchObject({ error: { code: "media_pending" } });
  });
});
