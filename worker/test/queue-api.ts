import { env } from "cloudflare:workers";
import { createDb } from "../db/client";
import { findNumberByE164 } from "../db/queries/numbers";
import { getOrganization } from "../db/queries/organizations";
import { DEMO } from "../db/seed-demo";
import { queueApiMessages, type ApiKind, type Recipient } from "../messaging/outbound-batch";
import { drainQueued } from "../messaging/outbound-drain";

/** Calls the batch and the drain directly with a fixed clock, for tests about when texts go out. */
export async function practiceApi() {
  const db = createDb(env.DB);
  const number = await findNumberByE164(db, DEMO.mainNumber);
  const org = number && (await getOrganization(db, number.orgId));
  if (!number || !org) throw new Error("run seed() first");
  return {
    db,
    org,
    number,
    queue: (kind: ApiKind, recipients: Recipient[], now: number, body = `A ${kind} text`) =>
      queueApiMessages({ db, org, number, kind, body, recipients, idempotencyKey: null, keyId: 0, now }),
    drain: (now: number) => drainQueued({ db, env, numberId: number.id }, { now: () => now }),
    status: async (id: number) =>
      (await db.query.messages.findFirst({ where: (m, { eq }) => eq(m.id, id) }))?.status,
  };
}
