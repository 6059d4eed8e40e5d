import { beforeAll, it } from "vitest";
import { call, DEMO, seed, signInAdmin } from "../test/helpers";
import { download, parseCsv, requestExport, waitForExport } from "../test/export-helpers";
import { addConversation, demoIds } from "../test/messages-fixture";

const PHONE = "+15550317001";
let admin: string;
let numberId = 0;

beforeAll(async () => {
  await seed();
  const ids = await demoIds();
  numberId = ids.mainNumberId;
  admin = await signInAdmin();
  const { id } = await addConversation({
    orgId: ids.orgId,
    numberId,
    phone: PHONE,
    at: Date.now() - 60_000,
    body: "Is my prescription ready?",
  });
  const res = await call(`/api/conversations/${id}/notes`, {
    cookie: admin,
    json: { body: "Checked with the pharmacy: tomorrow.", idempotencyKey: crypto.randomUUID() },
  });
  if (res.status !== 201) throw new Error(`note: ${res.status}`);
});

it("an export marks a note as an internal note, with its author, never as a sent text", async ({
  expect,
}) => {
  const done = await waitForExport(admin, (await requestExport(admin, { numberId, phone: PHONE })).id);
  const records = parseCsv(await (await download(admin, done)).arrayBuffer());
  expect(records.map((r) => [r.Direction, r.Kind, r.Staff, r.Message])).toEqual([
    ["inbound", "reply", "", "Is my prescription ready?"],
    ["internal", "internal note", DEMO.admin.name, "Checked with the pharmacy: tomorrow."],
  ]);
});
