import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

/**
 * Phone numbers are stored and compared as E.164 and shown to people in national format.
 * libphonenumber-js/max validates against real numbering plans (the `min` build only checks lengths).
 */
export function toE164(input: string, defaultCountry: CountryCode = "US"): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry);
  if (!parsed || !isAcceptable(parsed.number)) return null;
  return parsed.number;
}

function isAcceptable(e164: string): boolean {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return false;
  return parsed.isValid() || isFictionalNanp(e164);
}

/**
 * North America keeps 555 numbers for fiction: the unassigned 555 area code and the NXX-555-01xx block.
 * The demo practice, the simulator and the tests use them so no real phone is ever texted by accident;
 * libphonenumber calls them invalid, so they are allowed here explicitly.
 */
function isFictionalNanp(e164: string): boolean {
  return /^\+1555\d{7}$/.test(e164) || /^\+1[2-9]\d{2}55501\d{2}$/.test(e164);
}

/** "(555) 000-1111" for North American numbers, international format otherwise. */
export function formatPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.countryCallingCode === "1" ? parsed.formatNational() : parsed.formatInternational();
}
