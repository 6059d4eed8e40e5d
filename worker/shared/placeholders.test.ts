import { describe, it } from "vitest";
import {
  fillPlaceholders,
  placeholdersIn,
  unknownPlaceholderMessage,
  unknownPlaceholders,
  type FillContext,
} from "./placeholders";

const TESS = { firstName: "Test", lastName: "Patient" };
const FULL: FillContext = {
  patients: [TESS],
  practiceName: "Demo Family Clinic",
  numberLabel: "Main office",
  staffName: "Sam Staff",
};

describe("fillPlaceholders", () => {
  it.for([
    ["Hi {patient.firstName}!", FULL, "Hi Test!", []],
    [
      "{patient.firstName} {patient.lastName}, {practice.name} ({number.label}). {staff.firstName}",
      FULL,
      "Test Patient, Demo Family Clinic (Main office). Sam",
      [],
    ],
    ["No placeholders at all.", FULL, "No placeholders at all.", []],
    ["Twice {patient.firstName} {patient.firstName}", FULL, "Twice Test Test", []],
    // An unknown sender: no patient on the phone.
    ["Hi {patient.firstName}", { ...FULL, patients: [] }, "Hi {patient.firstName}", ["patient.firstName"]],
    // A family phone: two patients, so neither name is filled; the rest is.
    [
      "Hi {patient.firstName} {patient.lastName}, {practice.name}",
      { ...FULL, patients: [TESS, { firstName: "Diego", lastName: "Alvarez" }] },
      "Hi {patient.firstName} {patient.lastName}, Demo Family Clinic",
      ["patient.firstName", "patient.lastName"],
    ],
    ["From {staff.firstName}", { ...FULL, staffName: null }, "From {staff.firstName}", ["staff.firstName"]],
    ["From {staff.firstName}", { ...FULL, staffName: "  " }, "From {staff.firstName}", ["staff.firstName"]],
    ["Line {number.label}", { ...FULL, numberLabel: "" }, "Line {number.label}", ["number.label"]],
    // Unknown tokens and lone braces are left alone (refused on save, never filled).
    ["{nope} and { spaced } and {", FULL, "{nope} and { spaced } and {", []],
    // A value holding braces is not read again as a placeholder.
    [
      "Hi {patient.firstName}",
      { ...FULL, patients: [{ firstName: "{practice.name}", lastName: "X" }] },
      "Hi {practice.name}",
      [],
    ],
  ] as const)("%j", ([body, context, text, unfilled], { expect }) => {
    expect(fillPlaceholders(body, context)).toEqual({ text, unfilled });
  });
});

describe("unknownPlaceholders", () => {
  it.for([
    ["Hi {patient.firstName}", []],
    ["Hi {patient.firstname}", ["{patient.firstname}"]],
    ["{a} {b} {a}", ["{a}", "{b}"]],
    ["{ not one } {}", []],
  ] as const)("%j", ([body, expected], { expect }) => {
    expect(unknownPlaceholders(body)).toEqual(expected);
  });

  it("names the unknown ones and the known ones in its message", ({ expect }) => {
    expect(unknownPlaceholderMessage(["{patient.firstname}"])).toMatch(
      /^\{patient\.firstname\} is not a placeholder\. Use \{patient\.firstName\}, .*\{staff\.firstName\}\.$/,
    );
  });
});

describe("placeholdersIn", () => {
  it("lists the known placeholders left in a text", ({ expect }) => {
    expect(placeholdersIn("Hi {patient.firstName}, {x} {patient.firstName}")).toEqual(["patient.firstName"]);
  });
});
