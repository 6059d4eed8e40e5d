import { SegmentedMessage } from "sms-segments-calculator";

export type SmsEncoding = "GSM-7" | "UCS-2";

/**
 * Segments and encoding as the carrier will bill them. sms-segments-calculator is Twilio's own calculator
 * (TwilioDevEd/message-segment-calculator): one non-GSM character (a curly apostrophe, an emoji) switches the
 * whole text to UCS-2 (70 per single segment, 67 when concatenated). `numberOfCharacters` counts graphemes,
 * so only `segmentsCount` is used for limits.
 */
export function measureText(body: string): { segments: number; encoding: SmsEncoding } {
  if (body.length === 0) return { segments: 1, encoding: "GSM-7" };
  const message = new SegmentedMessage(body);
  return { segments: Math.max(1, message.segmentsCount), encoding: message.encodingName };
}
