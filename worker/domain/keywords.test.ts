import { describe, it } from "vitest";
import { carrierAnswered } from "../carriers/keywords";
import { detectKeyword } from "./keywords";

const cases: Array<[string, "opt_out" | "opt_in" | "help" | null]> = [
  ["STOP", "opt_out"],
  ["stop", "opt_out"],
  ["Stop.", "opt_out"],
  [" stop ", "opt_out"],
  ["STOP!!!", "opt_out"],
  ["STOP ALL", "opt_out"],
  ["StopAll", "opt_out"],
  ["\u201cSTOP\u201d", "opt_out"],
  ["unsubscribe", "opt_out"],
  ["unsubscribe me", "opt_out"],
  ["Please unsubscribe me.", "opt_out"],
  ["cancel", "opt_out"],
  ["END", "opt_out"],
  ["quit", "opt_out"],
  ["revoke", "opt_out"],
  ["OPTOUT", "opt_out"],
  ["opt out", "opt_out"],
  ["Opt-out", "opt_out"],
  ["I want to opt out", "opt_out"],
  ["stop texting me", "opt_out"],
  ["Please stop texting me!", "opt_out"],
  ["stop please", "opt_out"],
  ["please stop", "opt_out"],
  ["don\u2019t text me anymore", "opt_out"],
  ["Stopping by at 3", null],
  ["Can I cancel my appointment?", null],
  ["The pain should end soon", null],
  ["Stop by anytime?", null],
  ["I'll stop at the pharmacy", null],
  ["Thanks! \u{1F44D}", null],
  ["", null],
  ["START", "opt_in"],
  ["Yes", "opt_in"],
  ["unstop", "opt_in"],
  ["HELP", "help"],
  ["info", "help"],
  ["help me find parking", null],
];

describe("detectKeyword", () => {
  it.for(cases)("%j -> %s", ([body, action], { expect }) => {
    expect(detectKeyword(body)?.action ?? null).toBe(action);
  });
});

describe("carrierAnswered: at most one confirmation", () => {
  const match = (body: string) => {
    const m = detectKeyword(body);
    if (!m) throw new Error("no match");
    return m;
  };
  it("Twilio answers only exact single keywords; we answer the rest", ({ expect }) => {
    expect(carrierAnswered("twilio", match("STOP"), true, false)).toBe(true);
    expect(carrierAnswered("twilio", match(" stop "), true, false)).toBe(true);
    expect(carrierAnswered("twilio", match("opt out"), true, false)).toBe(false);
    expect(carrierAnswered("twilio", match("stop texting me"), true, false)).toBe(false);
    expect(carrierAnswered("twilio", match("STOP ALL"), true, false)).toBe(false);
    expect(carrierAnswered("telnyx", match("STOP ALL"), true, false)).toBe(true);
    expect(carrierAnswered("telnyx", match("revoke"), true, false)).toBe(false);
  });
  it("follows the number's setting and the webhook's own hint", ({ expect }) => {
    expect(carrierAnswered("twilio", match("STOP"), false, false)).toBe(false);
    expect(carrierAnswered("twilio", match("Stop."), false, true)).toBe(true);
    expect(carrierAnswered("simulator", match("STOP"), true, false)).toBe(false);
  });
});
