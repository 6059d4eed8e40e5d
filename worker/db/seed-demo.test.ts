import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "./client";
import { findNumberByE164 } from "./queries/numbers";
import { findUserByEmail } from "./queries/users";
import { stateCounts } from "./queries/demo-seed";
import {
  conversations,
  mentions,
  messages,
  optOutEvents,
  optOuts,
  patients,
  quickReplies,
  type ClinicNumber,
} from "./schema";
import { DEMO, seedDemo } from "./seed-demo";
import { DEMO_QUICK_REPLIES, seedLivingDemo } from "./seed-living-demo";
import { wallClock } from "../domain/zoned-time";
import { call, signInAdmin } from "../test/helpers";

const db = createDb(env.DB);
/** The real clock: the queue API lists the last 10 days before it. */
const NOW = Date.now();
let main: ClinicNumber;
let westside: ClinicNumber;

beforeAll(async () => {
  expect(await seedDemo(db, env.CREDENTIALS_KEY, NOW, { living: true })).toBe(true);
  const [m, w] = await Promise.all([
    findNumberByE164(db, DEMO.mainNumber),
    findNumberByE164(db, DEMO.westsideNumber),
  ]);
  if (!m || !w) throw new Error("no demo numbers");
  main = m;
  westside = w;
});

const rowsOf = (numberId: number) =>
  db.select().from(conversations).where(eq(conversations.numberId, numberId));

describe("the living demo", () => {
  it("is seeded once: a second start (and a direct second call) adds nothing", async () => {
    const before = await db.select().from(messages);
    expect(await seedDemo(db, env.CREDENTIALS_KEY, NOW + 60_000, { living: true })).toBe(false);
    expect(await seedLivingDemo(db, NOW + 60_000)).toBe(false);
    expect(await db.select().from(messages)).toHaveLength(before.length);
    expect(await db.select().from(quickReplies)).toHaveLength(DEMO_QUICK_REPLIES.length);
  });

  it("fills both numbers: unread ones, open, done and snoozed, one assigned to each demo user", async () => {
    const [admin, staff] = await Promise.all([
      findUserByEmail(db, DEMO.admin.email),
      findUserByEmail(db, DEMO.staff.email),
    ]);
    const mainRows = await rowsOf(main.id);
    const westRows = await rowsOf(westside.id);
    expect(mainRows.filter((c) => c.unread).length).toBeGreaterThanOrEqual(3);
    expect(westRows.filter((c) => c.unread).length).toBeGreaterThanOrEqual(1);
    const states = Object.fromEntries((await stateCounts(db, main.id)).map((r) => [r.state, r.count]));
    expect(states).toMatchObject({ snoozed: 1 });
    expect(states.open).toBeGreaterThanOrEqual(5);
    expect(states.done).toBeGreaterThanOrEqual(1);
    const all = [...mainRows, ...westRows];
    expect(all.some((c) => c.assignedUserId === admin?.id && c.state === "open")).toBe(true);
    expect(all.some((c) => c.assignedUserId === staff?.id && c.state === "open")).toBe(true);
    // Spread over the 10-day queue window, every one inside it.
    const ages = all.map((c) => NOW - c.lastMessageAt);
    expect(Math.max(...ages)).toBeGreaterThan(6 * 86_400_000);
    expect(Math.max(...ages)).toBeLessThan(10 * 86_400_000);
  });

  it("snoozes one until tomorrow 08:00 practice time", async () => {
    const snoozed = (await rowsOf(main.id)).find((c) => c.state === "snoozed");
    expect(snoozed?.snoozedUntil).toBeGreaterThan(NOW);
    const until = snoozed?.snoozedUntil ?? 0;
    // 08:00 on the wall clock of a later day, at most 33 hours on (from just after midnight, clocks going back).
    expect(wallClock(until, DEMO.timezone).minute).toBe(8 * 60);
    expect(wallClock(until, DEMO.timezone).day).not.toBe(wallClock(NOW, DEMO.timezone).day);
    expect(until - NOW).toBeLessThanOrEqual(33 * 3_600_000);
  });

  it("has notes and event lines as internal, recorded rows that left the queue's order alone", async () => {
    const internal = await db.select().from(messages).where(eq(messages.direction, "internal"));
    expect(internal.some((m) => m.kind === "note")).toBe(true);
    expect(internal.some((m) => m.kind === "event")).toBe(true);
    for (const m of internal) {
      expect(m.status).toBe("recorded");
      expect(m.authorUserId).not.toBeNull();
      expect(m.carrierMessageId).toBeNull();
    }
    // A conversation's last activity is its last text, never a note or an event line after it.
    for (const c of [...(await rowsOf(main.id)), ...(await rowsOf(westside.id))]) {
      const texts = (await db.select().from(messages).where(eq(messages.conversationId, c.id))).filter(
        (m) => m.direction !== "internal",
      );
      expect(c.lastMessageAt).toBe(Math.max(...texts.map((m) => m.createdAt)));
    }
    const [mention] = await db.select().from(mentions);
    const note = internal.find((m) => m.id === mention?.messageId);
    expect(note?.kind).toBe("note");
    expect(note?.body).toContain(`@${DEMO.admin.name}`);
  });

  it("has a reminder with the patient's answer, a shared family phone and an opted-out phone", async () => {
    const reminder = await db.query.messages.findFirst({
      where: and(eq(messages.numberId, main.id), eq(messages.kind, "reminder")),
    });
    const answered = await db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, reminder?.conversationId ?? 0), eq(messages.direction, "in")));
    expect(answered.length).toBeGreaterThan(0);

    const family = await db.select().from(patients).where(eq(patients.phone, DEMO.livingFamilyPhone));
    expect(family.map((p) => p.firstName).sort()).toEqual(["Hannah", "Owen"]);
    expect((await rowsOf(main.id)).some((c) => c.phone === DEMO.livingFamilyPhone)).toBe(true);

    const [optOut] = await db.select().from(optOuts);
    expect(optOut).toMatchObject({ numberId: main.id, optedOut: true, keyword: "STOP" });
    const [event] = await db.select().from(optOutEvents);
    const stop = await db.query.messages.findFirst({ where: eq(messages.id, event?.messageId ?? 0) });
    expect(stop).toMatchObject({ direction: "in", body: "STOP" });
  });

  it("leaves the phones the e2e tests text without a conversation", async () => {
    const phones = (await rowsOf(main.id)).map((c) => c.phone);
    for (const phone of [DEMO.testPatientPhone, DEMO.familyPhone, "+15550104242", "+15550107002"]) {
      expect(phones).not.toContain(phone);
    }
  });

  it("shows in the queue a newcomer opens", async () => {
    const cookie = await signInAdmin();
    const res = await call(`/api/queue/numbers/${main.id}/conversations`, { cookie });
    expect(res.status).toBe(200);
    const body: { conversations: unknown[] } = await res.json();
    expect(body.conversations.length).toBeGreaterThanOrEqual(5);
  });
});
