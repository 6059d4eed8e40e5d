import { beforeAll, describe, it } from "vitest";
import { demoNumbers } from "../test/messages-fixture";
import { call, grantStaff, seed, signIn, signInAdmin, signInStaff } from "../test/helpers";
import { seedOtherPractice } from "../test/other-practice";

let other: Awaited<ReturnType<typeof seedOtherPractice>>;
let admin: string;

beforeAll(async () => {
  await seed();
  other = await seedOtherPractice();
  admin = await signInAdmin();
});

describe("another practice's records are invisible (404, never 403, so ids do not leak)", () => {
  it("patients: read and edit", async ({ expect }) => {
    expect((await call(`/api/patients/${other.patient.id}`, { cookie: admin })).status).toBe(404);
    const edit = await call(`/api/patients/${other.patient.id}`, {
      method: "PATCH",
      cookie: admin,
      json: { notes: "mine now" },
    });
    expect(edit.status).toBe(404);
  });

  it("patients: search never returns them", async ({ expect }) => {
    const res = await call("/api/patients/search", { cookie: admin, json: { q: "Private" } });
    const body = await res.json<{ patients: unknown[] }>();
    expect(body.patients).toEqual([]);
  });

  it("clinic numbers: list and edit", async ({ expect }) => {
    const list = await call("/api/numbers", { cookie: admin });
    const { numbers } = await list.json<{ numbers: { id: number }[] }>();
    expect(numbers.map((n) => n.id)).not.toContain(other.number.id);
    const edit = await call(`/api/admin/numbers/${other.number.id}`, {
      method: "PATCH",
      cookie: admin,
      json: { label: "Hijacked" },
    });
    expect(edit.status).toBe(404);
  });

  it("users: edit, and granting another practice's number", async ({ expect }) => {
    const edit = await call(`/api/admin/users/${other.admin.id}`, {
      method: "PATCH",
      cookie: admin,
      json: { active: false },
    });
    expect(edit.status).toBe(404);
    const grant = await call("/api/admin/users", {
      cookie: admin,
      json: {
        email: "sneaky@example.com",
        name: "Sneaky",
        role: "staff",
        password: "sneaky-password",
        numberIds: [other.number.id],
      },
    });
    expect(grant.status).toBe(400);
    expect(await grant.text()).toMatch(/numberIds/);
  });

  it("users and audit lists show only the caller's practice", async ({ expect }) => {
    const users = await (
      await call("/api/admin/users", { cookie: admin })
    ).json<{ users: { email: string }[] }>();
    expect(users.users.map((u) => u.email)).not.toContain(other.admin.email);
    const otherAdmin = await signIn(other.credentials.email, other.credentials.password);
    const audit = await (
      await call("/api/admin/audit", { cookie: otherAdmin })
    ).json<{ entries: { action: string; userId: number | null }[] }>();
    expect(audit.entries.every((e) => e.userId === other.admin.id)).toBe(true);
  });
});

describe("roles", () => {
  it("a staff user gets 403 on every admin route", async ({ expect }) => {
    const staff = await signInStaff();
    const attempts = [
      call("/api/admin/users", { cookie: staff }),
      call("/api/admin/users", {
        cookie: staff,
        json: { email: "x@example.com", name: "X", role: "admin", password: "long-enough-pass" },
      }),
      call("/api/admin/numbers", {
        cookie: staff,
        json: { e164: "+15551239999", label: "X", carrier: "simulator" },
      }),
      call("/api/admin/settings", { cookie: staff }),
      call("/api/admin/settings", { method: "PATCH", cookie: staff, json: { queueWindowDays: 90 } }),
      call("/api/admin/audit", { cookie: staff }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(403);
  });

  it("a staff user sees only the clinic numbers granted to them", async ({ expect }) => {
    const { main } = await demoNumbers();
    await grantStaff(admin, [main]);
    const staff = await signInStaff();
    const seen = await (
      await call("/api/numbers", { cookie: staff })
    ).json<{ numbers: { label: string }[] }>();
    expect(seen.numbers.map((n) => n.label)).toEqual(["Main office"]);
  });
});
