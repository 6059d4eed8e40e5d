import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, seed, signInAdmin } from "../test/helpers";
import { count, simulate } from "../test/carriers";

beforeAll(seed);

const DOCTOR = "+15550008001";
const alerts = () => count("messages", "kind = 'alert'");
/** A text to the simulator number, returning once the alert it may set off (in waitUntil) is done. */
const text = (from: string, body: string) => simulate(from, body, DEMO.mainNumber, { settle: true });

describe("after-hours alert", () => {
  it("texts the alert phone once per quiet period, with no patient details, never to an opted-out phone", async ({
    expect,
  }) => {
    const admin = await signInAdmin();
    const main = await env.DB.prepare("select id from clinic_numbers where e164 = ?")
      .bind(DEMO.mainNumber)
      .first<{ id: number }>();
    // Closed every day: every text is after hours.
    const res = await call(`/api/admin/numbers/${main?.id}/after-hours`, {
      method: "PUT",
      cookie: admin,
      json: { officeHours: {}, alertPhones: [DOCTOR], quietMinutes: 15 },
    });
    expect(res.status).toBe(200);

    await text(DEMO.testPatientPhone, "My tooth hurts, are you open?");
    expect(await alerts()).toBe(1);
    const alert = await env.DB.prepare(
      "select m.body, c.phone from messages m join conversations c on c.id = m.conversation_id where m.kind = 'alert'",
    ).first();
    expect(alert).toEqual({ body: `New text for ${DEMO.practice}. Sign in to read it.`, phone: DOCTOR });

    // Inside the quiet period: the second text's background work has finished and sent nothing.
    expect((await text(DEMO.familyPhone, "Another question")).status).toBe(201);
    expect(await alerts()).toBe(1);

    // After the quiet period, but the doctor's phone opted out: no alert, and the skip is audited.
    await env.DB.prepare(
      "update clinic_numbers set last_after_hours_alert_at = last_after_hours_alert_at - 16 * 60000",
    ).run();
    await text(DOCTOR, "STOP");
    expect(await count("opt_outs", "phone = ? and opted_out = 1", DOCTOR)).toBe(1);
    await text(DEMO.familyPhone, "Hello again");
    expect(await count("audit_log", "action = 'alert.skipped_opted_out'")).toBe(1);
    expect(await alerts()).toBe(1);
  });
});
