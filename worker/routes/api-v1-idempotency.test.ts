import { beforeAll, describe, it } from "vitest";
import { DEMO, seed } from "../test/helpers";
import { count } from "../test/carriers";
import { createApiKey, sendApi } from "../test/practice-api";

let secret: string;

beforeAll(async () => {
  await seed();
  ({ secret } = await createApiKey());
});

describe("idempotent batches", () => {
  it("stores nothing new when the same request comes again, and answers with the same message ids", async ({
    expect,
  }) => {
    const request = {
      from: DEMO.mainNumber,
      kind: "reminder",
      body: "See you Tuesday.",
      idempotencyKey: "pms-batch-0001",
      recipients: [{ phone: "+15550110001" }, { phone: "+15550110002" }, { phone: "+1 555 011 0001" }],
    };
    const first = await sendApi(secret, request);
    expect(first.summary).toEqual({ queued: 3, held: 0, refused: 0 });
    // The same phone twice in one request is one text.
    expect(first.results[2]?.messageId).toBe(first.results[0]?.messageId);
    const [again, concurrent] = await Promise.all([sendApi(secret, request), sendApi(secret, request)]);
    for (const retry of [again, concurrent]) {
      expect(retry.status).toBe(202);
      expect(retry.results.map((r) => r.messageId)).toEqual(first.results.map((r) => r.messageId));
    }
    expect(await count("messages", "body = 'See you Tuesday.'")).toBe(2);
    expect(await count("conversations", "phone in ('+15550110001', '+15550110002')")).toBe(2);

    const differentKey = await sendApi(secret, { ...request, idempotencyKey: "pms-batch-0002" });
    expect(differentKey.results[0]?.messageId).not.toBe(first.results[0]?.messageId);
    expect(await count("messages", "body = 'See you Tuesday.'")).toBe(4);
  });
});
