/**
 * Carrier error codes to a reason a front-desk person can act on. Twilio codes from
 * twilio.com/docs/api/errors (21610, 21211, 21614, 30003-30008 ...); Telnyx delivery codes from
 * developers.telnyx.com/docs/messaging/messages/error-codes.
 */
export type CarrierErrorInfo = {
  reason: string;
  /** The carrier blocks this phone because it opted out: record the opt-out on our side too. */
  optedOut: boolean;
};

const CANNOT_TEXT = "This number cannot receive texts (it may be a landline or not a valid mobile number).";

const KNOWN: Record<string, CarrierErrorInfo> = {
  "21610": {
    reason: "The patient replied STOP to this number, so the carrier blocks texts to them.",
    optedOut: true,
  },
  "40300": {
    reason: "The patient replied STOP to this number, so the carrier blocks texts to them.",
    optedOut: true,
  },
  "21211": { reason: "This is not a valid phone number.", optedOut: false },
  "21614": { reason: CANNOT_TEXT, optedOut: false },
  "30006": { reason: CANNOT_TEXT, optedOut: false },
  "21635": { reason: CANNOT_TEXT, optedOut: false },
  "40001": { reason: CANNOT_TEXT, optedOut: false },
  "21612": { reason: "The carrier cannot route texts to this number.", optedOut: false },
  "21408": { reason: "Texting this country is not enabled on the carrier account.", optedOut: false },
  "21606": { reason: "The clinic number cannot send texts with this carrier account.", optedOut: false },
  "21617": { reason: "The text is too long (over 1,600 characters).", optedOut: false },
  "20003": {
    reason: "The carrier refused the clinic's credentials. An admin should check them.",
    optedOut: false,
  },
  "30003": { reason: "The patient's phone is off or out of reach.", optedOut: false },
  "40006": { reason: "The patient's phone is off or out of reach.", optedOut: false },
  "30004": { reason: "The text was blocked by the patient or their carrier.", optedOut: false },
  "30005": { reason: "The number does not exist or is no longer in service.", optedOut: false },
  "30007": { reason: "The patient's carrier filtered the text as possible spam.", optedOut: false },
  "40002": { reason: "The patient's carrier filtered the text as possible spam.", optedOut: false },
  "40003": { reason: "The patient's carrier filtered the text as possible spam.", optedOut: false },
  "30008": { reason: "The carrier reported an unknown delivery error.", optedOut: false },
  "40008": { reason: "The carrier could not deliver the text.", optedOut: false },
  "40005": { reason: "The text expired before it could be delivered.", optedOut: false },
  "30032": { reason: "The clinic's toll-free number is not verified yet.", optedOut: false },
  "30034": { reason: "The clinic number is not registered for business texting (10DLC).", optedOut: false },
  "30035": { reason: "The clinic number's texting registration is still in progress.", optedOut: false },
};

export function describeCarrierError(code: string | null, fallback?: string): CarrierErrorInfo {
  const known = code ? KNOWN[code] : undefined;
  if (known) return known;
  return {
    reason: fallback
      ? `The carrier refused the text: ${fallback}`
      : "The carrier could not deliver the text.",
    optedOut: false,
  };
}
