import type { Db } from "./client";
import { countOrganizations, insertOrganization } from "./queries/organizations";
import { insertNumber } from "./queries/numbers";
import { insertPatientsChunks } from "./queries/patients";
import { insertUser, replaceGrants } from "./queries/users";
import { encryptJson } from "../lib/credentials";
import { hashPassword } from "../lib/passwords";
import { DEMO, demoPatients } from "./demo-cast";
import { seedLivingDemo } from "./seed-living-demo";

export { DEMO } from "./demo-cast";

/**
 * Creates the demo practice once, in local development only (DEMO_SEED=true). Running it again is a no-op,
 * so it is safe to call on every cold start. With `living` (the dev server, not the worker tests, which want
 * an empty inbox to start from) the practice also gets a working inbox: see seedLivingDemo.
 */
export async function seedDemo(
  db: Db,
  credentialsKey: string,
  now = Date.now(),
  options: { living?: boolean } = {},
) {
  const created = await seedDemoPractice(db, credentialsKey, now);
  const living = options.living === true && (await seedLivingDemo(db, now));
  return created || living;
}

async function seedDemoPractice(db: Db, credentialsKey: string, now: number) {
  if ((await countOrganizations(db)) > 0) return false;
  const [org] = await insertOrganization(
    db,
    { name: DEMO.practice, timezone: DEMO.timezone, queueWindowDays: 10, idleTimeoutMinutes: 30 },
    now,
  );
  if (!org) throw new Error("seed: no organization");
  const [main] = await insertNumber(
    db,
    org.id,
    {
      e164: DEMO.mainNumber,
      label: "Main office",
      carrier: "simulator",
      timezone: DEMO.timezone,
      carrierAccountId: null,
      credentialsCiphertext: null,
    },
    now,
  );
  const [westside] = await insertNumber(
    db,
    org.id,
    {
      e164: DEMO.westsideNumber,
      label: "Westside",
      carrier: "twilio",
      timezone: DEMO.timezone,
      carrierAccountId: DEMO.twilio.accountSid,
      credentialsCiphertext: await encryptJson(credentialsKey, DEMO.twilio),
    },
    now,
  );
  if (!main || !westside) throw new Error("seed: no numbers");
  const common = { orgId: org.id, active: true, smsReplyAlert: true, smsReplySound: true };
  const [admin] = await insertUser(
    db,
    {
      ...common,
      email: DEMO.admin.email,
      name: DEMO.admin.name,
      role: "admin",
      passwordHash: await hashPassword(DEMO.admin.password),
    },
    now,
  );
  const [staff] = await insertUser(
    db,
    {
      ...common,
      email: DEMO.staff.email,
      name: DEMO.staff.name,
      role: "staff",
      passwordHash: await hashPassword(DEMO.staff.password),
    },
    now,
  );
  if (!admin || !staff) throw new Error("seed: no users");
  const [first, ...rest] = insertPatientsChunks(db, org.id, demoPatients(), now);
  if (!first) throw new Error("seed: no patients");
  await db.batch([first, ...rest, ...replaceGrants(db, staff.id, [main.id, westside.id])]);
  return true;
}
