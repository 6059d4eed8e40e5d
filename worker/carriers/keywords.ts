import type { Carrier } from "../db/schema";
import type { KeywordMatch } from "../domain/keywords";
import { carrierAdapter } from "./registry";

/**
 * Whether the carrier already sent its own confirmation for this keyword, so we must not send a second
 * (FCC 64.1200(a)(12) allows one). `carrierHandles` is the number's setting; `carrierSaidSo` is a hint in the
 * webhook itself (Twilio `OptOutType`, Telnyx `autoresponse_type`). Whether a carrier ignores trailing
 * punctuation is not documented, so only a whitespace-trimmed exact match counts as "the carrier replied".
 */
export function carrierAnswered(
  carrier: Carrier,
  match: KeywordMatch,
  carrierHandles: boolean,
  carrierSaidSo: boolean,
): boolean {
  if (carrierSaidSo) return true;
  return carrierHandles && match.exact && carrierAdapter(carrier).keywords.answers.has(match.keyword);
}

/** The number's setting, or its carrier's default when unset (Twilio's STOP filtering is on by default). */
export function carrierHandlesKeywords(carrier: Carrier, setting: boolean | null): boolean {
  return setting ?? carrierAdapter(carrier).keywords.handledByDefault;
}
