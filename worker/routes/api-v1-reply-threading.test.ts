import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { DEMO, seed } from "../test/helpers";
import { simulate } from "../test/carriers";
import { api, createApiKey, sendApi } from "../test/practice-api";

let secret: string;

beforeAll(async () => {
  await seed();
  ({ secret } = await createApiKey());
});

describe("replies to API texts", () => {
  it("thread into the same conversation as the reminder they answer", async ({ expect }) => {
    await api(secret, "/patients", {
      patients: [{ externalId: "T-1", firstName: "Tess", lastName: "Reply", phone: "+15550113001" }],
    });
    const sent = await sendApi(secret, {
      from: DEMO.mainNumber,
      kind: "reminder",
      body: "Your cleaning is Friday at 2. Reply C to confirm.",
      recipients: [{ externalId: "T-1" }],
    });
    const reminderId = sent.results[0]?.messageId ?? 0;
    expect((await simulate("+15550113001", "C", DEMO.mainNumber)).status).toBeLessThan(300);

    const rows = await env.DB.prepare(
      "select m.id, m.direction, m.kind, m.conversation_id as conversationId from messages m " +
        "join conversations c on c.id = m.conversation_id where c.phone = ? order by m.id",
    )
      .bind("+15550113001")
      .all<{ id: number; direction: string; kind: string; conversationId: number }>();
    expect(rows.results.map((r) => [r.id === reminderId, r.direction, r.kind])).toEqual([
      [true, "out", "reminder"],
      [false, "in", "reply"],
    ]);
    expect(new Set(rows.results.map((r) => r.conversationId)).size).toBe(1);
    // The practice system can read the reply by id too.
    const reply = rows.results[1]?.id ?? 0;
    const { message } = await (
      await api(secret, `/messages/${reply}`)
    ).json<{ message: Record<string, unknown> }>();
    expect(message).toMatchObject({ direction: "in", from: "+15550113001", to: DEMO.mainNumber, body: "C" });
  });
});
