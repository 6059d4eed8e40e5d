/**
 * Presence fan-out: one screen (the demo staff user) sends a typing frame (shared/live-protocol.ts ClientFrame
 * {v:1,type:"typing",conversationId}); p50/p99 until each of 100 other sockets on the same number (the demo
 * admin) has a presence frame showing that user typing in that conversation. Next to it, the same run's
 * inbound-to-screen figure on the same 100 sockets (a signed webhook POST until each socket has the event),
 * which is the ratio's baseline. Target: presence p99 ≤ 50 ms at 100 sockets.
 *
 * Typing frames go at most one a second per user (TYPING_THROTTLE_MS), as the web client sends them, so a
 * server that enforces the throttle is measured fairly. Each sample first moves the sender to the other of two
 * conversations (a `viewing` frame), so the typing frame always changes what presence shows.
 *
 * BENCH_PRESENCE_RUNS runs (default 3) on the same 101 sockets, each printed; the figures are the median of
 * the runs' percentiles. A run's p99 pools every receiver's receipt of every frame (100 per frame), so it
 * stands on thousands of samples. The server has presence (realtime/presence.ts): a sender whose socket is
 * closed, or no presence frame at all, is a MISS with its reason, not a SKIP (the last full run skipped only
 * because this bench was written before the server's presence was merged).
 *
 *   node bench/presence.ts    (per run: BENCH_PRESENCE_SAMPLES typing frames, default 20; BENCH_PRESENCE_INBOUND
 *                              texts for the baseline, default 30)
 */
import { client, fmt, fmtMs, fmtTail, line, tail, type Tail } from "./lib/http.ts";
import { startFakeCarrier } from "./lib/fake-carrier.ts";
import { countdown, isMain, median, sleep } from "./lib/main.ts";
import { startServer, type Server } from "./lib/server.ts";
import { inboundParams, signedPost } from "./lib/twilio.ts";
import { signIn } from "./live.ts";

/*
 * The protocol as worker/shared/live-protocol.ts and shared/team.ts type it, spelled out here: the bench is a
 * plain Node script outside the Worker's and the shared code's TypeScript projects.
 */
type ClientFrame =
  { v: 1; type: "viewing"; conversationId: number | null } | { v: 1; type: "typing"; conversationId: number };
type PresenceEntry = { userId: number; name: string; conversationId: number | null; typing: boolean };
const TYPING_THROTTLE_MS = 1_000;

const SAMPLES = Number(process.env.BENCH_PRESENCE_SAMPLES ?? 20);
const INBOUND = Number(process.env.BENCH_PRESENCE_INBOUND ?? 30);
const RUNS = Number(process.env.BENCH_PRESENCE_RUNS ?? 3);
const RECEIVERS = 100;
const TIMEOUT_MS = 2_000;

type Frame = { type?: string; viewers?: PresenceEntry[]; event?: { message?: { body: string } } };

function openSocket(base: string, numberId: number, cookie: string, onFrame: (frame: Frame) => void) {
  const url = `${base.replace("http", "ws")}/api/live/numbers/${numberId}/socket`;
  return new Promise<{ ws: WebSocket; closed: () => number | null }>((resolve, reject) => {
    let closedWith: number | null = null;
    // Node's WebSocket (undici) takes headers as a non-standard option: the session cookie.
    const ws = new WebSocket(url, { headers: { cookie } } as unknown as string[]);
    ws.addEventListener("open", () => resolve({ ws, closed: () => closedWith }));
    ws.addEventListener("error", () => reject(new Error("socket failed to open")));
    ws.addEventListener("close", (e: CloseEvent) => {
      closedWith = e.code;
    });
    ws.addEventListener("message", (m: MessageEvent) => {
      if (typeof m.data !== "string" || m.data === "pong") return;
      onFrame(JSON.parse(m.data) as Frame);
    });
  });
}

const send = (ws: WebSocket, frame: ClientFrame) => ws.send(JSON.stringify(frame));

export type PresenceRun = { typing: Tail; inbound: Tail; lost: number };

export type PresenceResult = {
  p50: number;
  p99: number;
  lost: number;
  inbound50: number;
  inbound99: number;
  runs: PresenceRun[];
  /** Why the bench could not measure presence (the sender's socket closed, no presence frame): a MISS. */
  problem: string | null;
};

export async function runPresence(server?: Server): Promise<PresenceResult> {
  const own = server ?? (await startServer());
  const carrier = startFakeCarrier();
  const http = client(own.base, 2);
  const sockets: WebSocket[] = [];
  try {
    console.log(
      `\n## Presence (a typing frame from one screen to ${RECEIVERS} others; per run ${SAMPLES} frames and ${INBOUND} texts for the baseline; ${RUNS} runs, figures are the runs' median)`,
    );
    const admin = await signIn(own.base);
    const staff = await signIn(own.base, "staff@example.com", "demo-staff");
    const numberId = admin.numberId;
    const me = await http.send({ method: "GET", path: "/api/auth/me", headers: { cookie: staff.cookie } });
    const staffId = (JSON.parse(me.body) as { user: { id: number } }).user.id;

    // Two conversations of the number to move between (texted in first, so they exist whatever the demo holds).
    for (const phone of ["+15557200001", "+15557200002"]) {
      await http.send(signedPost("/webhooks/twilio/messages", inboundParams(phone, "bench presence")));
    }
    const list = await http.send({
      method: "GET",
      path: `/api/queue/numbers/${numberId}/conversations`,
      headers: { cookie: admin.cookie },
    });
    const ids = (JSON.parse(list.body) as { conversations: { id: number }[] }).conversations
      .slice(0, 2)
      .map((c) => c.id);
    const [convA, convB] = ids;
    if (convA === undefined || convB === undefined)
      throw new Error("fewer than two conversations to type in");

    // What the current sample waits for, when each receiver saw it, and the countdown of receivers left.
    type Wait = { sent: number; seen: Map<number, number>; hit: () => void };
    let wanted: (Wait & { conversationId: number; typing: boolean }) | null = null;
    let inbound: (Wait & { body: string }) | null = null;
    let anyPresence = false;
    for (let r = 0; r < RECEIVERS; r++) {
      const { ws } = await openSocket(own.base, numberId, admin.cookie, (frame) => {
        const at = performance.now();
        if (frame.type === "presence" && frame.viewers) {
          anyPresence = true;
          const w = wanted;
          if (!w || w.seen.has(r)) return;
          const hit = frame.viewers.some(
            (v) => v.userId === staffId && v.conversationId === w.conversationId && (!w.typing || v.typing),
          );
          if (hit) {
            w.seen.set(r, at - w.sent);
            w.hit();
          }
        } else if (frame.type === "event" && inbound && frame.event?.message?.body === inbound.body) {
          if (inbound.seen.has(r)) return;
          inbound.seen.set(r, at - inbound.sent);
          inbound.hit();
        }
      });
      sockets.push(ws);
    }
    const sender = await openSocket(own.base, numberId, staff.cookie, () => undefined);
    sockets.push(sender.ws);

    /** One run: the inbound baseline on the same sockets, then the typing frames. */
    const measureRun = async (run: number): Promise<PresenceRun | string> => {
      // Baseline: inbound to screen on the same 100 sockets, one text in flight (like bench/live.ts).
      const inboundMs: number[] = [];
      for (let i = -3; i < INBOUND; i++) {
        const all = countdown(RECEIVERS, 5_000);
        const body = `bench presence inbound ${run}:${i}`;
        inbound = { body, sent: performance.now(), seen: new Map(), hit: all.hit };
        const phone = `+1555720${String(1000 + (run - 1) * (INBOUND + 3) + i + 3).padStart(4, "0")}`;
        await http.send(signedPost("/webhooks/twilio/messages", inboundParams(phone, body)));
        await all.done;
        if (i >= 0) inboundMs.push(...inbound.seen.values());
      }
      inbound = null;

      const typingMs: number[] = [];
      let lost = 0;
      let lastTyping = -Infinity;
      for (let k = -2; k < SAMPLES; k++) {
        const conversationId = k % 2 === 0 ? convA : convB;
        // Move to the conversation first (not measured), so the typing frame changes what presence shows.
        const moved = countdown(RECEIVERS, TIMEOUT_MS / 2);
        wanted = { conversationId, typing: false, sent: performance.now(), seen: new Map(), hit: moved.hit };
        send(sender.ws, { v: 1, type: "viewing", conversationId });
        await moved.done;
        // The web client's pace: at most one typing frame a second (a bounded wait, not an observation).
        const pause = lastTyping + TYPING_THROTTLE_MS + 50 - performance.now();
        if (pause > 0) await sleep(pause);
        const typed = countdown(RECEIVERS, TIMEOUT_MS);
        wanted = { conversationId, typing: true, sent: performance.now(), seen: new Map(), hit: typed.hit };
        lastTyping = wanted.sent;
        send(sender.ws, { v: 1, type: "typing", conversationId });
        await typed.done;
        const seen = wanted.seen;
        wanted = null;
        const closed = sender.closed();
        if (closed !== null) return `the sender's socket was closed (${closed})`;
        if (!anyPresence) return `no presence frame within ${TIMEOUT_MS} ms`;
        if (k < 0) continue; // Warm-up.
        typingMs.push(...seen.values());
        lost += RECEIVERS - seen.size;
      }
      return { typing: tail(typingMs), inbound: tail(inboundMs), lost };
    };

    const runs: PresenceRun[] = [];
    let problem: string | null = null;
    for (let run = 1; run <= RUNS && problem === null; run++) {
      const r = await measureRun(run);
      if (typeof r === "string") {
        problem = r;
        console.log(`presence: ${r} — MISS`);
        break;
      }
      runs.push(r);
      line(
        `presence ${RECEIVERS} sockets, run ${run}: typing → presence`,
        `${fmtTail(r.typing)}; not seen ${r.lost} of ${SAMPLES * RECEIVERS}; inbound baseline ${fmtTail(r.inbound)}`,
      );
    }
    const result: PresenceResult = {
      p50: median(runs.map((r) => r.typing.p50)),
      p99: problem === null ? median(runs.map((r) => r.typing.p99)) : NaN,
      lost: runs.reduce((n, r) => n + r.lost, 0),
      inbound50: median(runs.map((r) => r.inbound.p50)),
      inbound99: median(runs.map((r) => r.inbound.p99)),
      runs,
      problem,
    };
    line(
      `presence baseline: inbound to screen, ${RECEIVERS} sockets, median of ${runs.length} runs`,
      `p50 ${fmtMs(result.inbound50)}, p99 ${fmtMs(result.inbound99)}`,
    );
    line(
      `presence ${RECEIVERS} sockets: typing frame → presence frame, median of ${runs.length} runs`,
      `p50 ${fmtMs(result.p50)}, p99 ${fmtMs(result.p99)} (runs ${runs.map((r) => fmt(r.typing.p99)).join(" / ")}); not seen ${result.lost} of ${runs.length * SAMPLES * RECEIVERS}`,
      { to: "inbound-to-screen p50", value: result.p50 / result.inbound50 },
    );
    return result;
  } finally {
    for (const ws of sockets) ws.close(1000, "bench done");
    http.close();
    await carrier.stop();
    if (!server) own.stop();
  }
}

if (isMain(import.meta.url)) await runPresence();
