import { parsePhoneNumberFromString, type NumberType } from "libphonenumber-js/max";
import { toE164 } from "../shared/phone";

export type PhoneCheck = { ok: true; e164: string } | { ok: false; reason: "invalid_phone" | "not_mobile" };

/**
 * Number types that certainly cannot receive a text. North American numbers come back FIXED_LINE_OR_MOBILE
 * (the numbering plan does not tell them apart), so only numbers known to be landlines or special services
 * are refused; a carrier lookup would be needed to be sure about the rest.
 */
const NOT_TEXTABLE = new Set<NumberType>(["FIXED_LINE", "PREMIUM_RATE", "SHARED_COST", "VOICEMAIL", "UAN"]);

/** Normalises a recipient phone to E.164, or says why a text cannot go to it. */
export function checkRecipientPhone(input: string): PhoneCheck {
  const e164 = toE164(input);
  if (!e164) return { ok: false, reason: "invalid_phone" };
  const type = parsePhoneNumberFromString(e164)?.getType();
  if (type !== undefined && NOT_TEXTABLE.has(type)) return { ok: false, reason: "not_mobile" };
  return { ok: true, e164 };
}
