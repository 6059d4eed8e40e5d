import { describe, it } from "vitest";
import { checkRecipientPhone } from "./recipient-phone";

describe("checkRecipientPhone", () => {
  const cases: [string, ReturnType<typeof checkRecipientPhone>][] = [
    ["(555) 000-1111", { ok: true, e164: "+15550001111" }],
    ["+1 212 555 0123", { ok: true, e164: "+12125550123" }],
    ["+44 20 7946 0958", { ok: false, reason: "not_mobile" }],
    ["+33 1 42 68 53 00", { ok: false, reason: "not_mobile" }],
    ["12", { ok: false, reason: "invalid_phone" }],
    ["call me", { ok: false, reason: "invalid_phone" }],
  ];
  for (const [input, expected] of cases) {
    it(input, ({ expect }) => {
      expect(checkRecipientPhone(input)).toEqual(expected);
    });
  }
});
