export type KeywordAction = "opt_out" | "opt_in" | "help";
export type KeywordMatch = {
  action: KeywordAction;
  /** What matched, normalised ("stop", "opt out"): stored in the opt-out history. */
  keyword: string;
  /** The whole body, trimmed of whitespace only, is this one keyword: what carriers' own filters match. */
  exact: boolean;
};

/** The exact confirmations. The opt-out wording is the one the issue (and Twilio's auto-reply) uses. */
export const OPT_OUT_CONFIRMATION =
  "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe or Opt Back In";
export const optInConfirmation = (practice: string) =>
  `You have successfully been re-subscribed to messages from ${practice}. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.`;
export const helpReply = (practice: string, number: string) =>
  `${practice}: reply to this text or call ${number} to reach us. Reply STOP to unsubscribe. Msg&Data Rates May Apply.`;

// The FCC's per-se reasonable words (47 CFR 64.1200(a)(10)) plus Twilio's 2025 list (REVOKE, OPTOUT).
export const OPT_OUT_WORDS: ReadonlySet<string> = new Set([
  "stop",
  "stopall",
  "unsubscribe",
  "cancel",
  "end",
  "quit",
  "revoke",
  "optout",
]);
export const OPT_IN_WORDS: ReadonlySet<string> = new Set(["start", "yes", "unstop"]);
export const HELP_WORDS: ReadonlySet<string> = new Set(["help", "info"]);

/**
 * "Any reasonable means" (FCC 24-18) covers plain-language requests that no carrier filter recognises.
 * These match anywhere in the message, so they must be phrases no one uses for anything else: "cancel" and
 * "end" alone are keywords, but "cancel my appointment" is not an opt-out.
 */
const OPT_OUT_PHRASES = [
  "opt out",
  "opt me out",
  "optout",
  "unsubscribe",
  "stop texting",
  "stop messaging",
  "stop sending",
  "stop contacting",
  "stop all",
  "dont text me",
  "do not text me",
  "dont message me",
  "do not message me",
  "no more texts",
  "no more messages",
  "remove me from",
  "take me off",
];
/** Short replies built around a keyword: "stop please", "please stop", "stop now", "STOP!!!". */
const POLITE_STOP =
  /^(?:please )?(?:stop|unsubscribe|revoke|optout|opt out)(?: (?:please|now|it|thanks|thank you))*$/;

/** Lower case, straight quotes, no punctuation, single spaces: "“Stop.”" and " stop " both become "stop". */
export function normalise(body: string): string {
  return body
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc']/g, "")
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Reads one inbound text for STOP/START/HELP. Returns null for an ordinary message. */
export function detectKeyword(body: string): KeywordMatch | null {
  const text = normalise(body);
  const exact = (word: string) => body.trim().toLowerCase() === word;
  if (OPT_OUT_WORDS.has(text)) return { action: "opt_out", keyword: text, exact: exact(text) };
  if (OPT_IN_WORDS.has(text)) return { action: "opt_in", keyword: text, exact: exact(text) };
  if (HELP_WORDS.has(text)) return { action: "help", keyword: text, exact: exact(text) };
  if (POLITE_STOP.test(text)) return { action: "opt_out", keyword: text, exact: false };
  const padded = ` ${text} `;
  const phrase = OPT_OUT_PHRASES.find((p) => padded.includes(` ${p} `));
  if (phrase) return { action: "opt_out", keyword: phrase, exact: exact(phrase) };
  return null;
}
