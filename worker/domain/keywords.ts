import type { Carrier } from "../db/schema";

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
const OPT_OUT_WORDS = new Set([
  "stop",
  "stopall",
  "unsubscribe",
  "cancel",
  "end",
  "quit",
  "revoke",
  "optout",
]);
const OPT_IN_WORDS = new Set(["start", "yes", "unstop"]);
const HELP_WORDS = new Set(["help", "info"]);

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

/**
 * The keywords each carrier's default filter answers itself. Twilio: whole body, single word,
 * case-insensitive (support.twilio.com/hc/en-us/articles/223134027; "no spaces in opt-out keywords");
 * Telnyx: its default list includes "STOP ALL" but not REVOKE/OPTOUT
 * (developers.telnyx.com/docs/messaging/messages/advanced-opt-in-out). Whether either ignores trailing
 * punctuation is not documented, so only a whitespace-trimmed exact match counts as "the carrier replied".
 */
const CARRIER_KEYWORDS: Record<Carrier, Set<string>> = {
  // Twilio answers every word of our own lists: its 2025 list is the FCC words plus START/YES/UNSTOP, HELP/INFO.
  twilio: new Set([...OPT_OUT_WORDS, ...OPT_IN_WORDS, ...HELP_WORDS]),
  telnyx: new Set([
    "stop",
    "stopall",
    "stop all",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "start",
    "unstop",
    "help",
    "info",
  ]),
  simulator: new Set(),
};

/**
 * Whether the carrier already sent its own confirmation for this keyword, so we must not send a second
 * (FCC 64.1200(a)(12) allows one). `carrierHandles` is the number's setting; `carrierSaidSo` is a hint in the
 * webhook itself (Twilio `OptOutType`, Telnyx `autoresponse_type`).
 */
export function carrierAnswered(
  carrier: Carrier,
  match: KeywordMatch,
  carrierHandles: boolean,
  carrierSaidSo: boolean,
): boolean {
  if (carrierSaidSo) return true;
  return carrierHandles && match.exact && CARRIER_KEYWORDS[carrier].has(match.keyword);
}

/** The number's setting, or its carrier's default when unset: Twilio's STOP filtering is on by default. */
export function carrierHandlesKeywords(carrier: Carrier, setting: boolean | null): boolean {
  return setting ?? carrier === "twilio";
}
