import { REASONS, type CarrierErrorTable } from "../carrier";

/** Twilio error codes (twilio.com/docs/api/errors) to a reason a front-desk person can act on. */
export const TWILIO_ERRORS: CarrierErrorTable = {
  "21610": { reason: REASONS.optedOut, optedOut: true },
  "21211": { reason: "This is not a valid phone number.", optedOut: false },
  "21614": { reason: REASONS.cannotText, optedOut: false },
  "30006": { reason: REASONS.cannotText, optedOut: false },
  "21635": { reason: REASONS.cannotText, optedOut: false },
  "21612": { reason: "The carrier cannot route texts to this number.", optedOut: false },
  "21408": { reason: "Texting this country is not enabled on the carrier account.", optedOut: false },
  "21606": { reason: "The clinic number cannot send texts with this carrier account.", optedOut: false },
  "21617": { reason: "The text is too long (over 1,600 characters).", optedOut: false },
  "20003": {
    reason: "The carrier refused the clinic's credentials. An admin should check them.",
    optedOut: false,
  },
  "30003": { reason: REASONS.unreachable, optedOut: false },
  "30004": { reason: "The text was blocked by the patient or their carrier.", optedOut: false },
  "30005": { reason: "The number does not exist or is no longer in service.", optedOut: false },
  "30007": { reason: REASONS.spam, optedOut: false },
  "30008": { reason: "The carrier reported an unknown delivery error.", optedOut: false },
  "30032": { reason: "The clinic's toll-free number is not verified yet.", optedOut: false },
  "30034": { reason: "The clinic number is not registered for business texting (10DLC).", optedOut: false },
  "30035": { reason: "The clinic number's texting registration is still in progress.", optedOut: false },
};
