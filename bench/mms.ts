/**
 * Inbound MMS: the answer latency of a Twilio webhook with one 500 KB JPEG against a text-only webhook in the
 * same run (interleaved, one request at a time, so load drift hits both), and the time from the MMS answer
 * until its photo is copied into R2 and can be served: the copy runs in `waitUntil` after the answer, so that
 * is when the bench entry's /bench/pending counter says the request's work settled (an upper bound, by one
 * poll interval). A fake Twilio on loopback (TWILIO_API_BASE) serves the photo with no delay of its own.
 *
 *   node bench/mms.ts            (BENCH_MMS_PAIRS pairs, default 40)
 */
import http from "node:http";
import { randomBytes } from "node:crypto";
import { client, fmt, line, type Req } from "./lib/http.ts";
import { isMain, median, pollUntil } from "./lib/main.ts";
import { FAKE_CARRIER_PORT, startServer, type Server } from "./lib/server.ts";
import { inboundParams, randomSid, signedPost } from "./lib/twilio.ts";

const PAIRS = Number(process.env.BENCH_MMS_PAIRS ?? 40);
const PATH = "/webhooks/twilio/messages";
const ACCOUNT_SID = "AC00000000000000000000000000000000";
const PHOTO_BYTES = 500 * 1024;

/** A JPEG's magic bytes, then noise: what the worker's type check needs, at the size the issue names. */
const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(PHOTO_BYTES - 4)]);

/** Twilio's REST API as far as this bench needs it: media downloads, and sends/deletes answered at once. */
function startFakeTwilio() {
  let photosServed = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "GET" && /\/Media\/ME[0-9a-f]{32}$/.test(req.url ?? "")) {
        res.writeHead(200, { "content-type": "image/jpeg", "content-length": String(photo.byteLength) });
        res.end(photo);
        photosServed++;
        return;
      }
      if (req.method === "DELETE") {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ sid: randomSid(), status: "queued" }));
    });
  });
  server.listen(FAKE_CARRIER_PORT, "127.0.0.1");
  return {
    photosServed: () => photosServed,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const phone = (i: number) => `+1555${String(7_000_000 + (i % 500)).padStart(7, "0")}`;
const text = (i: number): Req => signedPost(PATH, inboundParams(phone(i), `Running ${i % 20} min late`));
function mms(i: number): Req {
  const params = inboundParams(phone(i), "");
  const sid = params.MessageSid ?? randomSid();
  return signedPost(PATH, {
    ...params,
    NumMedia: "1",
    MediaContentType0: "image/jpeg",
    MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}/Media/ME${randomBytes(16).toString("hex")}`,
  });
}

export type MmsResult = {
  textMs: number;
  mmsMs: number;
  ratio: number;
  thumbnailMs: number;
  pairs: number;
  non2xx: number;
};

export async function runMms(server?: Server): Promise<MmsResult> {
  const own = server ?? (await startServer());
  const twilio = startFakeTwilio();
  const c = client(own.base, 1);
  try {
    await c.send({ method: "POST", path: "/bench/setup" });
    /** Milliseconds from `from` until the app's waitUntil work has all settled. */
    const settled = async (from: number) => {
      let at = from;
      const ok = await pollUntil(
        async () => {
          const res = await c.send({ method: "GET", path: "/bench/pending" });
          at = performance.now();
          return (JSON.parse(res.body) as { pending: number }).pending === 0;
        },
        30_000,
        5,
      );
      if (!ok) throw new Error("waitUntil work still running after 30 s");
      return at - from;
    };
    const textMs: number[] = [];
    const mmsMs: number[] = [];
    const thumbnailMs: number[] = [];
    let non2xx = 0;
    const warm = 5;
    for (let i = 0; i < PAIRS + warm; i++) {
      // Alternate which goes first so neither always follows the other's waitUntil work.
      const order = i % 2 === 0 ? (["text", "mms"] as const) : (["mms", "text"] as const);
      for (const kind of order) {
        const res = await c.send(kind === "text" ? text(i) : mms(i));
        const answered = performance.now();
        if (res.status < 200 || res.status >= 300) non2xx++;
        // Each webhook's copy and fan-out finish before the next one starts: latencies never overlap them.
        const after = await settled(answered);
        if (i < warm) continue;
        if (kind === "text") textMs.push(res.ms);
        else {
          mmsMs.push(res.ms);
          thumbnailMs.push(res.ms + after);
        }
      }
    }
    // The copy really ran: every MMS's photo was fetched from the fake carrier (once; none refused early).
    if (twilio.photosServed() !== PAIRS + warm) {
      throw new Error(`${twilio.photosServed()} photos fetched for ${PAIRS + warm} MMS webhooks`);
    }
    const result: MmsResult = {
      textMs: median(textMs),
      mmsMs: median(mmsMs),
      ratio: median(mmsMs) / median(textMs),
      thumbnailMs: median(thumbnailMs),
      pairs: PAIRS,
      non2xx,
    };
    console.log("\n## Inbound MMS (bench/mms.ts)");
    line("text-only webhook answer, median", `${fmt(result.textMs)} ms`);
    line(`MMS webhook (one ${PHOTO_BYTES / 1024} KB JPEG) answer, median`, `${fmt(result.mmsMs)} ms`, {
      to: "text-only",
      value: result.ratio,
    });
    line("MMS webhook sent → photo in R2, servable, median", `${fmt(result.thumbnailMs)} ms`);
    return result;
  } finally {
    c.close();
    await twilio.stop();
    if (!server) own.stop();
  }
}

if (isMain(import.meta.url)) await runMms();
