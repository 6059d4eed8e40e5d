import { env } from "cloudflare:workers";
import { beforeAll, describe, it, onTestFinished } from "vitest";
import { addConversation, demoNumbers } from "../test/messages-fixture";
import { call, errorOf, grantStaff, seed, signInAdmin, signInStaff } from "../test/helpers";
import { addTelnyxNumber, randomSid } from "../test/carriers";
import { fakeHosts, jpeg, png, sha256 } from "../test/media-fakes";
import { signCapability } from "../messaging/media";
import type { MessageMedia } from "../shared/media";

let admin: string;
let orgId: number;
let main: number;
let westside: number;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  ({ orgId, main, westside } = await demoNumbers());
});

type Sent = { message: { id: number; body: string; segments: number; media: MessageMedia[] } };

function upload(conversationId: number, bytes: BodyInit, contentType: string, cookie = admin) {
  return call(`/api/conversations/${conversationId}/uploads`, {
    method: "POST",
    cookie,
    body: bytes,
    headers: { "content-type": contentType },
  });
}

async function uploadId(conversationId: number, bytes: Uint8Array<ArrayBuffer>, type = "image/png") {
  const res = await upload(conversationId, bytes, type);
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return (await res.json<{ upload: { id: string } }>()).upload.id;
}

/** A fake carrier that accepts every send and records its request; answers media fetches via the worker. */
function acceptingCarrier() {
  return fakeHosts((c) =>
    c.url.includes("telnyx")
      ? Response.json({ data: { id: `tx-${crypto.randomUUID()}` } })
      : Response.json({ sid: randomSid(), status: "queued" }, { status: 201 }),
  );
}

/** What the carrier would do with a capability URL: GET it with no session at all. */
function fetchAsCarrier(url: string) {
  const parsed = new URL(url);
  if (parsed.origin !== "https://textdesk.test") throw new Error("not under PUBLIC_BASE_URL");
  return call(parsed.pathname);
}

describe("uploads", () => {
  it("stores a PNG, refuses a type mismatch (415), a non-image (415), over 5 MB (413) and an opted-out phone (409)", async ({
    expect,
  }) => {
    const { id: conversation } = await addConversation({
      orgId,
      numberId: westside,
      phone: "+15550024001",
      at: Date.now(),
    });
    const ok = await upload(conversation, png(1000), "image/png");
    expect(ok.status).toBe(201);
    const body = await ok.json<{ upload: { id: string; contentType: string; size: number } }>();
    expect(body.upload.id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(body.upload).toEqual({ id: body.upload.id, contentType: "image/png", size: 1000 });

    const lie = await upload(conversation, jpeg(1000), "image/png");
    expect(lie.status).toBe(415);
    expect((await errorOf(lie))?.message).toBe("The file is not the PNG image it says it is.");
    const html = await upload(conversation, "<html></html>", "text/html");
    expect(html.status).toBe(415);
    const svg = await upload(conversation, "<svg/>", "image/svg+xml");
    expect(svg.status).toBe(415);
    const big = await upload(conversation, png(5 * 1024 * 1024 + 1), "image/png");
    expect(big.status).toBe(413);
    expect((await errorOf(big))?.code).toBe("payload_too_large");

    const { id: stopped } = await addConversation({
      orgId,
      numberId: westside,
      phone: "+15550024002",
      at: Date.now(),
    });
    await env.DB.prepare(
      "INSERT INTO opt_outs (number_id, phone, opted_out, keyword, changed_at) VALUES (?, ?, 1, 'STOP', ?)",
    )
      .bind(westside, "+15550024002", Date.now())
      .run();
    const refused = await upload(stopped, png(100), "image/png");
    expect(refused.status).toBe(409);
    expect((await errorOf(refused))?.code).toBe("opted_out");
  });
});

describe("outbound MMS", () => {
  it("Twilio: MediaUrl per file pointing at capability URLs the carrier can fetch without a session", async ({
    expect,
  }) => {
    const { id: conversation } = await addConversation({
      orgId,
      numberId: westside,
      phone: "+15550024003",
      at: Date.now(),
    });
    const files = [png(1500), jpeg(900)];
    const ids = [
      await uploadId(conversation, files[0] ?? png()),
      await uploadId(conversation, files[1] ?? jpeg(), "image/jpeg"),
    ];
    const fake = acceptingCarrier();
    onTestFinished(() => {
      fake.restore();
    });
    const res = await call(`/api/conversations/${conversation}/messages`, {
      cookie: admin,
      json: { body: "", idempotencyKey: crypto.randomUUID(), uploadIds: ids },
    });
    expect(res.status).toBe(201);
    const { message } = await res.json<Sent>();
    expect(message.segments).toBe(1);
    expect(message.media.map((m) => [m.n, m.contentType, m.state, m.url, m.fileName])).toEqual([
      [0, "image/png", "stored", `/api/media/${message.id}/0`, "photo-1.png"],
      [1, "image/jpeg", "stored", `/api/media/${message.id}/1`, "photo-2.jpg"],
    ]);
    const send = fake.calls.find((c) => c.url.endsWith("/Messages.json"));
    const form = new URLSearchParams(send?.body ?? "");
    const urls = form.getAll("MediaUrl");
    expect(urls).toHaveLength(2);
    expect(form.get("Body")).toBe("");
    for (const [i, url] of urls.entries()) {
      expect(url).toMatch(/^https:\/\/textdesk\.test\/media\/c\/\d+\.\d+\.[A-Za-z0-9_-]{43}$/);
      const served = await fetchAsCarrier(url);
      expect(served.status).toBe(200);
      expect(served.headers.get("content-type")).toBe(i === 0 ? "image/png" : "image/jpeg");
      expect(await sha256(await served.arrayBuffer())).toBe(await sha256(files[i] ?? new Uint8Array()));
    }
    // The queue preview of a text that is only photos.
    const row = await env.DB.prepare("select last_message_preview as p from conversations where id = ?")
      .bind(conversation)
      .first<{ p: string }>();
    expect(row?.p).toBe("📷 Photo");
    // An upload goes out with one message only.
    const again = await call(`/api/conversations/${conversation}/messages`, {
      cookie: admin,
      json: { body: "again", idempotencyKey: crypto.randomUUID(), uploadIds: [ids[0]] },
    });
    expect(again.status).toBe(400);
    expect((await errorOf(again))?.code).toBe("upload_not_found");
    // The thread carries the files too.
    const thread = await call(`/api/conversations/${conversation}/messages`, { cookie: admin });
    const { messages } = await thread.json<{ messages: Sent["message"][] }>();
    expect(messages.find((m) => m.id === message.id)?.media).toHaveLength(2);
  });

  it("Telnyx: media_urls", async ({ expect }) => {
    const telnyx = await addTelnyxNumber("+15551230241");
    const { id: conversation } = await addConversation({
      orgId,
      numberId: telnyx.id,
      phone: "+15550024004",
      at: Date.now(),
    });
    const file = png(800);
    const id = await uploadId(conversation, file);
    const fake = acceptingCarrier();
    onTestFinished(() => {
      fake.restore();
    });
    const res = await call(`/api/conversations/${conversation}/messages`, {
      cookie: admin,
      json: { body: "Your x-ray", idempotencyKey: crypto.randomUUID(), uploadIds: [id] },
    });
    expect(res.status).toBe(201);
    const sent = JSON.parse(fake.calls.find((c) => c.url.endsWith("/v2/messages"))?.body ?? "{}") as {
      text: string;
      media_urls: string[];
    };
    expect(sent.text).toBe("Your x-ray");
    expect(sent.media_urls).toHaveLength(1);
    const served = await fetchAsCarrier(sent.media_urls[0] ?? "");
    expect(served.status).toBe(200);
    expect(await sha256(await served.arrayBuffer())).toBe(await sha256(file));
  });

  it("refuses expired, tampered and other-file capability URLs", async ({ expect }) => {
    const { id: conversation } = await addConversation({
      orgId,
      numberId: westside,
      phone: "+15550024005",
      at: Date.now(),
    });
    const id = await uploadId(conversation, png(300));
    const fake = acceptingCarrier();
    onTestFinished(() => {
      fake.restore();
    });
    await call(`/api/conversations/${conversation}/messages`, {
      cookie: admin,
      json: { body: "x", idempotencyKey: crypto.randomUUID(), uploadIds: [id] },
    });
    const url = new URLSearchParams(fake.calls.at(-1)?.body ?? "").get("MediaUrl") ?? "";
    const token = url.split("/").pop() ?? "";
    const [mediaId, expires, mac] = token.split(".");
    expect((await fetchAsCarrier(url)).status).toBe(200);

    // The first character: every one of its bits is in the MAC (a base64url string's last character carries
    // unused bits, so changing it may decode to the same bytes).
    const tampered = await call(
      `/media/c/${mediaId}.${expires}.${mac?.startsWith("A") ? "B" : "A"}${mac?.slice(1)}`,
    );
    expect(tampered.status).toBe(403);
    expect((await errorOf(tampered))?.message).toBe("This photo link is not valid.");
    const otherFile = await call(`/media/c/${Number(mediaId) + 1}.${expires}.${mac}`);
    expect(otherFile.status).toBe(403);
    const later = await call(`/media/c/${mediaId}.${Number(expires) + 3_600_000}.${mac}`);
    expect(later.status).toBe(403);
    const expired = await call(
      `/media/c/${await signCapability(env.MEDIA_URL_SECRET, Number(mediaId), Date.now() - 1)}`,
    );
    expect(expired.status).toBe(403);
    expect((await errorOf(expired))?.message).toBe("This photo link has expired.");
    expect((await call("/media/c/not-a-token")).status).toBe(404);
    // A valid signature for a file that is not a sent upload (none with this id): 404.
    const unknown = await call(
      `/media/c/${await signCapability(env.MEDIA_URL_SECRET, 999_999, Date.now() + 60_000)}`,
    );
    expect(unknown.status).toBe(404);
  });
});

describe("serving", () => {
  it("answers with the verified type, nosniff, a safe inline name, a sandbox CSP, no-store; 404 when not visible", async ({
    expect,
  }) => {
    const { id: conversation } = await addConversation({
      orgId,
      numberId: westside,
      phone: "+15550024006",
      at: Date.now(),
    });
    const id = await uploadId(conversation, png(400));
    const fake = acceptingCarrier();
    onTestFinished(() => {
      fake.restore();
    });
    const sent = await (
      await call(`/api/conversations/${conversation}/messages`, {
        cookie: admin,
        json: { body: "x", idempotencyKey: crypto.randomUUID(), uploadIds: [id] },
      })
    ).json<Sent>();
    const path = `/api/media/${sent.message.id}/0`;
    const res = await call(path, { cookie: admin });
    expect(res.status).toBe(200);
    expect(
      Object.fromEntries(
        [
          "content-type",
          "x-content-type-options",
          "content-disposition",
          "content-security-policy",
          "cache-control",
        ].map((h) => [h, res.headers.get(h)]),
      ),
    ).toEqual({
      "content-type": "image/png",
      "x-content-type-options": "nosniff",
      "content-disposition": 'inline; filename="photo-1.png"',
      "content-security-policy": "default-src 'none'; sandbox",
      "cache-control": "private, no-store",
    });
    const download = await call(`${path}?download=1`, { cookie: admin });
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="photo-1.png"');
    expect((await call(path)).status).toBe(401);
    expect((await call(`/api/media/${sent.message.id}/1`, { cookie: admin })).status).toBe(404);
    // Staff who may not see the number get the same 404 as for a file that does not exist.
    await grantStaff(admin, [main]);
    const staff = await signInStaff();
    expect((await call(path, { cookie: staff })).status).toBe(404);
  });
});
