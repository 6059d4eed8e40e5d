import { describe, it } from "vitest";
import { checkAppointment, classifyReminderReply, familyQuestion, type ReplyIntent } from "./reminder-reply";
import { measureText } from "../shared/segments";

/** Replies front desks see to "Reply C to confirm, R to reschedule", and how each must be read (one reminder). */
const cases: Array<[string, ReplyIntent]> = [
  // The letters the reminder asks for, in any case or punctuation.
  ["C", "confirm"],
  ["c", "confirm"],
  ["C.", "confirm"],
  [" c ", "confirm"],
  ["C!", "confirm"],
  ["R", "reschedule"],
  ["r", "reschedule"],
  ["R.", "reschedule"],
  // Yes in its many forms.
  ["Y", "confirm"],
  ["Yes", "confirm"],
  ["YES", "confirm"],
  ["yes!", "confirm"],
  ["Yes.", "confirm"],
  ["Yess", "confirm"],
  ["Yep", "confirm"],
  ["yup", "confirm"],
  ["Yeah", "confirm"],
  ["yea", "confirm"],
  ["Ok", "confirm"],
  ["OK!", "confirm"],
  ["okay", "confirm"],
  ["k", "confirm"],
  ["Sure", "confirm"],
  ["Sí", "confirm"],
  ["Confirm", "confirm"],
  ["confirmed", "confirm"],
  ["CONFIRMED!", "confirm"],
  ["Confirming", "confirm"],
  ["Perfect", "confirm"],
  ["Fine", "confirm"],
  ["1", "confirm"],
  ["#1", "confirm"],
  ["\u{1F44D}", "confirm"],
  ["\u{1F44D}\u{1F3FD}", "confirm"],
  ["\u{1F44D}\u{1F44D}", "confirm"],
  ["\u2705", "confirm"],
  ["\u{1F44C}", "confirm"],
  // Confirming sentences.
  ["I'll be there", "confirm"],
  ["I’ll be there!", "confirm"],
  ["ill be there", "confirm"],
  ["We will be there", "confirm"],
  ["We'll be there, thanks", "confirm"],
  ["See you then", "confirm"],
  ["see you then!", "confirm"],
  ["See you tomorrow", "confirm"],
  ["see u tmrw", "confirm"],
  ["See you Tuesday", "confirm"],
  ["Yes thank you", "confirm"],
  ["Yes, see you then", "confirm"],
  ["yes I will be there", "confirm"],
  ["Ok thanks", "confirm"],
  ["C thank you!", "confirm"],
  ["Sounds good", "confirm"],
  ["Sounds great, thanks!", "confirm"],
  ["That works", "confirm"],
  ["That works for me", "confirm"],
  ["Works for me", "confirm"],
  ["Looks good", "confirm"],
  ["Looking forward to it", "confirm"],
  ["Yes confirmed for 9:30", "confirm"],
  ["I confirm my appointment", "confirm"],
  ["Confirm for Maria please", "confirm"],
  ["Yes, is parking free?", "confirm"],
  ["Absolutely", "confirm"],
  ["Will do", "confirm"],
  // Reschedule.
  ["Reschedule", "reschedule"],
  ["reschedule please", "reschedule"],
  ["I need to reschedule", "reschedule"],
  ["Can I reschedule?", "reschedule"],
  ["I'd like to re-schedule", "reschedule"],
  ["Need to resched", "reschedule"],
  ["Can we move it?", "reschedule"],
  ["can we move it to thursday", "reschedule"],
  ["Could we move my appointment", "reschedule"],
  ["Can I change my appointment time", "reschedule"],
  ["Another time please", "reschedule"],
  ["Is there another day available?", "reschedule"],
  ["Do you have anything later?", "reschedule"],
  ["A different day would be better", "reschedule"],
  ["Can we push it back an hour", "reschedule"],
  ["Can't make it, can we do Thursday instead?", "reschedule"],
  ["I have to cancel but want to reschedule", "reschedule"],
  ["Yes but can we move it to 10?", "reschedule"],
  ["Can we do next week instead", "reschedule"],
  // Cancel.
  ["Cancel my appointment", "cancel"],
  ["Please cancel my appointment", "cancel"],
  ["I need to cancel", "cancel"],
  ["I have to cancel", "cancel"],
  ["Need to cancel tomorrow", "cancel"],
  ["Can't make it", "cancel"],
  ["cant make it sorry", "cancel"],
  ["I can’t make it", "cancel"],
  ["I cannot come", "cancel"],
  ["We won't be able to make it", "cancel"],
  ["I won't be there", "cancel"],
  ["Not coming, sorry", "cancel"],
  ["Unable to attend", "cancel"],
  ["Sorry I can't come in tomorrow", "cancel"],
  ["No", "cancel"],
  ["N", "cancel"],
  ["nope", "cancel"],
  ["Please cancel", "cancel"],
  ["We no longer need the appointment", "cancel"],
  // Running late is the same appointment: not a reschedule; staff read it.
  ["Running late", "unknown"],
  ["running 10 min late", "unknown"],
  ["I'm running late, be there in 15", "unknown"],
  ["Going to be a few minutes late", "unknown"],
  ["On my way", "unknown"],
  ["Stuck in traffic, running late", "unknown"],
  // Not an answer.
  ["What time is my appointment?", "unknown"],
  ["Who is this?", "unknown"],
  ["Is it at 9 or 10?", "unknown"],
  ["Maybe", "unknown"],
  ["Not sure yet", "unknown"],
  ["I might be able to come", "unknown"],
  ["Thanks", "unknown"],
  ["Where is your office?", "unknown"],
  ["Do I need to bring anything?", "unknown"],
  ["\u{1F44E}", "unknown"],
  ["2", "unknown"],
  ["???", "unknown"],
  ["Wrong number", "unknown"],
  ["Call me please", "unknown"],
  ["How much will it cost", "unknown"],
];

describe("classifyReminderReply", () => {
  it("has a table of at least 100 real-looking replies", ({ expect }) => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it.for(cases)("%j is %s", ([body, intent], { expect }) => {
    expect(classifyReminderReply(body, { options: 1 }).intent).toBe(intent);
  });

  it("reads a bare digit as an option, confirming only when it is the only one", ({ expect }) => {
    expect(classifyReminderReply("1", { options: 1 })).toMatchObject({ intent: "confirm", digit: 1 });
    expect(classifyReminderReply("1", { options: 2 })).toMatchObject({ intent: "unknown", digit: 1 });
    expect(classifyReminderReply("#3", { options: 2 }).digit).toBe(3);
    expect(classifyReminderReply("option 2", { options: 2 }).digit).toBe(2);
    expect(classifyReminderReply("10", { options: 2 }).digit).toBeNull();
    expect(classifyReminderReply("C", { options: 2 }).digit).toBeNull();
  });

  it("finds the people a reply names, and 'both'", ({ expect }) => {
    const names = ["Maria", "Diego"];
    expect(classifyReminderReply("Maria's is fine", { options: 2, names })).toMatchObject({
      intent: "confirm",
      named: [0],
      everyone: false,
    });
    expect(classifyReminderReply("diego will be there", { options: 2, names }).named).toEqual([1]);
    expect(classifyReminderReply("Diego needs to reschedule", { options: 2, names })).toMatchObject({
      intent: "reschedule",
      named: [1],
    });
    expect(classifyReminderReply("Yes for both", { options: 2, names })).toMatchObject({
      intent: "confirm",
      everyone: true,
    });
    expect(classifyReminderReply("Mariana is fine", { options: 2, names }).named).toEqual([]);
  });
});

describe("familyQuestion", () => {
  const tue = (hhmm: string) => Date.parse(`2025-06-03T${hhmm}:00-05:00`);
  it("asks with first names and times on the number's clock, in one segment", ({ expect }) => {
    const text = familyQuestion(
      [
        { name: "Maria", startsAt: tue("09:30") },
        { name: "Diego", startsAt: tue("10:00") },
      ],
      "America/Chicago",
    );
    expect(text).toBe("Which appointment? Reply 1 for Maria Tue 9:30, 2 for Diego Tue 10:00, or 3 for both.");
  });
  it("says am/pm when some time is in the afternoon, and 'all' for three or more", ({ expect }) => {
    const text = familyQuestion(
      [
        { name: "Maria", startsAt: tue("09:30") },
        { name: "Diego", startsAt: tue("14:00") },
        { name: "Ana", startsAt: tue("15:00") },
      ],
      "America/Chicago",
    );
    expect(text).toBe(
      "Which appointment? Reply 1 for Maria Tue 9:30am, 2 for Diego Tue 2:00pm, 3 for Ana Tue 3:00pm, or 4 for all.",
    );
  });
  it("drops the weekday, then the times, rather than take a second segment", ({ expect }) => {
    const names = ["Alexandria", "Bartholomew", "Christopher", "Dominique", "Evangeline", "Fitzgerald"];
    const text = familyQuestion(
      names.map((name, i) => ({ name, startsAt: tue(`1${i}:00`) })),
      "America/Chicago",
    );
    expect(measureText(text).segments).toBe(1);
    expect(text).toContain("1 for Alexandria");
    expect(text).toContain("or 7 for all.");
  });
});

describe("checkAppointment", () => {
  const now = Date.parse("2025-06-01T12:00:00Z");
  it("accepts an ISO time with a zone in the future, and refuses the rest with a reason", ({ expect }) => {
    expect(
      checkAppointment({ id: "A1", startsAt: "2025-06-03T09:30:00-05:00" }, "confirmation", now),
    ).toEqual({
      ok: true,
      appointment: { id: "A1", startsAt: Date.parse("2025-06-03T14:30:00Z"), label: null },
    });
    expect(checkAppointment(undefined, undefined, now)).toEqual({ ok: true, appointment: null });
    expect(checkAppointment(undefined, "confirmation", now)).toEqual({
      ok: false,
      reason: "missing_appointment",
    });
    expect(checkAppointment({ id: "", startsAt: "2025-06-03T09:30:00Z" }, undefined, now)).toMatchObject({
      reason: "invalid_appointment_id",
    });
    expect(checkAppointment({ id: "A", startsAt: "2025-06-03" }, undefined, now)).toMatchObject({
      reason: "invalid_starts_at",
    });
    expect(checkAppointment({ id: "A", startsAt: "2025-05-03T09:30:00Z" }, undefined, now)).toMatchObject({
      reason: "appointment_in_past",
    });
  });
});
