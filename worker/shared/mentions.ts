/**
 * @module Who an internal note mentions, one rule for the worker (which stores the mentions and tells the
 * colleagues) and the composer (which shows who will be told while the note is typed).
 *
 * The rule: an `@` at the start of the note or after a character that is not a letter or digit (so an email
 * address such as "sam@example.com" mentions nobody), followed by a colleague's full name or first name,
 * case-insensitive, and then the end of the note or a character that is not a letter or digit ("@Sam," and
 * "@Sam's" mention Sam; "@Samantha" does not mention Sam). The longest name that fits wins, so "@Sam Staff"
 * is Sam Staff even when a "Sam" exists too. A first name two colleagues share mentions neither: the note's
 * author must write the full name, rather than have the wrong person told.
 */

export type Mentionable = { id: number; name: string };

const isWordChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}]/u.test(char);

function firstNameOf(name: string) {
  return name.trim().split(/\s+/)[0] ?? "";
}

type Candidate = { text: string; ids: number[] };

/** Full names and first names, each with everyone it could mean, longest first. */
function candidatesOf(people: readonly Mentionable[]): Candidate[] {
  const byText = new Map<string, Set<number>>();
  const add = (text: string, id: number) => {
    const key = text.trim().replace(/\s+/g, " ").toLocaleLowerCase("en-US");
    if (key === "") return;
    const ids = byText.get(key) ?? new Set<number>();
    ids.add(id);
    byText.set(key, ids);
  };
  for (const person of people) {
    add(person.name, person.id);
    add(firstNameOf(person.name), person.id);
  }
  return [...byText.entries()]
    .map(([text, ids]) => ({ text, ids: [...ids] }))
    .sort((a, b) => b.text.length - a.text.length);
}

/** A mention found in a note: where it is (for highlighting) and whom it names. */
export type MentionMatch = { start: number; end: number; userId: number };

/** Every unambiguous mention in the body, in order of appearance. */
export function findMentions(body: string, people: readonly Mentionable[]): MentionMatch[] {
  const candidates = candidatesOf(people);
  const lower = body.toLocaleLowerCase("en-US");
  const found: MentionMatch[] = [];
  for (let at = lower.indexOf("@"); at !== -1; at = lower.indexOf("@", at + 1)) {
    if (isWordChar(body[at - 1])) continue;
    // Names are compared with single spaces; a note typed with two spaces still names the person.
    const rest = lower.slice(at + 1);
    for (const candidate of candidates) {
      const length = matchLength(rest, candidate.text);
      if (length === null || isWordChar(rest[length])) continue;
      const [only, ...others] = candidate.ids;
      if (only !== undefined && others.length === 0) {
        found.push({ start: at, end: at + 1 + length, userId: only });
      }
      break;
    }
  }
  return found;
}

/** How many characters of `text` spell `name` (runs of whitespace count as its one space), or null. */
function matchLength(text: string, name: string): number | null {
  let i = 0;
  for (const char of name) {
    if (char === " ") {
      if (!/\s/.test(text[i] ?? "")) return null;
      while (/\s/.test(text[i] ?? "")) i++;
    } else if (text.slice(i, i + char.length) === char) {
      i += char.length;
    } else {
      return null;
    }
  }
  return i;
}

/** The distinct users the body mentions, in order of first mention, never the author. */
export function mentionedUserIds(
  body: string,
  people: readonly Mentionable[],
  authorId: number | null = null,
): number[] {
  const ids: number[] = [];
  for (const match of findMentions(body, people)) {
    if (match.userId !== authorId && !ids.includes(match.userId)) ids.push(match.userId);
  }
  return ids;
}
