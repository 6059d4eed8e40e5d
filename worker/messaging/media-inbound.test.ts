import { env } from "cloudflare:workers";
import { beforeAll, describe, it, onTestFinished } from "vitest";
import { DEMO, seed } from "../test/helpers";
import { addTelnyxNumber, postTelnyx, randomSid, telnyxEvent, twilioInbound } from "../test/carriers";
import {
  fakeHosts,
  HTML,
  jpeg,
  mediaRows,
  messageIdOf,
  orgOf,
  png,
  postTwilioHeld,
  sha256,
  VCARD,
} from "../test/media-fakes";
import { runCronJobs, CRON_JOBS } from "../jobs/cron";
import { INBOUND_MEDIA_MAX_BYTES } from "../shared/media";

beforeAll(seed);

const basic = `Basic ${btoa(`${DEMO.twilio.accountSid}:${DEMO.twilio.authToken}`)}`;

function twilioMediaUrl(messageSid: string, mediaSid: string) {
  return `https://api.twilio.com/2010-04-01/Accounts/${DEMO.twilio.accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
}

const retryMedia = CRON_JOBS.filter((j) => j.name === "retry-media");

describe("inbound photos", () => {
  it("Twilio: two images, Basic auth, the redirect followed, copied after the answer, hashes kept", async ({
    expect,
  }) => {
    const files = [jpeg(4000), png(3000)];
    const sid = randomSid("MM");
    const mediaSids = [randomSid("ME"), randomSid("ME")];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fake = fakeHosts(async (call) => {
      const url = new URL(call.url);
      const api = /\/Media\/(ME[0-9a-f]{32})$/.exec(url.pathname);
      if (url.host === "twilio.fake" && api) {
        // Twilio answers its media URL with a redirect to its CDN (another origin).
        await gate;
        if (call.headers.get("authorization") !== basic) return new Response("no auth", { status: 401 });
        return new Response(null, {
          status: 307,
          headers: { location: `https://cdn.twilio.fake/m/${api[1]}` },
        });
      }
      if (url.host === "cdn.twilio.fake") {
        // The account's credentials never leave Twilio's API origin.
        if (call.headers.get("authorization")) return new Response("leaked", { status: 400 });
        const i = mediaSids.indexOf(url.pathname.split("/").pop() ?? "");
        const body = files[i];
        return body
          ? new Response(body, { headers: { "content-type": "image/jpeg" } })
          : new Response(null, { status: 404 });
      }
      return new Response(null, { status: 404 });
    });
    onTestFinished(() => {
      fake.restore();
    });
    const params = twilioInbound({
      MessageSid: sid,
      SmsMessageSid: sid,
      SmsSid: sid,
      From: "+15550014001",
      Body: "",
      NumMedia: "2",
      MediaUrl0: twilioMediaUrl(sid, mediaSids[0] ?? ""),
      MediaContentType0: "image/jpeg",
      MediaUrl1: twilioMediaUrl(sid, mediaSids[1] ?? ""),
      MediaContentType1: "image/png",
    });
    const held = await postTwilioHeld(params);
    // Answered while the media host still holds its answer: the copy runs in waitUntil, after it.
    expect(held.response.status).toBe(200);
    expect((await mediaRows(sid)).map((r) => r.state)).toEqual(["pending", "pending"]);
    const preview = await env.DB.prepare(
      "select last_message_preview as p from conversations where phone = ?",
    )
      .bind("+15550014001")
      .first<{ p: string }>();
    expect(preview?.p).toBe("📷 Photo");
    release();
    await held.settle();
    const rows = await mediaRows(sid);
    const id = await messageIdOf(sid);
    const org = await orgOf(sid);
    expect(rows.map((r) => [r.state, r.content_type, r.size, r.r2_key, r.source_url])).toEqual([
      ["stored", "image/jpeg", 4000, `media/${org}/${id}/0`, null],
      ["stored", "image/png", 3000, `media/${org}/${id}/1`, null],
    ]);
    for (const [i, row] of rows.entries()) {
      const object = await env.HISTORY.get(row.r2_key ?? "");
      const file = files[i];
      if (!object || !file) throw new Error("missing object");
      expect(await sha256(await object.arrayBuffer())).toBe(await sha256(file));
    }
    // Two API calls with Basic auth, two CDN calls without.
    expect(fake.calls.map((c) => new URL(c.url).host).sort()).toEqual([
      "cdn.twilio.fake",
      "cdn.twilio.fake",
      "twilio.fake",
      "twilio.fake",
    ]);
    // The message event was sent again with the stored files and their URLs.
    const last = await env.DB.prepare(
      "select payload from live_events where type = 'message' and json_extract(payload, '$.message.id') = ? order by id desc limit 1",
    )
      .bind(id)
      .first<{ payload: string }>();
    const event = JSON.parse(last?.payload ?? "{}") as {
      message: { media: { state: string; url: string }[] };
    };
    expect(event.message.media.map((m) => [m.state, m.url])).toEqual([
      ["stored", `/api/media/${id}/0`],
      ["stored", `/api/media/${id}/1`],
    ]);
  });

  it("Twilio: deletes the carrier's copy after a verified copy when the number asks", async ({ expect }) => {
    await env.DB.prepare("update clinic_numbers set delete_media_after_copy = 1 where e164 = ?")
      .bind(DEMO.westsideNumber)
      .run();
    onTestFinished(async () => {
      await env.DB.prepare("update clinic_numbers set delete_media_after_copy = 0 where e164 = ?")
        .bind(DEMO.westsideNumber)
        .run();
    });
    const sid = randomSid("MM");
    const mediaSid = randomSid("ME");
    const fake = fakeHosts((call) => {
      if (call.method === "DELETE") return new Response(null, { status: 204 });
      return new Response(jpeg(500), { headers: { "content-type": "image/jpeg" } });
    });
    onTestFinished(() => {
      fake.restore();
    });
    const held = await postTwilioHeld(
      twilioInbound({
        MessageSid: sid,
        From: "+15550014002",
        Body: "my card",
        NumMedia: "1",
        MediaUrl0: twilioMediaUrl(sid, mediaSid),
        MediaContentType0: "image/jpeg",
      }),
    );
    expect(held.response.status).toBe(200);
    await held.settle();
    expect((await mediaRows(sid)).map((r) => r.state)).toEqual(["stored"]);
    const deletion = fake.calls.find((c) => c.method === "DELETE");
    expect(deletion?.url).toBe(
      `https://twilio.fake/2010-04-01/Accounts/${DEMO.twilio.accountSid}/Messages/${sid}/Media/${mediaSid}.json`,
    );
    expect(deletion?.headers.get("authorization")).toBe(basic);
    // The delete came after the GET that copied it.
    expect(fake.calls.map((c) => c.method)).toEqual(["GET", "DELETE"]);
  });

  it("Telnyx: one image and one vCard, fetched as given", async ({ expect }) => {
    const keys = await addTelnyxNumber("+15551230141");
    const image = png(2048);
    const fake = fakeHosts((call) => {
      if (call.url.endsWith("/a.png"))
        return new Response(image, { headers: { "content-type": "image/png" } });
      if (call.url.endsWith("/b.vcf"))
        return new Response(VCARD, { headers: { "content-type": "text/vcard" } });
      return new Response(null, { status: 404 });
    });
    onTestFinished(() => {
      fake.restore();
    });
    const id = `tx-${crypto.randomUUID()}`;
    const body = telnyxEvent("message.received", {
      id,
      direction: "inbound",
      from: { phone_number: "+15550014003" },
      to: [{ phone_number: "+15551230141" }],
      text: "",
      media: [
        { url: "https://telnyx.fake/media/a.png", content_type: "image/png", size: image.byteLength },
        { url: "https://telnyx.fake/media/b.vcf", content_type: "text/x-vcard", size: VCARD.byteLength },
      ],
    });
    const res = await postTelnyx(body, keys);
    expect(res.status).toBe(200);
    await expect
      .poll(async () => (await mediaRows(id)).map((r) => [r.state, r.content_type]), { timeout: 5000 })
      .toEqual([
        ["stored", "image/png"],
        ["stored", "text/vcard"],
      ]);
  });

  it("refuses what is not on the carrier's host, too many, too big, and an 'image' that is HTML, keeping the text", async ({
    expect,
  }) => {
    const sid = randomSid("MM");
    const mediaSid = (i: number) => `ME${String(i).padStart(32, "0")}`;
    const fake = fakeHosts((call) => {
      if (call.url.endsWith(mediaSid(0)))
        return new Response(HTML, { headers: { "content-type": "image/png" } });
      // Larger than the cap, without a Content-Length: cut off while streaming.
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new Uint8Array(1024 * 1024));
        },
      });
      return new Response(stream, { headers: { "content-type": "image/jpeg" } });
    });
    onTestFinished(() => {
      fake.restore();
    });
    const media: Record<string, string> = {
      NumMedia: "12",
      MediaUrl0: twilioMediaUrl(sid, mediaSid(0)),
      MediaContentType0: "image/png",
      MediaUrl1: twilioMediaUrl(sid, mediaSid(1)),
      MediaContentType1: "image/jpeg",
      MediaUrl2: "https://evil.example/x.jpg",
      MediaContentType2: "image/jpeg",
    };
    for (let i = 3; i < 12; i++) {
      media[`MediaUrl${i}`] = "https://evil.example/more.jpg";
      media[`MediaContentType${i}`] = "image/jpeg";
    }
    const held = await postTwilioHeld(
      twilioInbound({ MessageSid: sid, From: "+15550014004", Body: "see", ...media }),
    );
    expect(held.response.status).toBe(200);
    await held.settle();
    const rows = await mediaRows(sid);
    expect(rows).toHaveLength(12);
    expect(rows.slice(0, 4).map((r) => [r.state, r.note])).toEqual([
      ["failed", "File refused: it is not the type it claims"],
      ["failed", `File too large (over ${INBOUND_MEDIA_MAX_BYTES / (1024 * 1024)} MB)`],
      ["failed", "Photo could not be retrieved (not from the carrier)"],
      ["failed", "Photo could not be retrieved (not from the carrier)"],
    ]);
    expect(rows.slice(10).map((r) => r.note)).toEqual([
      "Too many files on one text (10 at most)",
      "Too many files on one text (10 at most)",
    ]);
    // Nothing was fetched from the foreign host, and nothing of the refused files reached R2.
    expect(fake.calls.every((c) => new URL(c.url).host === "twilio.fake")).toBe(true);
    const id = await messageIdOf(sid);
    expect((await env.HISTORY.list({ prefix: `media/${await orgOf(sid)}/${id}/` })).objects).toEqual([]);
    const text = await env.DB.prepare("select body from messages where id = ?")
      .bind(id)
      .first<{ body: string }>();
    expect(text?.body).toBe("see");
  });

  it("a media host that fails is retried by the cron until it recovers", async ({ expect }) => {
    const sid = randomSid("MM");
    let up = false;
    const fake = fakeHosts(() =>
      up
        ? new Response(jpeg(700), { headers: { "content-type": "image/jpeg" } })
        : new Response(null, { status: 503 }),
    );
    onTestFinished(() => {
      fake.restore();
    });
    const held = await postTwilioHeld(
      twilioInbound({
        MessageSid: sid,
        From: "+15550014005",
        Body: "",
        NumMedia: "1",
        MediaUrl0: twilioMediaUrl(sid, randomSid("ME")),
        MediaContentType0: "image/jpeg",
      }),
    );
    await held.settle();
    expect((await mediaRows(sid)).map((r) => [r.state, r.attempts])).toEqual([["pending", 1]]);
    // Not due yet: the cron leaves it alone.
    await runCronJobs(retryMedia, env, Date.now());
    expect((await mediaRows(sid)).map((r) => r.attempts)).toEqual([1]);
    // Still down when due: a second attempt is recorded.
    await runCronJobs(retryMedia, env, Date.now() + 2 * 60_000);
    expect((await mediaRows(sid)).map((r) => [r.state, r.attempts])).toEqual([["pending", 2]]);
    up = true;
    await runCronJobs(retryMedia, env, Date.now() + 24 * 60 * 60_000);
    expect((await mediaRows(sid)).map((r) => [r.state, r.size])).toEqual([["stored", 700]]);
  });

  it("gives up after the retries with 'Photo could not be retrieved'", async ({ expect }) => {
    const sid = randomSid("MM");
    const fake = fakeHosts(() => new Response(null, { status: 500 }));
    onTestFinished(() => {
      fake.restore();
    });
    const held = await postTwilioHeld(
      twilioInbound({
        MessageSid: sid,
        From: "+15550014006",
        NumMedia: "1",
        MediaUrl0: twilioMediaUrl(sid, randomSid("ME")),
        MediaContentType0: "image/jpeg",
      }),
    );
    await held.settle();
    for (let hour = 1; hour <= 8; hour++) {
      await runCronJobs(retryMedia, env, Date.now() + hour * 24 * 60 * 60_000);
    }
    expect((await mediaRows(sid)).map((r) => [r.state, r.attempts, r.note])).toEqual([
      ["failed", 5, "Photo could not be retrieved"],
    ]);
  });
});
