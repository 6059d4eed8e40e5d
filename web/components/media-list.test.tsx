import { fireEvent, render, screen, within } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import type { MessageMedia } from "../../worker/shared/media";
import type { LiveMessage } from "../lib/queue-types";
import { ConversationRow } from "./conversation-row";
import { MessageBubble } from "./message-bubble";
import { TEST_PATIENT } from "../test/queue-fixtures";

function media(n: number, fields: Partial<MessageMedia> = {}): MessageMedia {
  return {
    n,
    contentType: "image/jpeg",
    size: 48_000,
    fileName: `photo-${n + 1}.jpg`,
    state: "stored",
    note: null,
    url: `/api/media/7/${n}`,
    ...fields,
  };
}

function message(body: string, list: MessageMedia[]): LiveMessage {
  return {
    id: 7,
    conversationId: 1,
    direction: "in",
    kind: "reply",
    body,
    status: "received",
    errorCode: null,
    errorReason: null,
    segments: 1,
    encoding: "GSM-7",
    authorUserId: null,
    authorName: null,
    createdAt: Date.UTC(2026, 2, 4, 16),
    updatedAt: 0,
    sendAfter: null,
    cancelOnReply: false,
    media: list,
  };
}

function renderBubble(initial: LiveMessage) {
  const [m, setM] = createSignal(initial);
  const view = render(() => (
    <ul>
      <MessageBubble message={m()} patientName="Test Patient" timeZone="America/Chicago" onRetry={vi.fn()} />
    </ul>
  ));
  return { view, setM };
}

describe("photos in the thread", () => {
  it("shows each picture as a lazy thumbnail under the text, in the carrier's order, named without PHI", () => {
    const { view } = renderBubble(message("My insurance card", [media(1), media(0)]));
    const bubble = view.getByText("My insurance card").closest(".bubble");
    if (!(bubble instanceof HTMLElement)) throw new Error("no bubble");
    const images = within(bubble).getAllByRole("img");
    expect(images.map((i) => i.getAttribute("alt"))).toEqual([
      "Photo 1 of 2 from the patient",
      "Photo 2 of 2 from the patient",
    ]);
    expect(images.map((i) => i.getAttribute("src"))).toEqual(["/api/media/7/0", "/api/media/7/1"]);
    expect(images[0]).toHaveAttribute("loading", "lazy");
    // The text comes first, the pictures under it.
    const body = within(bubble).getByText("My insurance card");
    expect(body.compareDocumentPosition(images[0] as Node) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(view.container.textContent).not.toContain("Test Patient from");
  });

  it("shows a photo alone when the text has no words: no empty body line", () => {
    const { view } = renderBubble(message("", [media(0)]));
    expect(view.getByRole("button", { name: "Photo from the patient" })).toBeInTheDocument();
    expect(view.container.querySelector(".bubble-body")).toBeNull();
  });

  it("says a photo is still loading, then shows it when the same message comes again stored", () => {
    const pending = media(0, { state: "pending", url: null, size: null });
    const { view, setM } = renderBubble(message("", [pending]));
    expect(view.getByText("Photo still loading")).toBeInTheDocument();
    expect(view.queryByRole("img")).toBeNull();
    setM(message("", [media(0)]));
    expect(view.getByRole("img", { name: "Photo from the patient" })).toBeInTheDocument();
    expect(view.queryByText("Photo still loading")).toBeNull();
  });

  it("shows why a photo could not be kept, never a broken image", () => {
    const failed = media(0, { state: "failed", url: null, note: "Photo could not be retrieved" });
    const { view } = renderBubble(message("Here", [failed]));
    expect(view.getByText("Photo could not be retrieved")).toBeInTheDocument();
    expect(view.queryByRole("img")).toBeNull();
  });

  it("shows a file that is not a picture as a chip with its type, size and a Download link", () => {
    const card = media(1, { contentType: "text/vcard", size: 1229, fileName: "contact-2.vcf" });
    const { view } = renderBubble(message("My husband's number", [media(0), card]));
    expect(view.getByText("vCard · 1.2 KB")).toBeInTheDocument();
    const download = view.getByRole("link", { name: /Download/ });
    expect(download).toHaveAttribute("href", "/api/media/7/1?download=1");
    expect(download).toHaveAccessibleName("Download contact-2.vcf");
    // One picture among two files: numbered among the pictures only.
    expect(view.getByRole("img", { name: "Photo from the patient" })).toBeInTheDocument();
  });

  it("names the clinic's own photos as the clinic's", () => {
    const { view } = renderBubble({ ...message("", [media(0)]), direction: "out", status: "sent" });
    expect(view.getByRole("img", { name: "Photo from the clinic" })).toBeInTheDocument();
  });

  it("renders a photo-only text's queue preview", () => {
    const view = render(() => (
      <ConversationRow
        conversation={{ ...TEST_PATIENT, lastMessagePreview: "📷 Photo" }}
        timeZone="America/Chicago"
        selected={false}
        menuOpen={false}
        onOpen={vi.fn()}
        onMenu={vi.fn()}
      />
    ));
    expect(view.getByText("📷 Photo")).toBeInTheDocument();
  });
});

describe("the photo viewer", () => {
  function openFirst() {
    const { view } = renderBubble(message("Two photos", [media(0), media(1)]));
    const thumb = view.getByRole("button", { name: "Photo 1 of 2 from the patient" });
    // Not focused first: Safari does not focus a clicked button, and focus must still come back to it.
    fireEvent.click(thumb);
    // The viewer is portalled to the end of <body>, outside the rendered container.
    const dialog = screen.getByRole("dialog", { name: "Photo 1 of 2 from the patient" });
    return { view, thumb, dialog };
  }

  it("opens as a modal dialog with Close focused and Download pointing at the attachment", () => {
    const { dialog } = openFirst();
    expect(dialog).toHaveAttribute("aria-modal", "true");
    const close = within(dialog).getByRole("button", { name: "Close" });
    expect(close).toHaveFocus();
    expect(within(dialog).getByRole("link", { name: "Download" })).toHaveAttribute(
      "href",
      "/api/media/7/0?download=1",
    );
    expect(within(dialog).getByRole("img")).toHaveAttribute("src", "/api/media/7/0");
  });

  it("moves between the message's photos with the arrow keys, wrapping around", () => {
    const { dialog } = openFirst();
    fireEvent.keyDown(dialog, { key: "ArrowRight" });
    expect(dialog).toHaveAccessibleName("Photo 2 of 2 from the patient");
    expect(within(dialog).getByRole("link", { name: "Download" })).toHaveAttribute(
      "href",
      "/api/media/7/1?download=1",
    );
    fireEvent.keyDown(dialog, { key: "ArrowRight" });
    expect(dialog).toHaveAccessibleName("Photo 1 of 2 from the patient");
    fireEvent.keyDown(dialog, { key: "ArrowLeft" });
    expect(within(dialog).getByRole("img")).toHaveAttribute("src", "/api/media/7/1");
  });

  it("keeps Tab inside the dialog", () => {
    const { dialog } = openFirst();
    const controls = [...dialog.querySelectorAll<HTMLElement>("a[href], button")];
    const first = controls[0];
    const last = controls.at(-1);
    if (!first || !last) throw new Error("no controls");
    last.focus();
    fireEvent.keyDown(last, { key: "Tab" });
    expect(first).toHaveFocus();
    fireEvent.keyDown(first, { key: "Tab", shiftKey: true });
    expect(last).toHaveFocus();
  });

  it("closes on Escape and gives focus back to the thumbnail", () => {
    const { thumb, dialog } = openFirst();
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(thumb).toHaveFocus();
  });

  it("closes on Close too, focus back on the thumbnail", () => {
    const { thumb, dialog } = openFirst();
    fireEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(thumb).toHaveFocus();
  });
});
