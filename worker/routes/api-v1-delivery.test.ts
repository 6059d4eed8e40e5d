import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, it } from "vitest";
import { DEMO, seed } from "../test/helpers";
import { count, eventually } from "../test/carriers";
import { api, createApiKey, sendApi } from "../test/practice-api";

let secret: string;

beforeAll(async () => {
  await seed();
  ({ secret } = await createApiKey());
});

type Status = {
  message: { status: string; kind: string; from: string; to: string; sendAfter: number | null };
};

describe("queued API texts", () => {
  it("are stored as queued at once and delivered by the clinic number's alarm, visible live and by id", async ({
    expect,
  }) => {
    const phones = ["+15550107001", "+15550107002", "+15550107003"];
    const sent = await sendApi(secret, {
      from: DEMO.mainNumber,
      kind: "reminder",
      body: "Your appointment is tomorrow at 9:30.",
      recipients: phones.map((phone) => ({ phone })),
    });
    expect(sent.status).toBe(202);
    expect(sent.summary).toEqual({ queued: 3, held: 0, refused: 0 });
    const ids = sent.results.map((r) => r.messageId ?? 0);

    const numberId = (
      await env.DB.prepare("select id from clinic_numbers where e164 = ?")
        .bind(DEMO.mainNumber)
        .first<{ id: number }>()
    )?.id;
    // The alarm may already have fired on its own; running it again is harmless.
    await runDurableObjectAlarm(env.CLINIC_NUMBER_HUB.getByName(String(numberId)));
    await eventually(async () => {
      for (const id of ids) {
        const res = await api(secret, `/messages/${id}`);
        const { message } = await res.json<Status>();
        expect(message).toMatchObject({
          status: "delivered",
          kind: "reminder",
          from: DEMO.mainNumber,
          sendAfter: null,
        });
      }
    });
    const events = await count(
      "live_events",
      `type = 'message' and json_extract(payload, '$.message.id') in (${ids.join(",")}) and json_extract(payload, '$.message.kind') = 'reminder'`,
    );
    expect(events).toBe(3);
    expect(await count("messages", "kind = 'reminder' and author_user_id is null")).toBe(3);
    expect(
      await count(
        "audit_log",
        `action = 'message.send' and target_id in (${ids.map((id) => `'${id}'`).join(",")})`,
      ),
    ).toBe(3);
  });
});
