/** @module The demo practice's fixed cast: its logins, numbers and patients (seed-demo.ts, seed-living-demo.ts). */
import type { PatientFields } from "./queries/patients";

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
  /**
   * The living demo's family phone (Hannah and Owen Brooks), apart from the Alvarez one: e2e starts a first
   * conversation on that phone and needs it to have none.
   */
  livingFamilyPhone: "+15550103001",
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

export function demoPatients(): PatientFields[] {
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
