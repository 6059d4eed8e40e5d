import { describe, it } from "vitest";
import { call, signIn } from "../test/helpers";

const body = {
  practiceName: "Lakeside Pediatrics",
  timezone: "America/Denver",
  adminName: "Dr. Lake",
  adminEmail: "lake@example.com",
  adminPassword: "a-long-first-password",
};

describe("first-run setup", () => {
  it("needs the setup token, creates the practice and admin once, then refuses", async ({ expect }) => {
    const noToken = await call("/api/setup", { json: body });
    expect(noToken.status).toBe(403);
    const wrong = await call("/api/setup", { json: body, headers: { authorization: "Bearer guess" } });
    expect(wrong.status).toBe(403);
    const ok = await call("/api/setup", {
      json: body,
      headers: { authorization: "Bearer test-setup-token" },
    });
    expect(ok.status).toBe(201);
    const cookie = await signIn(body.adminEmail, body.adminPassword);
    const me = await (
      await call("/api/auth/me", { cookie })
    ).json<{ org: { name: string }; user: { role: string } }>();
    expect(me.org.name).toBe("Lakeside Pediatrics");
    expect(me.user.role).toBe("admin");
    const again = await call("/api/setup", {
      json: body,
      headers: { authorization: "Bearer test-setup-token" },
    });
    expect(again.status).toBe(409);
  });
});
