import type { Db } from "./client";
import { countOrganizations, insertOrganization } from "./queries/organizations";
import { insertNumber } from "./queries/numbers";
import { insertPatientsChunks, type PatientFields } from "./queries/patients";
import { insertUser, replaceGrants } from "./queries/users";
import { encryptJson } from "../lib/credentials";
import { hashPassword } from "../lib/passwords";

/** The fixed local demo: tests, the README and newcomers rely on every value here. */
export const DEMO = {
  practice: "Demo Family Clinic",
  timezone: "America/Chicago",
  admin: { email: "admin@example.com", password: "demo-admin", name: "Avery Admin" },
  staff: { email: "staff@example.com", password: "demo-staff", name: "Sam Staff" },
  mainNumber: "+15551230001",
  westsideNumber: "+15551230002",
  twilio: {
    accountSid: "AC00000000000000000000000000000000",
    authToken: "0123456789abcdef0123456789abcdef",
  },
  testPatientPhone: "+15550001111",
  familyPhone: "+15550002222",
} as const;

const FIRST = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Ava",
  "Elijah",
  "Sophia",
  "Mateo",
  "Isabella",
  "Lucas",
  "Mia",
  "Levi",
  "Amelia",
  "Ezra",
  "Harper",
  "Asher",
  "Evelyn",
  "Leo",
  "Luna",
  "James",
];
const LAST = [
  "Garcia",
  "Nguyen",
  "Patel",
  "Johnson",
  "Kim",
  "Okafor",
  "Rossi",
  "Schmidt",
  "Haddad",
  "Lopez",
  "Murphy",
  "Cohen",
  "Silva",
  "Tanaka",
  "Novak",
  "Dubois",
  "Jensen",
  "Moreau",
  "Kowalski",
  "Byrne",
];

function demoPatients(): PatientFields[] {
  const people: PatientFields[] = [
    {
      firstName: "Test",
      lastName: "Patient",
      phone: DEMO.testPatientPhone,
      dateOfBirth: "1990-01-01",
      notes: "Text yourself as this patient from the phone simulator.",
    },
    {
      firstName: "Maria",
      lastName: "Alvarez",
      phone: DEMO.familyPhone,
      dateOfBirth: "1984-03-12",
      notes: "Shares a phone with her son Diego.",
    },
    {
      firstName: "Diego",
      lastName: "Alvarez",
      phone: DEMO.familyPhone,
      dateOfBirth: "2014-07-30",
      notes: null,
    },
  ];
  for (let i = 0; i < 40; i++) {
    const first = FIRST[i % FIRST.length] ?? "Pat";
    const last = LAST[(i * 7) % LAST.length] ?? "Doe";
    people.push({
      firstName: first,
      lastName: last,
      phone: `+1555010${String(i).padStart(4, "0")}`,
      dateOfBirth: `19${50 + (i % 50)}-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}`,
      notes: null,
    });
  }
  return people;
}

/**
 * Creates the demo practice once, in local development only (DEMO_SEED=true). Running it again is a no-op,
 * so it is safe to call on every cold start.
 */
export async function seedDemo(db: Db, credentialsKey: string, now = Date.now()) {
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
