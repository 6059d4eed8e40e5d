/** @module SQL of `conversations` by id. The queue's listing and search are in queue.ts. */
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { conversations } from "../schema";
import { chunked, MAX_BOUND_PARAMETERS } from "./chunked";

/** The remote phone of one conversation; undefined when there is no such conversation. */
export async function conversationPhone(db: Db, conversationId: number): Promise<string | undefined> {
  const row = await db.query.conversations.findFirst({
    where: eq(conversations.id, conversationId),
    columns: { phone: true },
  });
  return row?.phone;
}

/** The remote phone of each conversation, for webhook payloads (unknown ids are left out). */
export async function conversationPhones(db: Db, ids: number[]) {
  const phones = new Map<number, string>();
  for (const chunk of chunked([...new Set(ids)], MAX_BOUND_PARAMETERS - 1)) {
    const rows = await db
      .select({ id: conversations.id, phone: conversations.phone })
      .from(conversations)
      .where(inArray(conversations.id, chunk));
    for (const r of rows) phones.set(r.id, r.phone);
  }
  return phones;
}
