import { beforeAll, it } from "vitest";
import { DEMO, seed, signInAdmin } from "../test/helpers";
import { download, parseCsv, requestExport, waitForExport } from "../test/export-helpers";
import { demoIds, seedConversation, seedMessages, testDb } from "../test/messages-fixture";

const db = testDb();
const NASTY = [
  "Running late, sorry, 10 min",
  'She said "see you at 3"',
  "Line one\nLine two\r\nLine three",
  "Thanks! 😊👍🏽 ñandú café",
  '=HYPERLINK("http://evil.example","click")',
  "+1 is my answer",
  "-2 pills a day",
  "@everyone",
  "\tindented",
  "plain",
];
let numberId = 0;

beforeAll(async () => {
  await seed();
  const ids = await demoIds(db);
  numberId = ids.westsideNumberId;
  const now = Date.now();
  const conversationId = await seedConversation(db, ids.orgId, numberId, DEMO.familyPhone, now);
  await seedMessages(
    db,
    { orgId: ids.orgId, numberId, conversationId },
    NASTY.map((body, i) => ({
      body,
      createdAt: now - 60_000 * (NASTY.length - i),
      direction: i % 2 === 0 ? "in" : "out",
      kind: i % 2 === 0 ? "reply" : "auto_reply",
      authorUserId: i % 2 === 0 ? null : ids.adminId,
    })),
  );
});

it("CSV bodies survive commas, quotes, newlines and emoji, and formula-like cells are neutralised", async ({
  expect,
}) => {
  const admin = await signInAdmin();
  const done = await waitForExport(
    admin,
    (await requestExport(admin, { numberId, phone: DEMO.familyPhone })).id,
  );
  const records = parseCsv(await (await download(admin, done)).arrayBuffer());
  expect(records.map((r) => r.Message)).toEqual(
    NASTY.map((body) => (/^[=+\-@\t\r]/.test(body) ? `'${body}` : body)),
  );
  expect(records[1]).toMatchObject({ Direction: "outbound", Kind: "auto-reply", Staff: DEMO.admin.name });
  expect(records[0]).toMatchObject({ Direction: "inbound", Kind: "reply", Staff: "" });
});

it("the printable HTML export escapes every body", async ({ expect }) => {
  const admin = await signInAdmin();
  const requested = await requestExport(admin, { numberId, phone: DEMO.familyPhone, format: "html" });
  const res = await download(admin, await waitForExport(admin, requested.id));
  expect(res.headers.get("content-type")).toContain("text/html");
  const html = await res.text();
  expect(html).toContain("She said &quot;see you at 3&quot;");
  expect(html).toContain("😊👍🏽");
  expect(html).not.toContain('<a href="http://evil');
  expect(html.match(/<tr class="(in|out)">/g)).toHaveLength(NASTY.length);
});
