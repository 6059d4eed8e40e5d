import { describe, it } from "vitest";
import { carrierAnswered } from "../carriers/keywords";
import { classifyInbound, detectKeyword, type InboundClass } from "./keywords";

type Answer = InboundClass["kind"];

/** Real-world phrasings and the answer each must get (FCC 24-18: stop, quit, end, revoke, opt out, cancel, unsubscribe). */
const cases: Array<[string, Answer]> = [
  // The carriers' own words, alone, in any case, spacing or punctuation.
  ["STOP", "opt-out"],
  ["stop", "opt-out"],
  ["Stop", "opt-out"],
  ["Stop.", "opt-out"],
  [" stop ", "opt-out"],
  ["STOP!!!", "opt-out"],
  ["stop!", "opt-out"],
  ["Stop?", "opt-out"],
  ["...stop...", "opt-out"],
  ["*STOP*", "opt-out"],
  ["STOP ALL", "opt-out"],
  ["StopAll", "opt-out"],
  ["stop all", "opt-out"],
  ["\u201cSTOP\u201d", "opt-out"],
  ["'stop'", "opt-out"],
  ["unsubscribe", "opt-out"],
  ["UNSUBSCRIBE", "opt-out"],
  ["Unsub", "opt-out"],
  ["cancel", "opt-out"],
  ["CANCEL", "opt-out"],
  ["END", "opt-out"],
  ["end.", "opt-out"],
  ["quit", "opt-out"],
  ["QUIT!", "opt-out"],
  ["revoke", "opt-out"],
  ["OPTOUT", "opt-out"],
  ["opt out", "opt-out"],
  ["Opt-out", "opt-out"],
  ["OPT OUT", "opt-out"],
  ["opt-out.", "opt-out"],
  // Emoji.
  ["stop \u{1F6D1}", "opt-out"],
  ["\u{1F6D1} STOP \u{1F6D1}", "opt-out"],
  ["STOP \u{1F621}\u{1F621}", "opt-out"],
  ["\u{1F44B} unsubscribe", "opt-out"],
  ["stop\u{1F64F}", "opt-out"],
  ["\u{1F6D1}", "possible-opt-out"],
  // Repeated keywords.
  ["STOP STOP", "opt-out"],
  ["stop stop stop", "opt-out"],
  ["STOP. STOP. STOP.", "opt-out"],
  ["Stop!! Stop!!", "opt-out"],
  ["stop unsubscribe", "opt-out"],
  ["STOP QUIT END", "opt-out"],
  ["cancel cancel", "opt-out"],
  // Politeness and filler.
  ["Stop pls", "opt-out"],
  ["stop please", "opt-out"],
  ["please stop", "opt-out"],
  ["Please STOP!", "opt-out"],
  ["stop plz", "opt-out"],
  ["STOP NOW", "opt-out"],
  ["stop now please", "opt-out"],
  ["Stop, thanks", "opt-out"],
  ["stop thank you", "opt-out"],
  ["Stop it", "opt-out"],
  ["just stop", "opt-out"],
  ["ok stop", "opt-out"],
  ["Okay, stop.", "opt-out"],
  ["Yes stop", "opt-out"],
  ["No. Stop", "opt-out"],
  ["Stop already", "opt-out"],
  ["STOP ASAP", "opt-out"],
  ["stop immediately", "opt-out"],
  ["Hi, stop please", "opt-out"],
  ["sorry, stop", "opt-out"],
  ["stop for good", "possible-opt-out"],
  ["unsubscribe me", "opt-out"],
  ["Please unsubscribe me.", "opt-out"],
  ["unsubscribe me please thanks", "opt-out"],
  ["cancel please", "opt-out"],
  ["quit it", "opt-out"],
  ["end it now", "opt-out"],
  ["STOP anymore", "opt-out"],
  ["stop again", "opt-out"],
  // A sentence of the text is only a keyword.
  ["Stop. Wrong number", "opt-out"],
  ["Wrong number, stop", "opt-out"],
  ["Wrong number. STOP", "opt-out"],
  ["stop - wrong person", "opt-out"],
  ["Who is this? Stop.", "opt-out"],
  ["I never signed up for this. STOP", "opt-out"],
  ["STOP! I'm not your patient", "opt-out"],
  ["This isn't Maria. Stop please", "opt-out"],
  ["Stop\nJohn", "opt-out"],
  ["Cancel. I moved away", "opt-out"],
  ["I'm done; unsubscribe", "opt-out"],
  ["not interested, quit", "opt-out"],
  ["Stop\u2026 seriously", "opt-out"],
  ["wrong number \u2014 stop", "opt-out"],
  // Trailing signatures.
  ["STOP\nSent from my iPhone", "opt-out"],
  ["Stop\n\nSent from my Samsung Galaxy", "opt-out"],
  ["stop please\nGet Outlook for iOS", "opt-out"],
  ["Stop - John Smith", "opt-out"],
  ["STOP\n-- \nMary", "opt-out"],
  ["Stop.\nThanks, Dr. Lee's patient Ann", "opt-out"],
  // Clear opt-out phrases.
  ["I want to opt out", "opt-out"],
  ["opt me out", "opt-out"],
  ["Please opt me out of these", "opt-out"],
  ["stop texting me", "opt-out"],
  ["Please stop texting me!", "opt-out"],
  ["STOP TEXTING ME", "opt-out"],
  ["can you stop texting me", "opt-out"],
  ["stop text messages", "opt-out"],
  ["stop sending me these", "opt-out"],
  ["stop messaging this number", "opt-out"],
  ["stop contacting me", "opt-out"],
  ["Stop calling and texting", "opt-out"],
  ["quit texting me", "opt-out"],
  ["don\u2019t text me anymore", "opt-out"],
  ["dont text me", "opt-out"],
  ["Do not text me again", "opt-out"],
  ["please don't message me", "opt-out"],
  ["do not contact me", "opt-out"],
  ["don't send me texts", "opt-out"],
  ["no more texts", "opt-out"],
  ["No more messages please", "opt-out"],
  ["no more text messages!", "opt-out"],
  ["remove me", "opt-out"],
  ["Remove me from your list", "opt-out"],
  ["please remove my number", "opt-out"],
  ["take me off this list", "opt-out"],
  ["Take me off your texts", "opt-out"],
  ["delete my number", "opt-out"],
  ["lose my number", "opt-out"],
  ["leave me alone", "opt-out"],
  ["How do I unsubscribe?", "opt-out"],
  ["I'd like to unsubscribe from these reminders", "opt-out"],
  ["I revoke my consent", "opt-out"],
  ["I withdraw consent to texts", "opt-out"],
  ["cancel my subscription", "opt-out"],
  ["cancel these texts", "opt-out"],
  // Other languages' common forms.
  ["ALTO", "opt-out"],
  ["alto por favor", "opt-out"],
  ["PARAR", "opt-out"],
  ["Pare", "opt-out"],
  ["cancelar", "opt-out"],
  ["Arr\u00eat", "opt-out"],
  ["arr\u00eate svp", "opt-out"],
  ["No m\u00e1s mensajes", "opt-out"],
  ["Quiero darme de baja", "opt-out"],
  ["no me env\u00eden mensajes", "opt-out"],
  ["ALTO, n\u00famero equivocado", "opt-out"],
  // A keyword in a longer text that may be an opt-out: staff decide.
  ["Stop John", "possible-opt-out"],
  ["I want to stop", "possible-opt-out"],
  ["Can I stop these reminders?", "possible-opt-out"],
  ["stop this", "possible-opt-out"],
  ["I need to cancel", "possible-opt-out"],
  ["Cancel it for me", "possible-opt-out"],
  ["Can I cancel?", "possible-opt-out"],
  ["I'd like to end this", "possible-opt-out"],
  ["I quit smoking!", "possible-opt-out"],
  ["Should I stop taking the antibiotics?", "possible-opt-out"],
  ["please cancel the order", "possible-opt-out"],
  ["my plan will be revoke soon", "possible-opt-out"],
  ["why won't you stop", "possible-opt-out"],
  ["STOP SPAMMING", "possible-opt-out"],
  ["alto dolor", "possible-opt-out"],
  // Known safe uses: not an opt-out.
  ["Can I cancel my appointment?", "none"],
  ["Cancel my appointment", "none"],
  ["cancel my appt tomorrow pls", "none"],
  ["I need to cancel the 3pm cleaning", "none"],
  ["Please cancel tomorrows appointment", "none"],
  ["Cancel appointment", "none"],
  ["cancelar mi cita", "none"],
  ["Stopping by at 3", "none"],
  ["Stop by anytime?", "none"],
  ["I'll stop by after work", "none"],
  ["I'll stop at the pharmacy", "none"],
  ["Can I stop in tomorrow?", "none"],
  ["I'll call by the end of the day", "none"],
  ["End of the week works", "none"],
  ["at the end of the month", "none"],
  ["The pain should end soon", "none"],
  ["It should stop hurting soon", "none"],
  ["Don't stop my reminders", "none"],
  ["Please don\u2019t cancel my refill", "none"],
  ["do not stop texting me, I like the reminders", "none"],
  ["I'm at the bus stop", "none"],
  ["We missed the last stop", "none"],
  // Ordinary replies.
  ["Thanks! \u{1F44D}", "none"],
  ["", "none"],
  ["   ", "none"],
  ["ok", "none"],
  ["No", "none"],
  ["Wrong number", "none"],
  ["See you Tuesday", "none"],
  ["I cancelled already", "none"],
  ["Is the office open this weekend?", "none"],
  ["Can you send me my records?", "none"],
  ["help me find parking", "none"],
  ["Starting tomorrow", "none"],
  ["Legend, thanks", "none"],
  ["\u{1F600}\u{1F600}", "none"],
  // START and HELP keep their behaviour.
  ["START", "opt-in"],
  ["Yes", "opt-in"],
  ["unstop", "opt-in"],
  ["Start.", "opt-in"],
  ["HELP", "help"],
  ["info", "help"],
  ["Help?", "help"],
];

describe("classifyInbound", () => {
  it("has at least 150 phrasings", ({ expect }) => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });
  it.for(cases)("%j -> %s", ([body, answer], { expect }) => {
    expect(classifyInbound(body).kind).toBe(answer);
  });
});

describe("detectKeyword: what the pipeline acts on at once", () => {
  it("gives the keyword of opt-outs, opt-ins and help, and nothing for a possible opt-out", ({ expect }) => {
    expect(detectKeyword("STOP STOP")).toEqual({ action: "opt_out", keyword: "stop", exact: false });
    expect(detectKeyword("Wrong number, stop")).toEqual({ action: "opt_out", keyword: "stop", exact: false });
    expect(detectKeyword("Stop John")).toBeNull();
    expect(detectKeyword("START")).toEqual({ action: "opt_in", keyword: "start", exact: true });
    expect(detectKeyword("Cancel my appointment")).toBeNull();
  });
  it("names the word a possible opt-out used", ({ expect }) => {
    expect(classifyInbound("I need to cancel")).toEqual({ kind: "possible-opt-out", keyword: "cancel" });
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
    expect(carrierAnswered("twilio", match("cancel"), true, false)).toBe(true);
    expect(carrierAnswered("twilio", match("opt out"), true, false)).toBe(false);
    expect(carrierAnswered("twilio", match("stop texting me"), true, false)).toBe(false);
    expect(carrierAnswered("twilio", match("STOP ALL"), true, false)).toBe(false);
    expect(carrierAnswered("telnyx", match("STOP ALL"), true, false)).toBe(true);
    expect(carrierAnswered("telnyx", match("revoke"), true, false)).toBe(false);
  });
  it("answers the new phrasings ourselves: no carrier filter matches them", ({ expect }) => {
    for (const body of [
      "STOP STOP",
      "Stop pls",
      "Stop. Wrong number",
      "Wrong number, stop",
      "STOP!!!",
      "ALTO",
    ]) {
      expect(carrierAnswered("twilio", match(body), true, false)).toBe(false);
      expect(carrierAnswered("telnyx", match(body), true, false)).toBe(false);
    }
  });
  it("follows the number's setting and the webhook's own hint", ({ expect }) => {
    expect(carrierAnswered("twilio", match("STOP"), false, false)).toBe(false);
    expect(carrierAnswered("twilio", match("Stop."), false, true)).toBe(true);
    expect(carrierAnswered("simulator", match("STOP"), true, false)).toBe(false);
  });
});
