import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, it } from "vitest";
import worker from "../index";
import { seed, signInStaff } from "../test/helpers";
import { archivedRows } from "../test/archive-reader";
import { download, parseCsv, requestExport, waitForExport } from "../test/export-helpers";
import { jpeg, png } from "../test/media-fakes";
import { demoIds, messageIds, seedHistory, testDb } from "../test/messages-fixture";
import { mediaKey } from "../messaging/media";

const bytesToBase64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));

const db = testDb();
const now = Date.now();
const PHONE = "+15550141401";
const oldPhoto = png(3000);
const recentPhoto = jpeg(2000);
let history: Awaited<ReturnType<typeof seedHistory>>;
let numberId = 0;
let oldKey = "";

async function addMedia(
  at: { orgId: number; conversationId: number; messageId: number; n: number },
  file: { contentType: string; bytes: Uint8Array<ArrayBuffer> | null; note?: string },
) {
  const key = file.bytes ? mediaKey(at.orgId, at.messageId, at.n) : null;
  if (key && file.bytes) await env.HISTORY.put(key, file.bytes);
  await db.run(sql`insert into message_media (org_id, conversation_id, message_id, n, content_type, size,
    state, r2_key, note, created_at) values (${at.orgId}, ${at.conversationId}, ${at.messageId}, ${at.n},
    ${file.contentType}, ${file.bytes?.byteLength ?? null}, ${file.bytes ? "stored" : "failed"}, ${key},
    ${file.note ?? null}, ${now})`);
  return key;
}

beforeAll(async () => {
  await seed();
  const ids = await demoIds(db);
  numberId = ids.mainNumberId;
  history = await seedHistory(db, { orgId: ids.orgId, numberId }, PHONE, { old: 6, recent: 3, now });
  const conv = { orgId: ids.orgId, conversationId: history.conversationId };
  const oldId = history.oldIds[2] ?? 0;
  oldKey =
    (await addMedia({ ...conv, messageId: oldId, n: 0 }, { contentType: "image/png", bytes: oldPhoto })) ??
    "";
  await addMedia(
    { ...conv, messageId: oldId, n: 1 },
    { contentType: "text/vcard", bytes: null, note: "Photo could not be retrieved" },
  );
  await addMedia(
    { ...conv, messageId: history.recentIds[1] ?? 0, n: 0 },
    { contentType: "image/jpeg", bytes: recentPhoto },
  );
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
});

it("the archive keeps a pruned message's media descriptors and never deletes its R2 object", async ({
  expect,
}) => {
  expect(await messageIds(db, history.conversationId)).toEqual(history.recentIds);
  const archived = (await archivedRows()).filter((r) => r.conversationId === history.conversationId);
  const withMedia = archived.filter((r) => r.media !== undefined);
  expect(withMedia.map((r) => r.id)).toEqual([history.oldIds[2]]);
  expect(withMedia[0]?.media).toEqual([
    {
      n: 0,
      contentType: "image/png",
      size: 3000,
      fileName: "photo-1.png",
      state: "stored",
      r2Key: oldKey,
    },
    { n: 1, contentType: "text/vcard", size: null, fileName: "file-2.vcf", state: "failed", r2Key: null },
  ]);
  const left = await db.run(
    sql`select count(*) as n from message_media where message_id = ${history.oldIds[2] ?? 0}`,
  );
  expect(left.results[0]).toEqual({ n: 0 });
  const object = await env.HISTORY.get(oldKey);
  expect(object && new Uint8Array(await object.arrayBuffer())).toEqual(oldPhoto);
});

it("CSV lists every file of the conversation, archived or live, with type, size and where it is", async ({
  expect,
}) => {
  const staff = await signInStaff();
  const done = await waitForExport(staff, (await requestExport(staff, { numberId, phone: PHONE })).id);
  expect(done.status).toBe("done");
  const records = parseCsv(await (await download(staff, done)).arrayBuffer());
  expect(records.map((r) => r.Attachments)).toEqual([
    "",
    "",
    "photo-1.png (image/png, 3 KB) — file kept in the Textdesk archive; " +
      "file-2.vcf (text/vcard, size unknown) — file could not be retrieved from the carrier",
    "",
    "",
    "",
    "",
    "photo-1.jpg (image/jpeg, 2 KB) — file kept in the Textdesk archive",
    "",
  ]);
});

it("HTML embeds the archived and the live images as data URIs read from R2", async ({ expect }) => {
  const staff = await signInStaff();
  const requested = await requestExport(staff, { numberId, phone: PHONE, format: "html" });
  const done = await waitForExport(staff, requested.id);
  expect(done.status).toBe("done");
  const html = await (await download(staff, done)).text();
  expect(html).toContain(`<img src="data:image/png;base64,${bytesToBase64(oldPhoto)}" alt="photo-1.png">`);
  expect(html).toContain(
    `<img src="data:image/jpeg;base64,${bytesToBase64(recentPhoto)}" alt="photo-1.jpg">`,
  );
  expect(html).toContain("file-2.vcf (text/vcard, size unknown) — file could not be retrieved");
  expect(html).not.toContain("media/");
});
