import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, errorOf, seed, signIn, signInAdmin, signInStaff } from "../test/helpers";
import { count } from "../test/carriers";
import { seedOtherPractice } from "../test/other-practice";

type QuickReply = { id: number; name: string; body: string; createdAt: number; updatedAt: number };

let admin: string;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
});

const create = (cookie: string, json: unknown) => call("/api/admin/quick-replies", { cookie, json });
const patch = (cookie: string, id: number, json: unknown) =>
  call(`/api/admin/quick-replies/${id}`, { method: "PATCH", cookie, json });
const remove = (cookie: string, id: number) =>
  call(`/api/admin/quick-replies/${id}`, { method: "DELETE", cookie });

describe("quick replies", () => {
  it("are created, listed for staff, edited and deleted by admins, each change audited", async ({
    expect,
  }) => {
    const res = await create(admin, {
      name: "Refill ready",
      body: "Hi {patient.firstName}, your refill is ready at {practice.name}.",
    });
    expect(res.status).toBe(201);
    const { quickReply } = await res.json<{ quickReply: QuickReply }>();
    expect(quickReply).toMatchObject({ name: "Refill ready" });

    const staff = await signInStaff();
    const listed = await (
      await call("/api/quick-replies", { cookie: staff })
    ).json<{
      quickReplies: QuickReply[];
    }>();
    expect(listed.quickReplies.map((q) => q.name)).toContain("Refill ready");
    // Staff read them; only admins change them.
    expect((await create(staff, { name: "Mine", body: "x" })).status).toBe(403);

    const edited = await patch(admin, quickReply.id, {
      body: "Ready, {patient.firstName}. {staff.firstName}",
    });
    expect(edited.status).toBe(200);
    expect((await edited.json<{ quickReply: QuickReply }>()).quickReply.body).toBe(
      "Ready, {patient.firstName}. {staff.firstName}",
    );
    expect((await remove(admin, quickReply.id)).status).toBe(200);
    expect((await remove(admin, quickReply.id)).status).toBe(404);

    const audit = await env.DB.prepare(
      "select action, detail from audit_log where target_type = 'quick_reply' and target_id = ? order by id",
    )
      .bind(String(quickReply.id))
      .all<{ action: string; detail: string }>();
    expect(audit.results.map((a) => a.action)).toEqual([
      "quick_reply.create",
      "quick_reply.update",
      "quick_reply.delete",
    ]);
    expect(audit.results.map((a) => JSON.parse(a.detail) as unknown)).toEqual([
      { name: "Refill ready" },
      { fields: ["body"], name: "Refill ready" },
      { name: "Refill ready" },
    ]);
    // Never the body.
    expect(audit.results.some((a) => a.detail.includes("Ready,"))).toBe(false);
  });

  it("refuse an unknown placeholder on save, naming it", async ({ expect }) => {
    const res = await create(admin, { name: "Typo", body: "Hi {patient.firstname} from {clinic}" });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error?.code).toBe("unknown_placeholder");
    expect(error?.message).toMatch(/^body: \{patient\.firstname\}, \{clinic\} are not placeholders\. Use /);
    expect(await count("quick_replies", "name = 'Typo'")).toBe(0);

    const ok = await (
      await create(admin, { name: "Fine", body: "Hi {patient.firstName}" })
    ).json<{
      quickReply: QuickReply;
    }>();
    const bad = await patch(admin, ok.quickReply.id, { body: "{staff.lastName}" });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad))?.message).toMatch(/^body: \{staff\.lastName\} is not a placeholder\./);
  });

  it("refuse a body over 1,600 characters, an empty one and a name in use", async ({ expect }) => {
    const long = await create(admin, { name: "Long", body: "x".repeat(1601) });
    expect(long.status).toBe(400);
    expect((await errorOf(long))?.message).toBe("body: is longer than 1,600 characters");
    expect((await create(admin, { name: "Empty", body: "  " })).status).toBe(400);
    expect((await create(admin, { name: "Same name", body: "one" })).status).toBe(201);
    const taken = await create(admin, { name: "same NAME", body: "two" });
    expect(taken.status).toBe(409);
    expect((await errorOf(taken))?.code).toBe("name_taken");
  });

  it("belong to their practice: another practice's admin gets 404 and never sees them", async ({
    expect,
  }) => {
    const { quickReply } = await (
      await create(admin, { name: "Ours", body: "Hello from {practice.name}" })
    ).json<{ quickReply: QuickReply }>();
    const other = await seedOtherPractice();
    const outsider = await signIn(other.credentials.email, other.credentials.password);
    expect((await patch(outsider, quickReply.id, { name: "Theirs" })).status).toBe(404);
    expect((await remove(outsider, quickReply.id)).status).toBe(404);
    const theirs = await (
      await call("/api/quick-replies", { cookie: outsider })
    ).json<{
      quickReplies: QuickReply[];
    }>();
    expect(theirs.quickReplies).toEqual([]);
    // The same name is free in another practice.
    expect((await create(outsider, { name: "Ours", body: "Hi" })).status).toBe(201);
  });
});
