/**
 * @module The queue search, as one rule: how a typed query is read (`parseSearch`) and which conversation it
 * matches (`matchesSearch`). The Worker turns the parsed search into SQL (db/queries/queue.ts); the web app
 * applies `matchesSearch` to rows that arrive live, so a row shown live is one a reload would show too.
 *
 * - Digits (with phone punctuation: spaces, `()+-.`) match anywhere in the conversation's phone.
 * - Anything else is words; every word must start the first or the last name of one patient on the phone.
 * - Names compare as SQLite's LIKE does: ASCII letters ignore case, every other character must be equal
 *   ("é" does not find "É"). sqlite.org/lang_expr.html#like
 */

/** Phone punctuation a person types around digits. */
const PHONE_TEXT = /^[\d\s()+\-.]+$/;
/** E.164 allows at most 15 digits, so a longer run of digits is in no phone. */
export const MAX_PHONE_DIGITS = 15;
/**
 * D1 limits a LIKE pattern to 50 bytes (developers.cloudflare.com/d1/platform/limits/); a name word's pattern
 * is the word, escaped, plus "%". A longer word is cut to fit: both ends cut it the same way.
 */
export const LIKE_PATTERN_MAX_BYTES = 50;
/**
 * Every word costs the name query two bound parameters and D1 allows 100 per statement; no name has more
 * words than this, and later words are ignored rather than failing the search.
 */
export const MAX_SEARCH_WORDS = 12;

export type Search =
  /** Nothing typed: every conversation. */
  | { kind: "all" }
  /** A phone search that no phone can match (more digits than E.164 allows). */
  | { kind: "none" }
  | { kind: "digits"; digits: string }
  /** Words as typed (case kept); distinct, at most MAX_SEARCH_WORDS, each short enough for a LIKE pattern. */
  | { kind: "names"; words: string[] };

export type SearchableRow = {
  phone: string;
  patients: readonly { firstName: string; lastName: string }[];
};

export function parseSearch(query: string): Search {
  const text = query.trim();
  if (text === "") return { kind: "all" };
  // A digit is required: "+" or "-" alone is not the start of a phone number but a (name) word.
  if (PHONE_TEXT.test(text) && /\d/.test(text)) {
    const digits = text.replace(/\D/g, "");
    return digits.length > MAX_PHONE_DIGITS ? { kind: "none" } : { kind: "digits", digits };
  }
  const words = [...new Set(text.split(/\s+/).map(fitLikePattern))].slice(0, MAX_SEARCH_WORDS);
  return { kind: "names", words };
}

export function matchesSearch(row: SearchableRow, search: Search): boolean {
  switch (search.kind) {
    case "all":
      return true;
    case "none":
      return false;
    case "digits":
      return row.phone.includes(search.digits);
    case "names": {
      const words = search.words.map(foldAscii);
      return row.patients.some((p) => {
        const first = foldAscii(p.firstName);
        const last = foldAscii(p.lastName);
        return words.every((w) => first.startsWith(w) || last.startsWith(w));
      });
    }
  }
}

/** A word as a literal inside a LIKE pattern with `ESCAPE '\\'`: the wildcards and the escape are escaped. */
export function escapeLike(word: string): string {
  return word.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** LIKE's own case rule: only A–Z fold. `toLowerCase` would also fold "É", which LIKE does not. */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Cuts a word (by code point) so that its pattern, escaped and with the trailing "%", fits D1's limit. */
export function fitLikePattern(word: string): string {
  let bytes = 1;
  let kept = "";
  for (const char of word) {
    bytes += utf8Length(escapeLike(char));
    if (bytes > LIKE_PATTERN_MAX_BYTES) break;
    kept += char;
  }
  return kept;
}

/** UTF-8 bytes, counted by hand: TextEncoder is a platform global, not part of the language. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
