import { REASONS, type CarrierErrorTable } from "../carrier";

/**
 * Telnyx messaging error codes (developers.telnyx.com/docs/messaging/messages/error-codes) to a reason a
 * front-desk person can act on.
 */
export const TELNYX_ERRORS: CarrierErrorTable = {
  "40300": { reason: REASONS.optedOut, optedOut: true },
  "40001": { reason: REASONS.cannotText, optedOut: false },
  "40006": { reason: REASONS.unreachable, optedOut: false },
  "40002": { reason: REASONS.spam, optedOut: false },
  "40003": { reason: REASONS.spam, optedOut: false },
  "40008": { reason: "The carrier could not deliver the text.", optedOut: false },
  "40005": { reason: "The text expired before it could be delivered.", optedOut: false },
};
