import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, errorOf, seed, signInAdmin } from "../test/helpers";
import { count, simulate } from "../test/carriers";
import { demoNumbers } from "../test/messages-fixture";
import { wallClock } from "../domain/zoned-time";
import { closedPeriodStart } from "../domain/away-reply";
import type { OfficeHours } from "../db/schema";

/**
 * The away reply on the simulator number, end to end through the inbound pipeline (each text settled, so
 * "no reply" is a real check). Office hours are picked around the wall clock of the run: open for an hour
 * well before now, so the number is closed now and its closed period began at a known time.
 */
const AWAY = "Thanks for your text. The office is closed; we will answer when we open at {opensAt}.";
const SENT =
  /^Thanks for your text\. The office is closed; we will answer when we open at (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2}:\d{2} (AM|PM)\.$/;

let admin: string;
let main: number;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  ({ main } = await demoNumbers());
});

const everyDay = (open: string, close: string): OfficeHours =>
  Object.fromEntries(["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map((d) => [d, { open, close }]));

/** Hours that are closed right now (an hour's opening long enough ago), whatever time the test runs. */
function closedNow(): OfficeHours {
  const minute = wallClock(Date.now(), DEMO.timezone).minute;
  return minute >= 180 ? everyDay("00:00", "01:00") : everyDay("12:00", "13:00");
}

function setHours(json: Record<string, unknown>) {
  return call(`/api/admin/numbers/${main}/after-hours`, {
    method: "PUT",
    cookie: admin,
    json: { alertPhones: [], quietMinutes: 15, ...json },
  });
}

async function awayTexts(phone: string) {
  const { results } = await env.DB.prepare(
    `select m.body from messages m join conversations c on c.id = m.conversation_id
     where c.number_id = ? and c.phone = ? and m.kind = 'auto_reply' and m.body like 'Thanks for your text.%'`,
  )
    .bind(main, phone)
    .all<{ body: string }>();
  return results.map((r) => r.body);
}

const text = (phone: string, body: string) => simulate(phone, body, DEMO.mainNumber, { settle: true });

describe("away replies", () => {
  it("go once per conversation per closed period, with {opensAt} filled, marked auto_reply", async ({
    expect,
  }) => {
    const hours = closedNow();
    expect((await setHours({ officeHours: hours, awayMessage: AWAY })).status).toBe(200);
    const phone = "+15550180001";
    await text(phone, "Can I move my appointment?");
    expect(await awayTexts(phone)).toEqual([expect.stringMatching(SENT)]);
    await text(phone, "Also, is parking free?");
    expect(await awayTexts(phone)).toHaveLength(1);

    // The last away reply was before this closed period began (the previous night): one more.
    const start = closedPeriodStart(hours, DEMO.timezone, Date.now()) ?? 0;
    await env.DB.prepare("update conversations set away_replied_at = ? where number_id = ? and phone = ?")
      .bind(start - 60_000, main, phone)
      .run();
    await text(phone, "Hello again");
    expect(await awayTexts(phone)).toHaveLength(2);
    // Each conversation has its own.
    await text("+15550180002", "Hi");
    expect(await awayTexts("+15550180002")).toHaveLength(1);
  });

  it("never to an opted-out phone, never in answer to STOP, START or HELP", async ({ expect }) => {
    expect((await setHours({ officeHours: closedNow(), awayMessage: AWAY })).status).toBe(200);
    for (const [phone, keyword] of [
      ["+15550180011", "STOP"],
      ["+15550180012", "HELP"],
      ["+15550180013", "START"],
    ] as const) {
      await text(phone, keyword);
      expect(await awayTexts(phone)).toEqual([]);
    }
    // Opted out, then a plain text: still nothing (a text to the clinic is no START).
    await text("+15550180011", "Why did you text me?");
    expect(await awayTexts("+15550180011")).toEqual([]);
  });

  it("not during open hours, not when off, and independent of the doctor's alert", async ({ expect }) => {
    expect((await setHours({ officeHours: everyDay("00:00", "24:00"), awayMessage: AWAY })).status).toBe(200);
    await text("+15550180021", "Are you open?");
    expect(await awayTexts("+15550180021")).toEqual([]);

    expect(
      (await setHours({ officeHours: closedNow(), alertPhones: ["+15550189999"], awayMessage: null })).status,
    ).toBe(200);
    await text("+15550180022", "Anyone there?");
    expect(await awayTexts("+15550180022")).toEqual([]);

    // Both on: the doctor gets the alert and the patient the away text (the alert's quiet period reset).
    await env.DB.prepare("update clinic_numbers set last_after_hours_alert_at = null where id = ?")
      .bind(main)
      .run();
    expect(
      (await setHours({ officeHours: closedNow(), alertPhones: ["+15550189998"], awayMessage: AWAY })).status,
    ).toBe(200);
    await text("+15550180023", "Urgent question");
    expect(await awayTexts("+15550180023")).toHaveLength(1);
    expect(
      await count(
        "messages",
        "kind = 'alert' and conversation_id in (select id from conversations where phone = '+15550189998')",
      ),
    ).toBe(1);
  });

  it("refuses an unknown placeholder or a text too long once filled (400), and keeps it when left out", async ({
    expect,
  }) => {
    const unknown = await setHours({ officeHours: closedNow(), awayMessage: "Hi {patient.firstName}" });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown))?.message).toMatch(/unknown placeholder \{patient\.firstName\}/);
    const long = await setHours({ officeHours: closedNow(), awayMessage: "x".repeat(1595) + "{opensAt}" });
    expect(long.status).toBe(400);
    expect((await errorOf(long))?.message).toMatch(/too long/);

    expect((await setHours({ officeHours: closedNow(), awayMessage: AWAY })).status).toBe(200);
    // Left out of the body: kept (clients that do not know the field change nothing).
    const kept = await setHours({ officeHours: closedNow(), alertPhones: ["+15550189997"] });
    expect((await kept.json<{ number: { awayMessage: string | null } }>()).number.awayMessage).toBe(AWAY);
    // Neither alert phones nor an away text: office hours would do nothing.
    const idle = await setHours({ officeHours: closedNow(), awayMessage: null });
    expect(idle.status).toBe(400);
  });
});
