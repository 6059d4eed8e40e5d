import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { optOutEvents, optOuts } from "../schema";
import { auditInsert } from "./audit";

/** The current opt-out row of a phone on a clinic number, if it ever opted out or in. */
export async function getOptOut(db: Db, numberId: number, phone: string) {
  return db.query.optOuts.findFirst({ where: and(eq(optOuts.numberId, numberId), eq(optOuts.phone, phone)) });
}

/** The history row an inbound message caused, if it changed the opt-out state. */
export async function optOutEventForMessage(db: Db, messageId: number) {
  return db.query.optOutEvents.findFirst({ where: eq(optOutEvents.messageId, messageId) });
}

/** Every opt-out and opt-in of a phone on a number, newest first: for the thread and for audits. */
export async function listOptOutEvents(db: Db, numberId: number, phone: string) {
  return db
    .select()
    .from(optOutEvents)
    .where(and(eq(optOutEvents.numberId, numberId), eq(optOutEvents.phone, phone)))
    .orderBy(desc(optOutEvents.id));
}

/**
 * Records an opt-out the carrier told us about (Twilio 21610, Telnyx 40300): the patient replied STOP at some
 * point we may not have seen, so our own list must agree with the carrier's block. One batch: state,
 * history, audit.
 */
export async function recordCarrierOptOut(
  db: Db,
  entry: { orgId: number; numberId: number; phone: string; code: string },
  now: number,
) {
  const keyword = `carrier:${entry.code}`;
  await db.batch([
    db
      .insert(optOuts)
      .values({ numberId: entry.numberId, phone: entry.phone, optedOut: true, keyword, changedAt: now })
      .onConflictDoUpdate({
        target: [optOuts.numberId, optOuts.phone],
        set: { optedOut: true, keyword, changedAt: now },
      }),
    db.insert(optOutEvents).values({
      orgId: entry.orgId,
      numberId: entry.numberId,
      phone: entry.phone,
      optedOut: true,
      keyword,
      messageId: null,
      createdAt: now,
    }),
    auditInsert(
      db,
      {
        orgId: entry.orgId,
        userId: null,
        action: "opt_out.carrier",
        targetType: "clinic_number",
        targetId: entry.numberId,
        detail: { code: entry.code },
      },
      now,
    ),
  ]);
}

/**
 * The statement that sets a phone's opt-out state when `condition` holds, for a caller's batch (the inbound
 * keyword path and a staff review decision): `insert … select … where` lets the condition see the batch's
 * earlier writes, so the state moves only if the event that justifies it was written.
 */
export function setOptOutWhere(
  db: Db,
  state: { numberId: number; phone: string; optedOut: 0 | 1; keyword: string; now: number },
  condition: SQL,
) {
  const { numberId, phone, optedOut, keyword, now } = state;
  return db
    .insert(optOuts)
    .select(sql`select ${numberId}, ${phone}, ${optedOut}, ${keyword}, ${now} where ${condition}`)
    .onConflictDoUpdate({
      target: [optOuts.numberId, optOuts.phone],
      set: {
        optedOut: sql`excluded.opted_out`,
        keyword: sql`excluded.keyword`,
        changedAt: sql`excluded.changed_at`,
      },
    });
}
