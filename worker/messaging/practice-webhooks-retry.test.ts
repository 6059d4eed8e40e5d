import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { createDb } from "../db/client";
import { DEMO, seed } from "../test/helpers";
import { eventually, simulate } from "../test/carriers";
import { keyWithWebhook, pmsEndpoint } from "../test/pms-webhooks";
import { dispatchWebhooks } from "./practice-webhooks";

let keyId: number;

beforeAll(async () => {
  await seed();
  ({ id: keyId } = await keyWithWebhook());
});

type Cursor = { last_event_id: number; failures: number; retry_at: number | null; number_id: number };

describe("webhook retries", () => {
  it("keeps its place when the practice system fails, backs off, and resends the same event", async ({
    expect,
  }) => {
    let answer = 503;
    const received = pmsEndpoint(() => answer);
    await simulate("+15550116001", "Can I move my appointment?", DEMO.mainNumber);
    const failed = await eventually(async () => {
      const row = await env.DB.prepare("select * from webhook_cursors where key_id = ?")
        .bind(keyId)
        .first<Cursor>();
      expect(row?.failures).toBe(1);
      return row;
    });
    expect(received).toHaveLength(1);
    expect(failed?.retry_at).toBeGreaterThan(Date.now() + 20_000);
    const before = failed?.last_event_id;

    // Before the backoff ends nothing is sent; after it, the same event goes again and the cursor moves.
    const run = (now: number) =>
      dispatchWebhooks({ db: createDb(env.DB), env, numberId: failed?.number_id ?? 0 }, { now: () => now });
    expect((await run(Date.now())).delivered).toBe(0);
    expect(received).toHaveLength(1);
    answer = 200;
    expect((await run((failed?.retry_at ?? 0) + 1)).delivered).toBe(1);
    expect(received[1]?.hook.id).toBe(received[0]?.hook.id);
    const after = await env.DB.prepare("select * from webhook_cursors where key_id = ?")
      .bind(keyId)
      .first<Cursor>();
    expect(after).toMatchObject({ failures: 0, retry_at: null });
    expect(after?.last_event_id).toBeGreaterThan(before ?? 0);
  });
});
