import { fireEvent, render } from "@solidjs/testing-library";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { UPLOAD_MAX_BYTES, UPLOAD_MAX_FILES } from "../../worker/shared/media";
import { apiError, fakeApi, type Sent } from "../test/fake-api";
import { Composer } from "./composer";

type OnSend = (body: string, key: string, later?: unknown, uploadIds?: string[]) => Promise<void>;

const png = (name = "card.png", size = 2048) => new File([new Uint8Array(size)], name, { type: "image/png" });

let created: string[] = [];
let revoked: string[] = [];

// jsdom has no object URLs; count them, so a preview that is never released fails the test.
beforeEach(() => {
  created = [];
  revoked = [];
  Object.assign(URL, {
    createObjectURL: (_file: Blob) => {
      const url = `blob:preview-${created.length + 1}`;
      created.push(url);
      return url;
    },
    revokeObjectURL: (url: string) => revoked.push(url),
  });
});
afterEach(() => {
  Reflect.deleteProperty(URL, "createObjectURL");
  Reflect.deleteProperty(URL, "revokeObjectURL");
});

function setup(onSend = vi.fn<OnSend>(() => Promise.resolve()), conversationId: number | undefined = 2) {
  const view = render(() => (
    <Composer label="Reply to Test Patient" onSend={onSend} conversationId={conversationId} />
  ));
  const box = view.getByLabelText("Reply to Test Patient");
  const input = view.container.querySelector('input[type="file"]');
  const pick = (...files: File[]) => {
    if (!(input instanceof HTMLInputElement)) throw new Error("no file input");
    Object.defineProperty(input, "files", { value: files, configurable: true });
    fireEvent.change(input);
  };
  return { view, box, pick, onSend };
}

let uploads = 0;
function uploadAnswers(fail: (request: Sent) => boolean = () => false) {
  uploads = 0;
  return fakeApi({
    "POST /api/conversations/2/uploads": (request) => {
      if (fail(request)) return apiError(413, "payload_too_large", "The photo is over 5 MB.");
      uploads += 1;
      const size = request.raw instanceof File ? request.raw.size : 0;
      return { status: 201, json: { upload: { id: `up-${uploads}`, contentType: "image/png", size } } };
    },
  });
}

describe("attach photo", () => {
  it("is offered only where uploads have a conversation, and never on an internal note", () => {
    const onSend = vi.fn<OnSend>(() => Promise.resolve());
    const without = render(() => <Composer label="Text to Test Patient" onSend={onSend} />);
    expect(without.queryByRole("button", { name: "Attach photo" })).toBeNull();
    without.unmount();
    fakeApi({ "GET /api/conversations/2/mentionable": { json: { users: [] } } });
    const view = render(() => (
      <Composer label="Reply" onSend={onSend} onNote={() => Promise.resolve()} conversationId={2} />
    ));
    expect(view.getByRole("button", { name: "Attach photo" })).toBeInTheDocument();
    expect(view.container.querySelector('input[type="file"]')).toHaveAttribute(
      "accept",
      "image/jpeg,image/png,image/gif,image/webp",
    );
    fireEvent.click(view.getByRole("switch", { name: "Internal note" }));
    expect(view.queryByRole("button", { name: "Attach photo" })).toBeNull();
  });

  it("refuses a file that is not an allowed image, or too big, naming it and why", () => {
    const { view, pick } = setup();
    pick(
      new File(["BEGIN:VCARD"], "contact.vcf", { type: "text/vcard" }),
      png("huge.png", UPLOAD_MAX_BYTES + 200 * 1024),
      png("ok.png"),
    );
    const alert = view.getByRole("alert");
    expect(alert).toHaveTextContent("contact.vcf is not a JPEG, PNG, GIF or WebP image.");
    expect(alert).toHaveTextContent("huge.png is 5.2 MB: a photo may be at most 5 MB.");
    expect(view.getAllByRole("img").map((i) => i.getAttribute("alt"))).toEqual([
      "Attached photo 1 of 1: ok.png",
    ]);
  });

  it(`takes at most ${UPLOAD_MAX_FILES} photos`, () => {
    const { view, pick } = setup();
    pick(...Array.from({ length: UPLOAD_MAX_FILES + 1 }, (_, i) => png(`p${i + 1}.png`)));
    expect(view.getAllByRole("img")).toHaveLength(UPLOAD_MAX_FILES);
    expect(view.getByRole("alert")).toHaveTextContent(
      `p${UPLOAD_MAX_FILES + 1}.png was not added: a text may carry at most ${UPLOAD_MAX_FILES} photos.`,
    );
    expect(view.getByRole("button", { name: "Attach photo" })).toBeDisabled();
  });

  it("previews a photo, says MMS in the counter, and Remove takes it away and releases its preview", () => {
    const { view, box, pick } = setup();
    fireEvent.input(box, { target: { value: "Here is the form" } });
    expect(view.getByText("16 characters · 1 segment · GSM-7")).toBeInTheDocument();
    pick(png("card.png"));
    const preview = view.getByRole("img", { name: "Attached photo 1 of 1: card.png" });
    expect(preview).toHaveAttribute("src", "blob:preview-1");
    expect(view.getByText("16 characters · MMS · 1 photo")).toBeInTheDocument();
    fireEvent.click(view.getByRole("button", { name: "Remove card.png" }));
    expect(view.queryByRole("img")).toBeNull();
    expect(revoked).toEqual(["blob:preview-1"]);
    expect(view.getByText("16 characters · 1 segment · GSM-7")).toBeInTheDocument();
  });

  it("takes a pasted image and a dropped one, and leaves pasted text alone", () => {
    const { view, box } = setup();
    const pasted = fireEvent.paste(box, {
      clipboardData: { files: [png("screenshot.png")], types: ["Files"] },
    });
    expect(pasted).toBe(false);
    const form = view.getByRole("form", { name: "Compose a text" });
    fireEvent.dragOver(form, { dataTransfer: { files: [], types: ["Files"] } });
    expect(form).toHaveClass("drop-here");
    fireEvent.drop(form, { dataTransfer: { files: [png("dropped.png")], types: ["Files"] } });
    expect(form).not.toHaveClass("drop-here");
    expect(view.getAllByRole("img").map((i) => i.getAttribute("alt"))).toEqual([
      "Attached photo 1 of 2: screenshot.png",
      "Attached photo 2 of 2: dropped.png",
    ]);
    expect(fireEvent.paste(box, { clipboardData: { files: [], types: ["text/plain"] } })).toBe(true);
  });

  it("sends a photo with no text: uploads each file, then sends with their upload ids, and clears", async () => {
    const api = uploadAnswers();
    const { view, box, pick, onSend } = setup();
    pick(png("a.png", 100), png("b.png", 200));
    const send = view.getByRole("button", { name: "Send" });
    expect(send).toBeEnabled();
    fireEvent.click(send);
    await vi.waitFor(() => expect(onSend).toHaveBeenCalledTimes(1));
    const posted = api.sent.filter((r) => r.url.pathname === "/api/conversations/2/uploads");
    expect(posted.map((r) => r.headers.get("content-type"))).toEqual(["image/png", "image/png"]);
    expect(posted.map((r) => (r.raw instanceof File ? r.raw.name : null))).toEqual(["a.png", "b.png"]);
    expect(onSend).toHaveBeenCalledWith("", expect.any(String), undefined, ["up-1", "up-2"]);
    await vi.waitFor(() => expect(view.queryByRole("img")).toBeNull());
    expect(revoked.sort()).toEqual(["blob:preview-1", "blob:preview-2"]);
    expect(box).toHaveValue("");
  });

  it("keeps the text and the photos when an upload fails, and uploads only what is missing on Send again", async () => {
    let failing = true;
    const api = uploadAnswers(
      (request) => failing && request.raw instanceof File && request.raw.name === "b.png",
    );
    const { view, box, pick, onSend } = setup();
    fireEvent.input(box, { target: { value: "Both sides" } });
    pick(png("a.png"), png("b.png"));
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    expect(await view.findByText("b.png was not uploaded: The photo is over 5 MB.")).toBeInTheDocument();
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue("Both sides");
    expect(view.getAllByRole("img")).toHaveLength(2);
    expect(revoked).toEqual([]);

    failing = false;
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    await vi.waitFor(() => expect(onSend).toHaveBeenCalledTimes(1));
    const names = api.sent.flatMap((r) => (r.raw instanceof File ? [r.raw.name] : []));
    expect(names).toEqual(["a.png", "b.png", "b.png"]);
    expect(onSend).toHaveBeenCalledWith("Both sides", expect.any(String), undefined, ["up-1", "up-2"]);
  });

  it("keeps the photos when the send itself fails, and sends them again with the same key", async () => {
    uploadAnswers();
    const onSend = vi.fn<OnSend>(() => Promise.resolve()).mockRejectedValueOnce(new Error("offline"));
    const { view, pick } = setup(onSend);
    pick(png("a.png"));
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    expect(await view.findByRole("alert")).toHaveTextContent("Something went wrong. Try again.");
    expect(view.getByRole("img", { name: "Attached photo 1 of 1: a.png" })).toBeInTheDocument();
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    await vi.waitFor(() => expect(onSend).toHaveBeenCalledTimes(2));
    expect(onSend.mock.calls[1]?.[1]).toBe(onSend.mock.calls[0]?.[1]);
    // Stored once: the second send reuses the first upload.
    expect(uploads).toBe(1);
    expect(onSend.mock.calls[1]?.[3]).toEqual(["up-1"]);
  });

  it("disables Send and Remove while uploading, and says which photo is going", async () => {
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetch = vi.fn(async () => {
      await gate;
      return new Response(JSON.stringify({ upload: { id: "up-1", contentType: "image/png", size: 1 } }), {
        status: 201,
        headers: { "content-type": "application/json" },
      });
    });
    vi.stubGlobal("fetch", fetch);
    const { view, pick, onSend } = setup();
    pick(png("a.png"));
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    expect(await view.findByRole("status")).toHaveTextContent("Uploading photo 1 of 1…");
    expect(view.getByRole("button", { name: "Sending…" })).toBeDisabled();
    expect(view.getByRole("button", { name: "Remove a.png" })).toBeDisabled();
    release?.();
    await vi.waitFor(() => expect(onSend).toHaveBeenCalledTimes(1));
  });
});
