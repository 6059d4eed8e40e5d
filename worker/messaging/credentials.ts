import type { Env } from "../env";
import type { ClinicNumber } from "../db/schema";
import { decryptJson } from "../lib/credentials";

/** The number's decrypted carrier credentials, or null when none are stored (the simulator). */
export async function credentialsOf(env: Env, number: ClinicNumber): Promise<unknown> {
  if (!number.credentialsCiphertext) return null;
  return decryptJson(env.CREDENTIALS_KEY, number.credentialsCiphertext);
}

/** The REST origin of a carrier, configurable so tests and benchmarks can run a fake carrier. */
export function apiBaseOf(env: Env, number: ClinicNumber): string {
  if (number.carrier === "twilio") return env.TWILIO_API_BASE || "https://api.twilio.com";
  if (number.carrier === "telnyx") return env.TELNYX_API_BASE || "https://api.telnyx.com";
  return "";
}
