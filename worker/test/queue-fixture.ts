import { env } from "cloudflare:workers";
import { createDb } from "../db/client";
import { conversations, messages } from "../db/schema";

/** Inserts a conversation with one message at `at`, as if it had arrived then. Test data only. */
export async function addConversation(opts: {
  orgId: number;
  numberId: number;
  phone: string;
  at: number;
  body?: string;
  unread?: boolean;
  direction?: "in" | "out";
}) {
  const db = createDb(env.DB);
  const body = opts.body ?? "Hello from the fixture";
  const [conversation] = await db
    .insert(conversations)
    .values({
      orgId: opts.orgId,
      numberId: opts.numberId,
      phone: opts.phone,
      lastMessageAt: opts.at,
      lastMessagePreview: body,
      unread: opts.unread ?? true,
      createdAt: opts.at,
    })
    .returning();
  if (!conversation) throw new Error("no conversation");
  await db.insert(messages).values({
    orgId: opts.orgId,
    numberId: opts.numberId,
    conversationId: conversation.id,
    direction: opts.direction ?? "in",
    kind: "reply",
    body,
    status: "received",
    carrier: "simulator",
    carrierMessageId: `fixture-${crypto.randomUUID()}`,
    createdAt: opts.at,
    updatedAt: opts.at,
  });
  return conversation;
}
