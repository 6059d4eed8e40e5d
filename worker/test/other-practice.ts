import { env } from "cloudflare:workers";
import { createDb } from "../db/client";
import { insertNumber } from "../db/queries/numbers";
import { insertOrganization } from "../db/queries/organizations";
import { insertPatient } from "../db/queries/patients";
import { insertUser } from "../db/queries/users";
import { hashPassword } from "../lib/passwords";

/** A second practice with its own admin, number and patient, to try cross-practice access against. */
export async function seedOtherPractice() {
  const db = createDb(env.DB);
  const now = Date.now();
  const [org] = await insertOrganization(
    db,
    { name: "Other Clinic", timezone: "America/New_York", queueWindowDays: 10, idleTimeoutMinutes: 30 },
    now,
  );
  if (!org) throw new Error("no org");
  const [admin] = await insertUser(
    db,
    {
      orgId: org.id,
      email: "other-admin@example.com",
      name: "Other Admin",
      role: "admin",
      active: true,
      smsReplyAlert: true,
      smsReplySound: true,
      passwordHash: await hashPassword("other-admin-pass"),
    },
    now,
  );
  const [number] = await insertNumber(
    db,
    org.id,
    {
      e164: "+15559870001",
      label: "Other front desk",
      carrier: "simulator",
      timezone: "America/New_York",
      carrierAccountId: null,
      credentialsCiphertext: null,
    },
    now,
  );
  const [patient] = await insertPatient(
    db,
    org.id,
    { firstName: "Private", lastName: "Person", phone: "+15559870099", dateOfBirth: null, notes: null },
    now,
  );
  if (!admin || !number || !patient) throw new Error("seed failed");
  return { org, admin, number, patient, credentials: { email: admin.email, password: "other-admin-pass" } };
}
