import type { Env } from "../env";
import type { Carrier, ClinicNumber } from "../db/schema";
import { carrierAdapter, numberCredentials } from "../carriers/registry";
import { badRequest } from "../lib/errors";
import { decryptJson, encryptJson } from "../lib/credentials";

export type SealedCredentials = { carrierAccountId: string | null; credentialsCiphertext: string | null };

/**
 * Checks credentials against the carrier's own schema (400 naming the field) and returns what to store:
 * the account id the carrier's webhooks carry, and the credentials encrypted. A carrier that takes none
 * (the simulator) stores nothing.
 */
export async function sealCredentials(
  key: string,
  carrier: Carrier,
  credentials: unknown,
): Promise<SealedCredentials> {
  const parsed = numberCredentials.safeParse({ carrier, credentials });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join(".");
    throw badRequest(issue ? (path ? `${path}: ${issue.message}` : issue.message) : "credentials: invalid");
  }
  const rules = carrierAdapter(carrier).credentials;
  if (!rules || parsed.data.credentials === undefined) {
    return { carrierAccountId: null, credentialsCiphertext: null };
  }
  return {
    carrierAccountId: rules.accountId(parsed.data.credentials),
    credentialsCiphertext: await encryptJson(key, parsed.data.credentials),
  };
}

/** The number's decrypted carrier credentials, or null when none are stored (the simulator). */
export async function credentialsOf(env: Env, number: ClinicNumber): Promise<unknown> {
  if (!number.credentialsCiphertext) return null;
  return decryptJson(env.CREDENTIALS_KEY, number.credentialsCiphertext);
}

/** The REST origin of the number's carrier, configurable so tests and benchmarks can run a fake carrier. */
export function apiBaseOf(env: Env, number: ClinicNumber): string {
  return carrierAdapter(number.carrier).apiBase(env);
}
