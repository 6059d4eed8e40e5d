/**
 * @module Segments and encoding as the carrier will bill them: stored with every message by the Worker and
 * shown live by the composer's counter, from the same function.
 *
 * sms-segments-calculator is Twilio's own calculator (TwilioDevEd/message-segment-calculator): one non-GSM
 * character (a curly apostrophe, an emoji) switches the whole text to UCS-2 (70 per single segment, 67 when
 * concatenated). Its `numberOfCharacters` is what the counter shows: an emoji counts one, a GSM-7 extension
 * character (€, [, ]) two, as it costs two septets.
 */
import { SegmentedMessage } from "sms-segments-calculator";

export type SmsEncoding = "GSM-7" | "UCS-2";

export type TextMeasure = {
  /** Characters as the calculator counts them (an emoji is one, "€" is two). */
  characters: number;
  segments: number;
  encoding: SmsEncoding;
  /** The characters that forced UCS-2, each once, for the composer's warning; empty for GSM-7. */
  nonGsm: string[];
};

/**
 * The empty text is 0 segments: nothing is billed for no text (the calculator itself answers 1). The Worker
 * meets it only on an inbound picture message without text; outbound bodies are never empty.
 */
export function measureDraft(body: string): TextMeasure {
  if (body.length === 0) return { characters: 0, segments: 0, encoding: "GSM-7", nonGsm: [] };
  const message = new SegmentedMessage(body);
  return {
    characters: message.numberOfCharacters,
    segments: message.segmentsCount,
    encoding: message.encodingName,
    nonGsm: message.encodingName === "UCS-2" ? [...new Set(message.getNonGsmCharacters())] : [],
  };
}

/** What a message row stores: its segments and encoding. */
export function measureText(body: string): { segments: number; encoding: SmsEncoding } {
  const { segments, encoding } = measureDraft(body);
  return { segments, encoding };
}
