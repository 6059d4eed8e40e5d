/**
 * @module Quick-reply placeholders, one rule for the worker (which refuses an unknown one on save) and the
 * composer (which fills them for the conversation at hand). A placeholder is a name in braces, e.g.
 * `{patient.firstName}`; anything in braces without spaces is read as one, so a typo such as
 * `{patient.firstname}` is refused on save instead of reaching a patient as written.
 */

export const PLACEHOLDERS = [
  "patient.firstName",
  "patient.lastName",
  "practice.name",
  "number.label",
  "staff.firstName",
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const PLACEHOLDER_LABELS: Record<Placeholder, string> = {
  "patient.firstName": "the patient's first name",
  "patient.lastName": "the patient's last name",
  "practice.name": "the practice's name",
  "number.label": "the clinic number's label",
  "staff.firstName": "your first name",
};

// Braces around one run of characters that are neither braces nor whitespace.
const TOKEN = /\{([^{}\s]+)\}/g;

const isPlaceholder = (name: string): name is Placeholder =>
  (PLACEHOLDERS as readonly string[]).includes(name);

/** The placeholders a body uses that do not exist, each once, in order: `{patient.firstname}` for a typo. */
export function unknownPlaceholders(body: string): string[] {
  const unknown: string[] = [];
  for (const [token, name] of body.matchAll(TOKEN)) {
    if (name !== undefined && !isPlaceholder(name) && !unknown.includes(token)) unknown.push(token);
  }
  return unknown;
}

/** The message for a body with unknown placeholders, naming them and the ones that exist. */
export function unknownPlaceholderMessage(unknown: readonly string[]): string {
  const known = PLACEHOLDERS.map((p) => `{${p}}`).join(", ");
  const names = unknown.join(", ");
  return `${names} ${unknown.length === 1 ? "is not a placeholder" : "are not placeholders"}. Use ${known}.`;
}

/**
 * What the conversation knows. `patients` is everyone on the phone: the patient placeholders fill only when
 * there is exactly one (a family phone could be the mother or the son). A name that is unknown or blank
 * leaves its placeholder unfilled.
 */
export type FillContext = {
  patients: readonly { firstName: string; lastName: string }[];
  practiceName: string | null;
  numberLabel: string | null;
  staffName: string | null;
};

export type Filled = {
  text: string;
  /** The placeholders left as written because the conversation does not know them, each once. */
  unfilled: Placeholder[];
};

function valueOf(name: Placeholder, context: FillContext): string | null {
  const [patient, ...others] = context.patients;
  const single = others.length === 0 ? patient : undefined;
  const value = (() => {
    switch (name) {
      case "patient.firstName":
        return single?.firstName;
      case "patient.lastName":
        return single?.lastName;
      case "practice.name":
        return context.practiceName;
      case "number.label":
        return context.numberLabel;
      case "staff.firstName":
        return context.staffName?.trim().split(/\s+/)[0];
    }
  })();
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Fills every placeholder it can; the others stay in the text as written and are listed. */
export function fillPlaceholders(body: string, context: FillContext): Filled {
  const unfilled: Placeholder[] = [];
  const text = body.replace(TOKEN, (token, name: string) => {
    if (!isPlaceholder(name)) return token;
    const value = valueOf(name, context);
    if (value !== null) return value;
    if (!unfilled.includes(name)) unfilled.push(name);
    return token;
  });
  return { text, unfilled };
}

/** The known placeholders still in a text (the composer refuses to send while any is left). */
export function placeholdersIn(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const [, name] of text.matchAll(TOKEN)) {
    if (name !== undefined && isPlaceholder(name) && !found.includes(name)) found.push(name);
  }
  return found;
}
