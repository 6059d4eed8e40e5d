import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, seed, signInAdmin } from "../test/helpers";
import { HTML, png, sha256 } from "../test/media-fakes";
import { bytesToBase64 } from "../lib/crypto";
import { mediaHeaders } from "../messaging/media";
import type { MessageMedia } from "../shared/media";

beforeAll(seed);

type PhoneRow = { id: number; body: string; media: MessageMedia[] };

describe("simulator photos", () => {
  it("a phone's photo lands in R2 and shows on the phone's screen, served without a session", async ({
    expect,
  }) => {
    const phone = "+15550034001";
    const file = png(5000);
    const res = await call("/api/simulator/messages", {
      json: {
        from: phone,
        to: DEMO.mainNumber,
        body: "",
        media: [{ contentType: "image/png", data: bytesToBase64(file) }],
      },
      settle: true,
    });
    expect(res.status).toBe(201);
    const thread = await call(
      `/api/simulator/phones/${encodeURIComponent(phone)}/messages?to=${encodeURIComponent(DEMO.mainNumber)}`,
    );
    const { messages } = await thread.json<{ messages: PhoneRow[] }>();
    const [row] = messages;
    expect(row?.media.map((m) => [m.state, m.contentType, m.size])).toEqual([["stored", "image/png", 5000]]);
    const served = await call(row?.media[0]?.url ?? "");
    expect(served.status).toBe(200);
    expect(await sha256(await served.arrayBuffer())).toBe(await sha256(file));
    // Another phone cannot read it.
    const other = (row?.media[0]?.url ?? "").replace(
      encodeURIComponent(phone),
      encodeURIComponent("+15550034999"),
    );
    expect((await call(other)).status).toBe(404);
  });

  it("an 'image' that is HTML is refused with a note; the text is kept", async ({ expect }) => {
    const phone = "+15550034002";
    await call("/api/simulator/messages", {
      json: {
        from: phone,
        to: DEMO.mainNumber,
        body: "look",
        media: [{ contentType: "image/png", data: bytesToBase64(HTML) }],
      },
      settle: true,
    });
    const thread = await call(
      `/api/simulator/phones/${encodeURIComponent(phone)}/messages?to=${encodeURIComponent(DEMO.mainNumber)}`,
    );
    const { messages } = await thread.json<{ messages: PhoneRow[] }>();
    expect(messages.map((m) => [m.body, m.media.map((f) => [f.state, f.note, f.url])])).toEqual([
      ["look", [["failed", "File refused: it is not the type it claims", null]]],
    ]);
  });

  it("more than 3 files or over 5 MB in all are refused", async ({ expect }) => {
    const file = { contentType: "image/png", data: bytesToBase64(png(10)) };
    const four = await call("/api/simulator/messages", {
      json: { from: "+15550034003", to: DEMO.mainNumber, body: "", media: [file, file, file, file] },
    });
    expect(four.status).toBe(400);
  });
});

describe("the number's photo setting", () => {
  it("deleteMediaAfterCopy is saved and shown", async ({ expect }) => {
    const admin = await signInAdmin();
    const id = (
      await env.DB.prepare("select id from clinic_numbers where e164 = ?")
        .bind(DEMO.westsideNumber)
        .first<{ id: number }>()
    )?.id;
    const res = await call(`/api/admin/numbers/${id}/media`, {
      method: "PUT",
      cookie: admin,
      json: { deleteMediaAfterCopy: true },
    });
    expect(res.status).toBe(200);
    expect(
      (await res.json<{ number: { deleteMediaAfterCopy: boolean } }>()).number.deleteMediaAfterCopy,
    ).toBe(true);
    const off = await call(`/api/admin/numbers/${id}/media`, {
      method: "PUT",
      cookie: admin,
      json: { deleteMediaAfterCopy: false },
    });
    expect(
      (await off.json<{ number: { deleteMediaAfterCopy: boolean } }>()).number.deleteMediaAfterCopy,
    ).toBe(false);
  });
});

describe("serving headers", () => {
  it("never serves SVG or HTML inline, nor as its own type", ({ expect }) => {
    for (const type of ["image/svg+xml", "text/html"]) {
      const h = mediaHeaders(type, "file-1.bin", false);
      expect(h.get("content-disposition")).toBe('attachment; filename="file-1.bin"');
      expect(h.get("content-type")).toBe("application/octet-stream");
    }
    expect(mediaHeaders("application/pdf", "file-1.pdf", false).get("content-disposition")).toBe(
      'attachment; filename="file-1.pdf"',
    );
    expect(mediaHeaders("image/webp", "photo-1.webp", false).get("content-disposition")).toBe(
      'inline; filename="photo-1.webp"',
    );
  });
});
