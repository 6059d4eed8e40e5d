import { describe, expect, it } from "vitest";
import type { MessageMedia } from "../../worker/shared/media";
import { fakeApi } from "../test/fake-api";
import { row } from "../test/queue-fixtures";
import { applyToList, queue, setRowUnread, showList } from "./queue-store";
import type { LiveEvent } from "./queue-types";

const AT = Date.UTC(2026, 2, 4, 16);
const PHOTO: MessageMedia = {
  n: 0,
  contentType: "image/jpeg",
  size: null,
  fileName: "photo-1.jpg",
  state: "pending",
  note: null,
  url: null,
};

function photoText(media: MessageMedia[], createdAt = AT): LiveEvent {
  return {
    type: "message",
    cursor: 1,
    numberId: 1,
    conversationId: 5,
    message: {
      id: 50,
      conversationId: 5,
      direction: "in",
      kind: "reply",
      body: "",
      status: "received",
      errorCode: null,
      errorReason: null,
      segments: 0,
      encoding: "GSM-7",
      authorUserId: null,
      authorName: null,
      createdAt,
      updatedAt: createdAt,
      sendAfter: null,
      cancelOnReply: false,
      media,
    },
  };
}

describe("a photo text in the queue", () => {
  it("previews as 📷 Photo, and its photo landing later does not make a read row unread again", async () => {
    const earlier = { ...row(5, "+15550005555", [], false, "Hi"), lastMessageAt: AT - 60_000 };
    fakeApi({
      "POST /api/queue/numbers/1/conversations/search": {
        json: { conversations: [earlier], nextCursor: null },
      },
    });
    await showList(1, "", false);
    applyToList(photoText([PHOTO]));
    const shown = () => queue.list.conversations.find((c) => c.id === 5);
    expect(shown()?.lastMessagePreview).toBe("📷 Photo");
    expect(shown()?.unread).toBe(true);

    setRowUnread(5, false);
    applyToList(photoText([{ ...PHOTO, state: "stored", size: 1000, url: "/api/media/50/0" }]));
    expect(shown()?.unread).toBe(false);
    expect(shown()?.lastMessagePreview).toBe("📷 Photo");
  });
});
