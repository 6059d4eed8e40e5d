import type { Env } from "../env";
import type { Db } from "../db/client";
import { getUserName } from "../db/queries/opt-outs";
import type { Message } from "../db/schema";
import { liveMessage, publishLive } from "../realtime/publish";
import { describeError } from "../lib/errors";

/**
 * The carrier side's only door to the live queue (realtime/publish.ts). Never throws: D1 already holds the
 * message, so a failed event costs a screen one REST refresh, while a throw here could fail a send or a
 * webhook that already stored its row.
 */
async function safely(what: string, work: () => Promise<unknown>) {
  try {
    await work();
  } catch (error) {
    console.error(`live ${what} not published:`, describeError(error));
  }
}

export function publishMessage(env: Env, db: Db, m: Message) {
  return safely("message", async () => {
    const authorName = m.authorUserId === null ? null : await getUserName(db, m.authorUserId);
    await publishLive(env, db, {
      type: "message",
      numberId: m.numberId,
      conversationId: m.conversationId,
      message: liveMessage(m, authorName),
    });
  });
}

export function publishStatus(env: Env, db: Db, m: Message) {
  return safely("status", () =>
    publishLive(env, db, {
      type: "message_status",
      numberId: m.numberId,
      conversationId: m.conversationId,
      messageId: m.id,
      status: m.status,
      errorCode: m.errorCode,
      errorReason: m.errorReason,
    }),
  );
}

export function publishOptOut(
  env: Env,
  db: Db,
  change: { numberId: number; phone: string; optedOut: boolean; changedAt: number },
) {
  return safely("opt-out", () => publishLive(env, db, { type: "opt_out", ...change }));
}
