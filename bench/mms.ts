/**
 * Inbound MMS: the answer latency of a Twilio webhook with one 500 KB JPEG against a text-only webhook in the
 * same run (interleaved, one request at a time, so load drift hits both), and the time from the MMS answer
 * until its photo is copied into R2 and can be served: the copy runs in `waitUntil` after the answer, so that
 * is when the bench entry's /bench/pending counter says the request's work settled (an upper bound, by one
 * poll interval). A fake Twilio on loopback (TWILIO_API_BASE), in its own process, serves the photo with no
 * delay of its own.
 *
 *   node bench/mms.ts            (BENCH_MMS_PAIRS pairs, default 40)
 */
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { client, fmt, line, type Req } from "./lib/http.ts";
import { isMain, median, pollUntil } from "./lib/main.ts";
import { FAKE_CARRIER_PORT, startServer, type Server } from "./lib/server.ts";
import { inboundParams, randomSid, signedPost } from "./lib/twilio.ts";

const PAIRS = Number(process.env.BENCH_MMS_PAIRS ?? 40);
const PATH = "/webhooks/twilio/messages";
const ACCOUNT_SID = "AC00000000000000000000000000000000";
const PHOTO_BYTES = 500 * 1024;

/** Twilio's REST API as far as this bench needs it, in its own process (see the file). */
async function startFakeTwilio() {
  const child = fork(path.join(import.meta.dirname, "lib/fake-twilio-media.ts"), [
    String(FAKE_CARRIER_PORT),
    String(PHOTO_BYTES),
  ]);
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`fake Twilio exited (${code})`)));
  });
  const base = `http://127.0.0.1:${FAKE_CARRIER_PORT}`;
  return {
    photosServed: async () => ((await (await fetch(`${base}/__served`)).json()) as { served: number }).served,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill();
      }),
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
  const twilio = await startFakeTwilio();
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
    const served = await twilio.photosServed();
    if (served !== PAIRS + warm) {
      throw new Error(`${served} photos fetched for ${PAIRS + warm} MMS webhooks`);
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
