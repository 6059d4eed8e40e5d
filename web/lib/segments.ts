/**
 * The composer's counter: characters, segments and encoding as the carrier bills them. Twilio's own
 * calculator (the same package the Worker uses in worker/domain/segments.ts), so the screen and the bill agree.
 */
import { SegmentedMessage } from "sms-segments-calculator";

export type TextMeasure = {
  characters: number;
  segments: number;
  encoding: "GSM-7" | "UCS-2";
  /** The characters that forced UCS-2, for the warning; empty for GSM-7. */
  nonGsm: string[];
};

export function measure(body: string): TextMeasure {
  if (body.length === 0) return { characters: 0, segments: 0, encoding: "GSM-7", nonGsm: [] };
  const message = new SegmentedMessage(body);
  return {
    characters: message.numberOfCharacters,
    segments: message.segmentsCount,
    encoding: message.encodingName,
    nonGsm: message.encodingName === "UCS-2" ? [...new Set(message.getNonGsmCharacters())] : [],
  };
}
