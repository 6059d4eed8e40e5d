import { beforeAll, it } from "vitest";
import { seed } from "../test/helpers";
import { demoIds, seedConversation, seedMessages, series, testDb } from "../test/messages-fixture";
import { decodeRows, encodeChunk } from "./archive-format";

const db = testDb();
beforeAll(async () => {
  await seed();
  const ids = await demoIds(db);
  for (const phone of ["+15550004001", "+15550004002"]) {
    const at = Date.now() - 3_600_000;
    const conversationId = await seedConversation(db, ids.orgId, ids.mainNumberId, phone, at);
    await seedMessages(
      db,
      { orgId: ids.orgId, numberId: ids.mainNumberId, conversationId },
      series(4, at, 60_000),
    );
  }
});

it("an archive line leaves out null fields and reads back as the whole row, nulls included", async ({
  expect,
}) => {
  const rows = await db.query.messages.findMany({ limit: 20 });
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.some((r) => Object.values(r).includes(null))).toBe(true);

  const encoded = await encodeChunk(rows);
  const text = new TextDecoder().decode(encoded.bytes);
  expect(text).not.toMatch(/:null[,}]/);
  const decoded = decodeRows(encoded.bytes);
  const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
  expect(decoded.sort(byId)).toEqual([...rows].sort(byId));
  // The segment index still points at each conversation's own bytes.
  for (const segment of encoded.segments) {
    const slice = encoded.bytes.subarray(segment.offset, segment.offset + segment.length);
    const inSlice = decodeRows(slice);
    expect(inSlice).toHaveLength(segment.rows);
    expect(inSlice.every((r) => r.conversationId === segment.conversationId)).toBe(true);
  }
});
