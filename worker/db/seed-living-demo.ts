/** @module The living demo: a working inbox for a newcomer's first screen (seed-demo.ts seeds it on the dev server). */
import type { Db } from "./client";
import { insertPatientsChunks, type PatientFields } from "./queries/patients";
import { findNumberByE164 } from "./queries/numbers";
import { findUserByEmail } from "./queries/users";
import {
  livingDemoStatements,
  practiceHasTeamData,
  type DemoMessage,
  type DemoQuickReply,
  type DemoThread,
} from "./queries/demo-seed";
import type { ClinicNumber } from "./schema";
import { OPT_OUT_CONFIRMATION } from "../domain/keywords";
import { resolvePreset } from "../domain/time-presets";
import { DEMO, demoPatients } from "./demo-cast";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The Rolodex patient `i` of demoPatients()'s generated forty (names and phones the Rolodex shows). */
function rolodexPatient(i: number) {
  const patient = demoPatients()[3 + i];
  if (!patient) throw new Error(`seed: no demo patient ${i}`);
  return patient;
}

export const DEMO_QUICK_REPLIES: DemoQuickReply[] = [
  {
    name: "Running late",
    body: "Hi {patient.firstName}, no problem: we will hold your appointment for 15 minutes. See you soon! {staff.firstName} at {practice.name}",
  },
  {
    name: "Directions",
    body: "{practice.name}, {number.label}: free parking behind the building, the entrance is on the side street. Text us if you get lost.",
  },
  {
    name: "Confirm",
    body: "Hi {patient.firstName} {patient.lastName}, you are confirmed. Reply here if anything changes. {practice.name}",
  },
  {
    name: "Call us back",
    body: "Hi {patient.firstName}, this is {staff.firstName} at {practice.name}. Please call us back when you have a moment.",
  },
];

type Cast = { admin: number; staff: number; main: ClinicNumber; westside: ClinicNumber };

/**
 * The living demo's threads, relative to `now` and spread over the 10-day queue window on both numbers: a
 * few unread, one assigned to each demo user, one snoozed until tomorrow's opening, some done, a reminder
 * with the patient's answer, the Brooks family sharing a phone, an opted-out phone, notes and event lines.
 * Phones are Rolodex patients and the Brooks phone, none of which the e2e tests text.
 */
export function livingDemoThreads(cast: Cast, now: number): DemoThread[] {
  const { admin, staff, main, westside } = cast;
  const at = (ago: number) => now - ago;
  const inbound = (body: string, ago: number): DemoMessage => ({
    direction: "in",
    kind: "reply",
    body,
    status: "received",
    authorUserId: null,
    createdAt: at(ago),
  });
  const outbound = (
    body: string,
    ago: number,
    author: number | null,
    kind: DemoMessage["kind"] = "direct",
  ) => ({
    direction: "out" as const,
    kind,
    body,
    status: "delivered" as const,
    authorUserId: author,
    createdAt: at(ago),
  });
  const internal = (kind: "note" | "event", body: string, ago: number, author: number): DemoMessage => ({
    direction: "internal",
    kind,
    body,
    status: "recorded",
    authorUserId: author,
    createdAt: at(ago),
  });
  const on = (number: ClinicNumber) => ({
    orgId: number.orgId,
    numberId: number.id,
    carrier: number.carrier,
  });
  const open = { unread: false, state: "open" as const, snoozedUntil: null, assignedUserId: null };
  const tomorrowOpening = resolvePreset("tomorrow", { now, timeZone: main.timezone, officeHours: null });
  const who = (i: number) => rolodexPatient(i);

  return [
    {
      ...on(main),
      ...open,
      phone: who(0).phone,
      unread: true,
      messages: [
        inbound(
          "Hi! Can I move my cleaning on Thursday to next week? Mornings are best for me.",
          12 * MINUTE,
        ),
      ],
    },
    {
      ...on(main),
      ...open,
      phone: who(1).phone,
      unread: true,
      messages: [inbound("Is the office open on Saturday morning?", 47 * MINUTE)],
    },
    {
      ...on(main),
      ...open,
      phone: who(3).phone,
      unread: true,
      messages: [
        outbound(
          `Hi ${who(3).firstName}, this is ${DEMO.practice} reminding you of your appointment tomorrow at 9:30 AM. Reply to this text if you need to reschedule.`,
          22 * HOUR,
          null,
          "reminder",
        ),
        inbound("Thanks, I will be there. Do I need to bring anything?", 20 * HOUR),
      ],
    },
    {
      ...on(main),
      ...open,
      phone: who(2).phone,
      assignedUserId: staff,
      mentionedUserIds: [admin],
      messages: [
        inbound("My son has had a fever since last night. Can we get seen today?", 3 * HOUR),
        internal(
          "event",
          `${DEMO.admin.name} assigned this to ${DEMO.staff.name}`,
          3 * HOUR - 2 * MINUTE,
          admin,
        ),
        outbound(
          `Hi ${who(2).firstName}, we can see him at 2:15 PM today. Does that work?`,
          3 * HOUR - 5 * MINUTE,
          staff,
          "reply",
        ),
        inbound("Yes, thank you!", 3 * HOUR - 9 * MINUTE),
        internal(
          "note",
          `Booked 2:15 PM with Dr. Reyes. @${DEMO.admin.name} could you check the insurance on file before they arrive?`,
          3 * HOUR - 12 * MINUTE,
          staff,
        ),
      ],
    },
    {
      ...on(main),
      ...open,
      phone: who(4).phone,
      assignedUserId: admin,
      messages: [
        inbound("Could you send my vaccination record to my new school?", DAY + 2 * HOUR),
        outbound(
          `Hi ${who(4).firstName}, happy to. We will fax it to the school office today.`,
          DAY + HOUR,
          admin,
          "reply",
        ),
      ],
    },
    {
      ...on(main),
      ...open,
      phone: who(5).phone,
      state: "snoozed",
      snoozedUntil: tomorrowOpening,
      messages: [
        inbound("Can you call me back about my bill? I am at work until 5.", 2 * DAY),
        internal(
          "note",
          "Billing is out today: call him back first thing tomorrow.",
          2 * DAY - 30 * MINUTE,
          admin,
        ),
        internal(
          "event",
          `${DEMO.admin.name} snoozed this until tomorrow at opening`,
          2 * DAY - 31 * MINUTE,
          admin,
        ),
      ],
    },
    {
      ...on(main),
      ...open,
      phone: who(6).phone,
      state: "done",
      assignedUserId: staff,
      messages: [
        inbound("Do you have my lab results yet?", 4 * DAY),
        outbound(
          `Hi ${who(6).firstName}, yes: Dr. Reyes will call you this afternoon to go over them.`,
          4 * DAY - 20 * MINUTE,
          staff,
          "reply",
        ),
        inbound("Great, thanks!", 4 * DAY - 25 * MINUTE),
        internal("event", `${DEMO.staff.name} marked this done`, 4 * DAY - 26 * MINUTE, staff),
      ],
    },
    {
      ...on(main),
      ...open,
      phone: DEMO.livingFamilyPhone,
      messages: [
        outbound(
          `Hi, this is ${DEMO.practice}: Owen's school physical form is ready to pick up at the front desk.`,
          3 * DAY,
          staff,
        ),
        inbound("Thanks! I will come by with Owen after school.", 3 * DAY - 40 * MINUTE),
      ],
    },
    {
      ...on(main),
      ...open,
      phone: who(16).phone,
      optOutKeyword: "STOP",
      messages: [
        outbound(
          `Hi ${who(16).firstName}, it is time for your yearly check-up at ${DEMO.practice}. Reply to book a visit.`,
          6 * DAY,
          null,
          "reminder",
        ),
        inbound("STOP", 6 * DAY - HOUR),
        outbound(OPT_OUT_CONFIRMATION, 6 * DAY - HOUR - 1000, null, "auto_reply"),
      ],
    },
    {
      ...on(main),
      ...open,
      phone: who(7).phone,
      state: "done",
      messages: [
        inbound("Running 10 minutes late, sorry!", 8 * DAY),
        outbound("No problem, see you soon.", 8 * DAY - 2 * MINUTE, admin, "reply"),
      ],
    },
    {
      ...on(westside),
      ...open,
      phone: who(8).phone,
      unread: true,
      messages: [inbound("Hello, do you take walk-ins at the Westside office?", 25 * MINUTE)],
    },
    {
      ...on(westside),
      ...open,
      phone: who(9).phone,
      assignedUserId: staff,
      messages: [
        inbound("I need a refill of my inhaler prescription.", 5 * HOUR),
        outbound(
          `Hi ${who(9).firstName}, I have sent the request to Dr. Chen; we will text you when it is ready.`,
          5 * HOUR - 10 * MINUTE,
          staff,
          "reply",
        ),
        internal(
          "note",
          "Waiting on Dr. Chen's approval, she is in clinic until 3.",
          5 * HOUR - 11 * MINUTE,
          staff,
        ),
      ],
    },
    {
      ...on(westside),
      ...open,
      phone: who(10).phone,
      messages: [
        outbound(
          `Hi ${who(10).firstName}, a reminder from ${DEMO.practice} Westside: your appointment is on Monday at 8:45 AM. Reply if you need to change it.`,
          2 * DAY,
          null,
          "reminder",
        ),
        inbound("Could we do 9:30 instead?", 2 * DAY - HOUR),
        outbound("9:30 works, you are booked. See you Monday!", 2 * DAY - 70 * MINUTE, admin, "reply"),
      ],
    },
    {
      ...on(westside),
      ...open,
      phone: who(11).phone,
      state: "done",
      messages: [
        inbound("Where do I park at the Westside office?", 7 * DAY),
        outbound("There is free parking behind the building.", 7 * DAY - 5 * MINUTE, admin, "reply"),
        internal("event", `${DEMO.admin.name} marked this done`, 7 * DAY - 6 * MINUTE, admin),
      ],
    },
  ];
}

/** The Brooks family: two patients on one phone, with a conversation on the main number. */
const LIVING_PATIENTS: PatientFields[] = [
  {
    firstName: "Hannah",
    lastName: "Brooks",
    phone: DEMO.livingFamilyPhone,
    dateOfBirth: "1988-11-04",
    notes: "Shares a phone with her son Owen.",
  },
  {
    firstName: "Owen",
    lastName: "Brooks",
    phone: DEMO.livingFamilyPhone,
    dateOfBirth: "2016-02-19",
    notes: null,
  },
];

/**
 * A newcomer's first screen is a working inbox: seeds the living demo into the demo practice once. Skipped
 * when the practice already has a conversation or a quick reply (a second start, or a database someone has
 * used), so it never doubles and never mixes into real work. One batch: it lands whole or not at all.
 */
export async function seedLivingDemo(db: Db, now = Date.now()): Promise<boolean> {
  const [main, westside, admin, staff] = await Promise.all([
    findNumberByE164(db, DEMO.mainNumber),
    findNumberByE164(db, DEMO.westsideNumber),
    findUserByEmail(db, DEMO.admin.email),
    findUserByEmail(db, DEMO.staff.email),
  ]);
  if (!main || !westside || !admin || !staff || main.orgId !== westside.orgId) return false;
  if (await practiceHasTeamData(db, main.orgId)) return false;
  const threads = livingDemoThreads({ admin: admin.id, staff: staff.id, main, westside }, now);
  const [first, ...rest] = [
    ...insertPatientsChunks(db, main.orgId, LIVING_PATIENTS, now),
    ...livingDemoStatements(db, {
      orgId: main.orgId,
      createdBy: admin.id,
      threads,
      quickReplies: DEMO_QUICK_REPLIES,
      now,
    }),
  ];
  if (!first) return false;
  await db.batch([first, ...rest]);
  return true;
}
