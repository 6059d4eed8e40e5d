import { describe, expect, it, vi } from "vitest";
import { matchesSearch, parseSearch } from "../../worker/shared/search";
import { fakeApi } from "../test/fake-api";
import { ALVAREZ, row } from "../test/queue-fixtures";
import { applyToList, queue, showList } from "./queue-store";
import type { LiveEvent } from "./queue-types";

/** The fixtures' row shape (the fields the list shows). */
type Row = ReturnType<typeof row>;

/** A name that starts with "+": the one kind of row a search for "+" finds, on the server and here. */
const PLUS = row(9, "+15550009000", [{ id: 9, firstName: "+Plus", lastName: "Clinic" }], true);

function inbound(conversationId: number, createdAt: number): LiveEvent {
  return {
    type: "message",
    cursor: conversationId,
    numberId: 1,
    conversationId,
    message: {
      id: conversationId,
      conversationId,
      direction: "in",
      kind: "reply",
      body: "Hello",
      status: "received",
      errorCode: null,
      errorReason: null,
      segments: 1,
      encoding: "GSM-7",
      authorUserId: null,
      authorName: null,
      createdAt,
      updatedAt: createdAt,
      sendAfter: null,
      cancelOnReply: false,
    },
  };
}

/** The list shows nothing yet (what the server answers for these searches), then texts arrive live. */
async function liveRowsFor(q: string, arriving: Row[]) {
  fakeApi({
    "POST /api/queue/numbers/1/conversations/search": { json: { conversations: [], nextCursor: null } },
    ...Object.fromEntries(
      arriving.map((c) => [`GET /api/conversations/${c.id}`, { json: { conversation: c } }]),
    ),
  });
  await showList(1, q, false);
  for (const c of arriving) applyToList(inbound(c.id, c.lastMessageAt));
}

const shown = () => queue.list.conversations.map((c) => c.id);

describe("the queue's live search", () => {
  it('lists a live row for "+" only where the server would: a name that starts with "+"', async () => {
    expect(matchesSearch(ALVAREZ, parseSearch("+"))).toBe(false);
    // ALVAREZ's row is fetched and decided first; PLUS arriving proves that decision was made.
    await liveRowsFor("+", [ALVAREZ, PLUS]);
    await vi.waitFor(() => expect(shown()).toContain(PLUS.id));
    expect(shown()).toEqual([PLUS.id]);
  });

  const ELODIE = row(4, "+15550004444", [{ id: 4, firstName: "Élodie", lastName: "Martin" }], true);
  // Each case: a row the server does not find for the query, then a row whose first name is the query.
  it.for<[string, Row]>([
    ["-", ALVAREZ],
    ['"maria"', ALVAREZ],
    // Like SQLite's LIKE, only ASCII letters ignore case: "élo" does not find "Élodie".
    ["élo", ELODIE],
  ])("lists no live row for %j that the server would not list", async ([q, skipped]) => {
    expect(matchesSearch(skipped, parseSearch(q))).toBe(false);
    await liveRowsFor(q, [skipped, { ...PLUS, patients: [{ id: 9, firstName: q, lastName: "Clinic" }] }]);
    await vi.waitFor(() => expect(shown()).toContain(PLUS.id));
    expect(shown()).toEqual([PLUS.id]);
  });

  it.for(["maria", "MARIA alv", "(555) 000-2222", "0002"])("lists the live row for %j", async (q) => {
    expect(matchesSearch(ALVAREZ, parseSearch(q))).toBe(true);
    await liveRowsFor(q, [ALVAREZ]);
    await vi.waitFor(() => expect(shown()).toEqual([ALVAREZ.id]));
  });
});
