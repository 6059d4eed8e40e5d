/**
 * @module Reading an inbound text for opt-out, opt-in and help. The FCC's revocation rule (FCC 24-18,
 * 47 CFR 64.1200(a)(10), effective 2025-04-11) counts a reply using stop, quit, end, revoke, opt out, cancel or
 * unsubscribe, and "any other reasonable means", so a patient's "STOP STOP", "Stop pls" or "Wrong number, stop"
 * is a revocation even though no carrier filter recognises it. A clinic also gets "Cancel my appointment"
 * every day, which is not. `classifyInbound` gives one of three opt-out answers:
 *
 * - `opt-out`: recorded at once. The text is only keywords once filler is gone, or one of its sentences is,
 *   or it holds a clear opt-out phrase ("stop texting me", "remove me").
 * - `possible-opt-out`: a keyword appears in a longer text and is not a known safe use; staff decide, and
 *   campaigns to the phone wait until they do.
 * - `none`.
 *
 * START and HELP keep their old rule: the whole text, normalised, is one of their words.
 */
export type KeywordAction = "opt_out" | "opt_in" | "help";
export type KeywordMatch = {
  action: KeywordAction;
  /** What matched, normalised ("stop", "opt out"): stored in the opt-out history. */
  keyword: string;
  /** The whole body, trimmed of whitespace only, is this one keyword: what carriers' own filters match. */
  exact: boolean;
};

export type InboundClass =
  | { kind: "opt-out"; match: KeywordMatch }
  | { kind: "opt-in"; match: KeywordMatch }
  | { kind: "help"; match: KeywordMatch }
  /** `keyword` is the opt-out word that appeared: staff see it beside the two buttons. */
  | { kind: "possible-opt-out"; keyword: string }
  | { kind: "none" };

/** The exact confirmations. The opt-out wording is the one the issue (and Twilio's auto-reply) uses. */
export const OPT_OUT_CONFIRMATION =
  "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe or Opt Back In";
export const optInConfirmation = (practice: string) =>
  `You have successfully been re-subscribed to messages from ${practice}. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.`;
export const helpReply = (practice: string, number: string) =>
  `${practice}: reply to this text or call ${number} to reach us. Reply STOP to unsubscribe. Msg&Data Rates May Apply.`;

// The FCC's per-se reasonable words (47 CFR 64.1200(a)(10)) plus Twilio's 2025 list (REVOKE, OPTOUT). Twilio's
// adapter answers exactly these, so words no carrier handles go in OTHER_OPT_OUT_WORDS instead.
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

/** Common forms in the languages a US clinic hears most (Spanish, Portuguese, French), and short forms. */
const OTHER_OPT_OUT_WORDS: ReadonlySet<string> = new Set([
  "unsub",
  "alto",
  "parar",
  "pare",
  "detener",
  "cancelar",
  "arret",
  "arrete",
  "arreter",
]);
const isOptOutWord = (token: string) => OPT_OUT_WORDS.has(token) || OTHER_OPT_OUT_WORDS.has(token);

/**
 * Politeness and filler that do not change what a keyword-only reply means: "stop pls", "STOP now thanks",
 * "Unsubscribe me", "stop it", "stop all". "yes" and "no" are here so "Yes, stop" and "No. Stop" still count.
 */
const FILLER: ReadonlySet<string> = new Set([
  "please",
  "pls",
  "plz",
  "plis",
  "pleas",
  "plse",
  "now",
  "right",
  "thanks",
  "thank",
  "you",
  "thx",
  "ty",
  "ok",
  "okay",
  "k",
  "just",
  "it",
  "that",
  "all",
  "me",
  "already",
  "asap",
  "immediately",
  "again",
  "anymore",
  "forever",
  "permanently",
  "yes",
  "no",
  "hi",
  "hello",
  "hey",
  "sorry",
  "por",
  "favor",
  "gracias",
  "ya",
  "svp",
  "merci",
]);

/**
 * Plain-language requests no carrier filter recognises ("any reasonable means"). They match anywhere in the
 * text (unless negated: "don't stop texting me"), so each must be a phrase no one uses for anything else.
 */
const OPT_OUT_PHRASES = [
  "opt out",
  "opt me out",
  "optout",
  "unsubscribe",
  "stop texting",
  "stop txting",
  "stop text",
  "stop txt",
  "stop messaging",
  "stop message",
  "stop sending",
  "stop contacting",
  "stop calling",
  "quit texting",
  "quit messaging",
  "quit sending",
  "dont text",
  "do not text",
  "dont txt",
  "dont message",
  "do not message",
  "dont contact",
  "do not contact",
  "dont send me",
  "do not send me",
  "no more texts",
  "no more text",
  "no more txts",
  "no more texting",
  "no more messages",
  "no more msgs",
  "remove me",
  "remove my number",
  "take me off",
  "take my number off",
  "delete my number",
  "lose my number",
  "leave me alone",
  "revoke my consent",
  "revoke consent",
  "withdraw my consent",
  "withdraw consent",
  "cancel my subscription",
  "cancel subscription",
  "cancel these texts",
  "cancel the texts",
  "cancel texts",
  "end these texts",
  "end the texts",
  "no mas mensajes",
  "no mas textos",
  "dar de baja",
  "darme de baja",
  "no me envien",
  "no me envies",
  "no me manden",
];

/**
 * Everyday uses of a keyword that are not opt-outs. Each pattern runs on the normalised text and must cover
 * the keyword it excuses; `\b` keeps "end" from matching inside "weekend".
 */
const SAFE_USES: readonly RegExp[] = [
  // "cancel my appointment", "cancel tomorrows appt", "cancel the 3pm cleaning"
  /\b(?:cancel|cancelar)(?: (?:my|the|our|this|that|his|her|their|an|a|mi|la|el|tomorrows|todays|next|\d+\w*))* (?:appointment|appointments|appt|appts|appointmnt|visit|booking|reservation|consult|consultation|cleaning|checkup|check up|surgery|procedure|session|exam|cita)\b/g,
  // "stop by", "I'll stop at the pharmacy", "stop in tomorrow"
  /\bstop (?:by|in|at|over|off|there)\b/g,
  // "end of the day", "at the end", "the end"
  /\bend of\b/g,
  /\bthe end\b/g,
  // "don't stop my reminders", "do not cancel my refill"
  /\b(?:dont|do not|please dont|never) (?:\w+ )?(?:stop|cancel|end|quit|unsubscribe)\b/g,
  // A modal before the verb is a statement, not a request: "the pain should end soon", "it will stop".
  /\b(?:should|will|would|might|may|could|did|does|to not) (?:stop|end|quit)\b/g,
  // The noun: "bus stop", "the last stop", "full stop".
  /\b(?:a|the|bus|last|next|first|one|full|pit) stop\b/g,
];

/** Signature lines phones add: removed before reading, so "STOP\nSent from my iPhone" is a bare STOP. */
const SIGNATURES =
  /(?:^|\n)\s*(?:sent from my \w+(?: \w+)?|sent from (?:yahoo|outlook|gmail)\b.*|get outlook for \w+)\s*$/gim;

/** Where one sentence ends: sentence punctuation, a comma, a line break, a dash set off by a space. */
const SENTENCE_BREAK = /[.!?;:,\n\r\u2026]+|\s[-\u2013\u2014]+|[-\u2013\u2014]+\s/u;

/** Lower case, straight quotes, no accents, punctuation or emoji, single spaces: "“Stop.”" becomes "stop". */
export function normalise(body: string): string {
  return body
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4']/g, "")
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Tokens with "opt out" joined into one word, so "Opt-out" and "opt out" read as the keyword "optout". */
function tokens(text: string): string[] {
  return text
    .replace(/\bopt out\b/g, "optout")
    .replace(/\bun subscribe\b/g, "unsubscribe")
    .split(" ")
    .filter((t) => t !== "");
}

/** The opt-out word a keyword-only text or sentence says ("STOP STOP pls" -> "stop"), else null. */
function onlyKeywords(text: string): string | null {
  const words = tokens(text).filter((t) => !FILLER.has(t));
  if (words.length === 0 || !words.every(isOptOutWord)) return null;
  return words[0] ?? null;
}

/** A clear opt-out phrase in the text, unless a "don't" or "never" turns it around. */
function optOutPhrase(text: string): string | null {
  const padded = ` ${text} `;
  for (const phrase of OPT_OUT_PHRASES) {
    let at = padded.indexOf(` ${phrase} `);
    while (at !== -1) {
      const before = padded.slice(0, at + 1);
      if (!/ (?:dont|do not|never|not) $/.test(before)) return phrase;
      at = padded.indexOf(` ${phrase} `, at + 1);
    }
  }
  return null;
}

/** The first opt-out word left once every safe use is blanked out, else null. */
function unexcusedKeyword(text: string): string | null {
  let rest = text;
  for (const safe of SAFE_USES) rest = rest.replace(safe, " ");
  return tokens(rest).find(isOptOutWord) ?? null;
}

/** Reads one inbound text. Pure: the same body always gives the same answer. */
export function classifyInbound(body: string): InboundClass {
  const trimmed = body.trim().toLowerCase();
  const exact = (word: string) => trimmed === word;
  const text = normalise(body);
  // Carriers' own words first, with the keyword as their filters see it ("stop all" stays "stop all").
  if (OPT_OUT_WORDS.has(text) || text === "stop all") {
    return { kind: "opt-out", match: { action: "opt_out", keyword: text, exact: exact(text) } };
  }
  if (OPT_IN_WORDS.has(text))
    return { kind: "opt-in", match: { action: "opt_in", keyword: text, exact: exact(text) } };
  if (HELP_WORDS.has(text))
    return { kind: "help", match: { action: "help", keyword: text, exact: exact(text) } };

  const unsigned = body.replace(SIGNATURES, "\n");
  const whole = onlyKeywords(normalise(unsigned));
  if (whole) return { kind: "opt-out", match: { action: "opt_out", keyword: whole, exact: exact(whole) } };
  for (const sentence of unsigned.split(SENTENCE_BREAK)) {
    const keyword = onlyKeywords(normalise(sentence));
    if (keyword) return { kind: "opt-out", match: { action: "opt_out", keyword, exact: false } };
  }
  const phrase = optOutPhrase(normalise(unsigned));
  if (phrase) return { kind: "opt-out", match: { action: "opt_out", keyword: phrase, exact: exact(phrase) } };

  const keyword = unexcusedKeyword(normalise(unsigned));
  if (keyword) return { kind: "possible-opt-out", keyword };
  // A stop sign sent alone most likely means stop, but it is no word: staff decide.
  if (text === "" && body.includes("\u{1F6D1}")) return { kind: "possible-opt-out", keyword: "\u{1F6D1}" };
  return { kind: "none" };
}

/** The keyword a text acts on at once (opt-out, opt-in, help), or null: what the inbound pipeline records. */
export function detectKeyword(body: string): KeywordMatch | null {
  const found = classifyInbound(body);
  return "match" in found ? found.match : null;
}
