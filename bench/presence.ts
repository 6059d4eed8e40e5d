/**
 * Presence fan-out: one screen (the demo staff user) sends a typing frame (shared/live-protocol.ts ClientFrame
 * {v:1,type:"typing",conversationId}); p50/p99 until each of 100 other sockets on the same number (the demo
 * admin) has a presence frame showing that user typing in that conversation. Next to it, the same run's
 * inbound-to-screen figure on the same 100 sockets (a signed webhook POST until each socket has the event),
 * which is the ratio's baseline. Target: presence p99 ≤ 50 ms at 100 sockets.
 *
 * Typing frames go at most one a second per user (TYPING_THROTTLE_MS), as the web client sends them, so a
 * server that enforces the throttle is measured fairly. Each sample first moves the sender to the other of two
 * conversations (a `viewing` frame), so the typing frame always changes what presence shows. A server that
 * does not answer typing frames (no presence frame within the timeout, or the socket closed as a bad frame)
 * is reported as SKIP, not as a failure.
 *
 *   node bench/presence.ts    (BENCH_PRESENCE_SAMPLES typing frames, default 40; BENCH_PRESENCE_INBOUND, 30)
 */
import { client, fmt, line, percentile } from "./lib/http.ts";
import { startFakeCarrier } from "./lib/fake-carrier.ts";
import { isMain, sleep } from "./lib/main.ts";
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

const SAMPLES = Number(process.env.BENCH_PRESENCE_SAMPLES ?? 40);
const INBOUND = Number(process.env.BENCH_PRESENCE_INBOUND ?? 30);
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

export type PresenceResult =
  | { skipped: true; reason: string; inbound50: number; inbound99: number }
  | { skipped: false; p50: number; p99: number; lost: number; inbound50: number; inbound99: number };

export async function runPresence(server?: Server): Promise<PresenceResult> {
  const own = server ?? (await startServer());
  const carrier = startFakeCarrier();
  const http = client(own.base, 2);
  const sockets: WebSocket[] = [];
  try {
    console.log(
      `\n## Presence (a typing frame from one screen to ${RECEIVERS} others; ${SAMPLES} frames, ${INBOUND} texts for the baseline)`,
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

    // Per receiver: what the current sample waits for, and when each receiver saw it.
    let wanted: { conversationId: number; typing: boolean; sent: number } | null = null;
    let receipts = new Map<number, number>();
    let anyPresence = false;
    let inboundBody: string | null = null;
    let inboundSent = 0;
    let inboundReceipts = new Map<number, number>();
    for (let r = 0; r < RECEIVERS; r++) {
      const { ws } = await openSocket(own.base, numberId, admin.cookie, (frame) => {
        const at = performance.now();
        if (frame.type === "presence" && frame.viewers) {
          anyPresence = true;
          const w = wanted;
          if (!w || receipts.has(r)) return;
          const hit = frame.viewers.some(
            (v) => v.userId === staffId && v.conversationId === w.conversationId && (!w.typing || v.typing),
          );
          if (hit) receipts.set(r, at - w.sent);
        } else if (frame.type === "event" && frame.event?.message?.body === inboundBody) {
          if (!inboundReceipts.has(r)) inboundReceipts.set(r, at - inboundSent);
        }
      });
      sockets.push(ws);
    }
    const sender = await openSocket(own.base, numberId, staff.cookie, () => undefined);
    sockets.push(sender.ws);

    // Baseline: inbound to screen on the same 100 sockets, one text in flight (like bench/live.ts).
    const inboundMs: number[] = [];
    for (let i = -3; i < INBOUND; i++) {
      inboundBody = `bench presence inbound ${i}`;
      inboundReceipts = new Map();
      inboundSent = performance.now();
      await http.send(
        signedPost(
          "/webhooks/twilio/messages",
          inboundParams(`+1555720${String(1000 + i + 3).padStart(4, "0")}`, inboundBody),
        ),
      );
      const deadline = performance.now() + 5_000;
      while (inboundReceipts.size < RECEIVERS && performance.now() < deadline) await sleep(2);
      if (i >= 0) inboundMs.push(...inboundReceipts.values());
    }
    const inbound50 = percentile(inboundMs, 50);
    const inbound99 = percentile(inboundMs, 99);
    line(
      `presence baseline: inbound to screen, ${RECEIVERS} sockets`,
      `p50 ${fmt(inbound50)} ms, p99 ${fmt(inbound99)} ms`,
    );

    const waitFor = async (ms: number) => {
      const deadline = performance.now() + ms;
      while (receipts.size < RECEIVERS && performance.now() < deadline) await sleep(1);
    };
    const typingMs: number[] = [];
    let lost = 0;
    let lastTyping = -Infinity;
    for (let k = -2; k < SAMPLES; k++) {
      const conversationId = k % 2 === 0 ? convA : convB;
      // Move to the conversation first (not measured), so the typing frame changes what presence shows.
      receipts = new Map();
      wanted = { conversationId, typing: false, sent: performance.now() };
      send(sender.ws, { v: 1, type: "viewing", conversationId });
      await waitFor(TIMEOUT_MS / 2);
      const pause = lastTyping + TYPING_THROTTLE_MS + 50 - performance.now();
      if (pause > 0) await sleep(pause);
      receipts = new Map();
      wanted = { conversationId, typing: true, sent: performance.now() };
      lastTyping = wanted.sent;
      send(sender.ws, { v: 1, type: "typing", conversationId });
      await waitFor(TIMEOUT_MS);
      wanted = null;
      const closed = sender.closed();
      if (closed !== null || (!anyPresence && k === -2)) {
        const reason =
          closed !== null
            ? `the sender's socket was closed (${closed})`
            : `no presence frame within ${TIMEOUT_MS} ms`;
        console.log(`presence: server does not answer typing frames yet — SKIP (${reason})`);
        return { skipped: true, reason, inbound50, inbound99 };
      }
      if (k < 0) continue; // Warm-up.
      typingMs.push(...receipts.values());
      lost += RECEIVERS - receipts.size;
    }
    const p50 = percentile(typingMs, 50);
    const p99 = percentile(typingMs, 99);
    line(
      `presence ${RECEIVERS} sockets: typing frame → presence frame`,
      `p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms; not seen ${lost} of ${SAMPLES * RECEIVERS}`,
      { to: "inbound-to-screen p50", value: p50 / inbound50 },
    );
    return { skipped: false, p50, p99, lost, inbound50, inbound99 };
  } finally {
    for (const ws of sockets) ws.close(1000, "bench done");
    http.close();
    await carrier.stop();
    if (!server) own.stop();
  }
}

if (isMain(import.meta.url)) await runPresence();
